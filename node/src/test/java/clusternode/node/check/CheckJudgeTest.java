package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.check.History.Operation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verdict's path out of {@code cluster check} without a cluster (issue 7: "a violation exits
 * non-zero and prints the smallest failing sub-history"): a recorded history goes through the
 * runner's judging step, which prints, writes results.json and report.html, and picks the exit code.
 */
class CheckJudgeTest {
  private static final Path REGISTER_CONF = Path.of("src/test/resources/check/it-check-register.conf");
  private static final Path LEDGER_CONF = Path.of("src/test/resources/check/it-check-ledger.conf");

  @TempDir
  Path dir;

  private record Judged(int exitCode, String output) {}

  private Judged judge(String workload, Path conf, Linearizability.Limits limits, History history,
      List<String> problems) throws IOException {
    return judge(workload, conf, limits, history, null, problems);
  }

  private Judged judge(String workload, Path conf, Linearizability.Limits limits, History history,
      LedgerCheck.Facts ledger, List<String> problems) throws IOException {
    CheckRunner.Options options = new CheckRunner.Options(workload, "mix", Duration.ofSeconds(40),
        conf.toAbsolutePath(), 7, 4, Duration.ofSeconds(5), dir, Path.of("unused.jar"), limits,
        new CheckRunner.Crdt("majority", Duration.ofSeconds(30)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      int code = new CheckRunner(options, out).judge(dir, history, ledger, null, problems);
      return new Judged(code, bytes.toString(StandardCharsets.UTF_8));
    }
  }

  /** A stale read of x among twenty good operations on y. */
  private static Histories staleReadAmongGoodOnes() {
    Histories h = new Histories().write("c0", "x", "1", 0, 10).write("c1", "x", "2", 20, 30)
        .read("c2", "x", "1", 40, 50);
    for (int i = 0; i < 10; i++) {
      h.write("c3", "y", "v" + i, 100 + 20 * i, 105 + 20 * i).read("c4", "y", "v" + i, 110 + 20 * i, 115 + 20 * i);
    }
    return h;
  }

  @Test
  void aStaleReadExitsOneAndPrintsOnlyTheOperationsInvolved() throws IOException {
    List<Operation> ops = staleReadAmongGoodOnes().history().operations();
    Judged j = judge("register", REGISTER_CONF, Linearizability.Limits.DEFAULT, staleReadAmongGoodOnes().history(),
        List.of());

    assertEquals(CheckRunner.EXIT_VIOLATION, j.exitCode(), j.output());
    assertTrue(j.output().contains("verdict: INVALID"), j.output());
    List<String> lines = Arrays.asList(j.output().split("\n"));
    int from = lines.indexOf("smallest failing sub-history:");
    assertTrue(from >= 0, j.output());
    List<String> printed = lines.subList(from + 1, lines.size() - 1); // up to the verdict line
    List<String> expected = ops.stream().filter(o -> o.invoke().key().equals("x")).map(o -> "  " + o.describe())
        .toList();
    assertEquals(expected, printed, "the two writes and the stale read, nothing more");
    for (Operation o : ops) {
      if (o.invoke().key().equals("y")) {
        assertFalse(j.output().contains(o.describe()), "a good operation printed: " + o.describe());
      }
    }
    String results = Files.readString(dir.resolve("results.json"));
    assertTrue(results.contains("\"verdict\" : \"INVALID\""), results);
    assertEquals(3, Files.readString(dir.resolve("report.html")).split("class='violating'", -1).length - 1);
  }

  @Test
  void aSearchThatHitsItsBoundGivesNoVerdictAndExitThree() throws IOException {
    Histories h = new Histories();
    for (int i = 0; i < 12; i++) {
      h.write("c" + i, "x", "v" + i, i, 1000 + i);
    }
    h.read("r", "x", "v3", 2000, 2010).read("r", "x", "v5", 2020, 2030);
    Judged j = judge("register", REGISTER_CONF, new Linearizability.Limits(50, 1_000, 10), h.history(), List.of());

    assertEquals(CheckRunner.EXIT_UNKNOWN, j.exitCode(), j.output());
    assertTrue(j.output().contains("verdict: UNKNOWN"), j.output());
    assertFalse(j.output().contains("smallest failing sub-history"), "no verdict, so no witness: " + j.output());
  }

  @Test
  void aValidHistoryWhoseFinalStateWasUnreadableIsNoVerdict() throws IOException {
    Judged valid = judge("register", REGISTER_CONF, Linearizability.Limits.DEFAULT,
        new Histories().write("c0", "x", "1", 0, 10).read("c1", "x", "1", 20, 30).history(), List.of());
    assertEquals(CheckRunner.EXIT_VALID, valid.exitCode(), valid.output());

    Judged unread = judge("register", REGISTER_CONF, Linearizability.Limits.DEFAULT,
        new Histories().write("c0", "x", "1", 0, 10).read("c1", "x", "1", 20, 30).history(),
        List.of("n2: final read of x failed"));
    assertEquals(CheckRunner.EXIT_UNKNOWN, unread.exitCode(), unread.output());
    assertTrue(unread.output().contains("problem: n2: final read of x failed"), unread.output());
  }

  /**
   * Issue 16: an empty history is valid for the linearizability checker (nothing to contradict),
   * so a run in which no client operation was acknowledged would pass. It is no verdict, exit 3.
   */
  @Test
  void aRunWithNoAcknowledgedOperationIsNoVerdictNotAPass() throws IOException {
    Judged empty = judge("register", REGISTER_CONF, Linearizability.Limits.DEFAULT, new Histories().history(),
        List.of());
    assertEquals(CheckRunner.EXIT_UNKNOWN, empty.exitCode(), empty.output());
    assertTrue(empty.output().contains("problem: no client operation was acknowledged"), empty.output());

    Judged failedOnly = judge("register", REGISTER_CONF, Linearizability.Limits.DEFAULT,
        new Histories().op("c0", "write", "x", "1", null, 0, 10, Event.FAIL, null, null).history(), List.of());
    assertEquals(CheckRunner.EXIT_UNKNOWN, failedOnly.exitCode(), failedOnly.output());
  }

  @Test
  void aLedgerRunWhoseFinalStateWasNeverReadIsNoVerdict() throws IOException {
    Judged j = judge("ledger", LEDGER_CONF, Linearizability.Limits.DEFAULT, new Histories().history(), List.of());
    assertEquals(CheckRunner.EXIT_UNKNOWN, j.exitCode(), j.output());
  }

  @Test
  void aLostTransferExitsOneNamesItAndMarksItsOperationsInTheReport() throws IOException {
    History h = new Histories()
        .op("c0", "transfer", "t1", "a>b:10", null, 0, 10, Event.OK, null, null)
        .op("final-0", "retry", "t1", null, null, 100, 110, Event.OK, null, "201")
        .op("c1", "transfer", "t2", "b>a:5", null, 20, 30, Event.OK, null, null)
        .op("final-1", "retry", "t2", null, null, 100, 110, Event.OK, "duplicate", "200")
        .history();
    Map<String, LedgerCheck.Retry> retries = Map.of("t1", new LedgerCheck.Retry("t1", 201, false),
        "t2", new LedgerCheck.Retry("t2", 200, true));
    LedgerCheck.Facts facts = new LedgerCheck.Facts(Map.of("a", 100L, "b", 100L),
        List.of(new LedgerCheck.Transfer("t1", "a", "b", 10), new LedgerCheck.Transfer("t2", "b", "a", 5)), List.of(),
        retries, List.of(new LedgerCheck.Replica("n1", true, 200, 200, 0, "d", Map.of("a", 95L, "b", 105L))));
    Judged j = judge("ledger", LEDGER_CONF, Linearizability.Limits.DEFAULT, h, facts, List.of());

    assertEquals(CheckRunner.EXIT_VIOLATION, j.exitCode(), j.output());
    assertTrue(j.output().contains("violations:\n  acknowledged transfer t1 (a>b:10) was lost"), j.output());
    String report = Files.readString(dir.resolve("report.html"));
    assertEquals(2, report.split("class='violating'", -1).length - 1, "t1's transfer and its retry");
    for (Operation o : h.operations()) {
      assertEquals(o.invoke().key().equals("t1"), report.contains("class='violating' data-op='" + o.id() + "'"),
          "marked if and only if it is one of t1's: " + o.describe());
    }
  }
}
