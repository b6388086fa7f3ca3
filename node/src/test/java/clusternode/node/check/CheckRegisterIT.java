package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.testing.TestPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CI-sized {@code cluster check}: three Raft JVMs, the register workload for 40 s while the
 * nemesis takes a majority ring, a SIGSTOP, a leader isolation and a kill -9 in turn; the history
 * must be linearizable, every one of those faults must have been applied (and shaded in the
 * report, which has a band per node), and no node may outlive the run.
 *
 * <p>Together the check ITs apply every nemesis kind at least once and assert it: this one the four
 * above, {@link CheckCrdtIT} kill and partition-halves, {@link CheckHttpsIT} isolate-leader,
 * {@link CheckLedgerPbftIT} byzantine; {@link CheckLedgerIT} runs {@code mix}. With seed 7 the
 * nemesis's own draws put the kill's start at about 28 s (quiet 2-4 s, fault 4-8 s each), well
 * inside the 40 s.
 */
class CheckRegisterIT {
  private static final List<String> FAULTS = List.of("partition-majority-ring", "pause", "isolate-leader", "kill");

  @Test
  void registerUnderEachFaultInTurnIsLinearizable() throws Exception {
    Path conf = TestPorts.deployment(Path.of("src/test/resources/check/it-check-register.conf"));
    CheckRunIT.Result r = CheckRunIT.check("it-check-register", "--workload", "register", "--nemesis",
        String.join(",", FAULTS), "--duration", "40", "--seed", "7", "--op-timeout", "5", "--config", conf.toString());
    CheckRunIT.assertValidRun(r);
    String history = Files.readString(r.runDir().resolve("history.jsonl"));
    for (String fault : FAULTS) {
      assertTrue(history.contains("\"type\":\"ok\",\"process\":\"nemesis\",\"f\":\"" + fault + "\""),
          fault + " was never applied: " + r.output());
    }
    assertTrue(history.contains("\"f\":\"cas\""), "no cas recorded");
    String report = Files.readString(r.runDir().resolve("report.html"));
    for (String node : List.of("n1", "n2", "n3")) {
      assertTrue(report.contains("<rect class='band' data-node='" + node + "'"), "no band for " + node);
    }
    int shaded = report.split("<rect class='nemesis'", -1).length - 1;
    assertTrue(shaded >= FAULTS.size(), shaded + " nemesis windows shaded, fewer than the faults applied");
  }
}
