package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * CI-sized {@code cluster check}: three Raft JVMs, the register workload, the mixed nemesis
 * (partitions, majority rings, leader isolation, kill -9, SIGSTOP) for 40 s; the history must be
 * linearizable, and no node may outlive the run.
 */
class CheckRegisterIT {
  @Test
  void registerUnderMixedFaultsIsLinearizable() throws Exception {
    Path conf = Path.of("src/test/resources/check/it-check-register.conf").toAbsolutePath();
    CheckRunIT.Result r = CheckRunIT.check("it-check-register", "--workload", "register", "--nemesis", "mix",
        "--duration", "40", "--seed", "7", "--op-timeout", "5", "--config", conf.toString());
    CheckRunIT.assertValidRun(r);
    String history = Files.readString(r.runDir().resolve("history.jsonl"));
    assertTrue(history.contains("\"process\":\"nemesis\""), "no nemesis event recorded");
    assertTrue(history.contains("\"f\":\"cas\""), "no cas recorded");
  }
}
