package clusternode.node.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.bench.BenchOptions;
import clusternode.protocols.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bin/cluster bench}: --protocol and --workload checked before any load, and the running cluster's protocol checked. */
class BenchArgumentsTest {
  private static BenchOptions parse(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "bench";
    System.arraycopy(args, 0, all, 1, args.length);
    CommandLine.ParseResult parsed = new CommandLine(new ClusterCommand()).parseArgs(all);
    ClusterCommand.BenchCommand bench = (ClusterCommand.BenchCommand) parsed.subcommand().commandSpec().userObject();
    return bench.options();
  }

  @Test
  void defaultsAreAKvWriteAgainstRaft() {
    BenchOptions o = parse();
    assertEquals("raft", o.protocol());
    assertEquals("kv-write", o.workload());
    assertEquals(64, o.clients());
    assertEquals("leader", o.target());
  }

  @Test
  void pbftTakesItsOwnWorkloads() {
    BenchOptions o = parse("--protocol", "pbft", "--workload", "view-change", "--runs", "3");
    assertEquals("pbft", o.protocol());
    assertEquals("view-change", o.workload());
    assertEquals(3, o.runs());
    assertEquals("pbft", parse("--protocol", "pbft", "--workload", "kv-write", "--clients", "1").protocol());
    assertEquals("ledger-transfer", parse("--protocol", "pbft", "--workload", "ledger-transfer").workload());
  }

  @Test
  void workloadsOfTheOtherProtocolAreRefusedWithTheRightOneNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("--workload", "view-change"));
    assertTrue(e.getMessage().contains("pbft") && e.getMessage().contains("failover"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> parse("--protocol", "pbft", "--workload", "failover"));
    assertTrue(e.getMessage().contains("view-change"), e.getMessage());
  }

  @Test
  void unknownProtocolsWorkloadsAndNumbersAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("--protocol", "zab"));
    assertTrue(e.getMessage().contains("raft or pbft"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> parse("--workload", "kv-scan"));
    assertThrows(IllegalArgumentException.class, () -> parse("--clients", "0"));
    assertThrows(IllegalArgumentException.class, () -> parse("--runs", "0"));
    assertThrows(IllegalArgumentException.class, () -> parse("--duration", "0"));
  }

  @Test
  void aBadProtocolEndsTheCommandWithExitCode2BeforeTouchingAnyCluster() {
    int code = new CommandLine(new ClusterCommand()).execute("--dir", "target/no-such-cluster", "bench",
        "--protocol", "zab");
    assertEquals(2, code);
  }

  @Test
  void theRunningClustersProtocolMustMatch() throws Exception {
    JsonNode pbft = Json.MAPPER.readTree("{\"id\":\"n1\",\"protocols\":[\"peer-monitor\",\"pbft\",\"ledger\"]}");
    JsonNode raft = Json.MAPPER.readTree("{\"id\":\"n1\",\"protocols\":[\"peer-monitor\",\"raft\",\"ledger\"]}");
    JsonNode both = Json.MAPPER.readTree("{\"id\":\"n1\",\"protocols\":[\"raft\",\"pbft\"]}");
    assertNull(BenchOptions.protocolMismatch(pbft, "pbft"));
    assertNull(BenchOptions.protocolMismatch(raft, "raft"));
    assertNull(BenchOptions.protocolMismatch(both, "raft"));
    String wrong = BenchOptions.protocolMismatch(raft, "pbft");
    assertTrue(wrong != null && wrong.contains("runs [\"peer-monitor\",\"raft\",\"ledger\"]"), wrong);
    assertTrue(BenchOptions.protocolMismatch(pbft, "raft").contains("--protocol raft"));
    assertTrue(BenchOptions.protocolMismatch(both, "pbft").contains("raft serves /kv"));
    assertTrue(BenchOptions.protocolMismatch(Json.MAPPER.readTree("{}"), "raft").contains("does not list"));
  }
}
