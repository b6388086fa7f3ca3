package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.check.History.Operation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The report's timeline (issue 7, "Report"): operations per node, nemesis windows shaded, and the
 * violating operations of each checker marked, and only those.
 */
class ReportTest {
  private static final Pattern OP_RECT = Pattern.compile("<rect( class='violating')? data-op='(\\d+)' x='[^']+' "
      + "y='(\\d+)'");
  private static final Pattern BAND = Pattern.compile("<rect class='band' data-node='([^']+)' x='0' y='(\\d+)' "
      + "width='\\d+' height='(\\d+)'");

  /**
   * A partition from 100 to 305; c0 writes x=1 via n1, c1 writes x=2 via n2, then c2 reads the stale
   * x=1 via n2; c0 also writes y via n3 and c1 reads it back via n1, which is fine.
   */
  private static List<Operation> staleReadUnderAPartition() {
    return new Histories()
        .op(Event.NEMESIS, "partition-halves", null, "partition [[n1], [n2, n3]]", null, 100, 105, Event.OK, null, null)
        .op(Event.NEMESIS, "heal", null, "partition-halves", null, 300, 305, Event.OK, null, null)
        .on("n1").write("c0", "x", "1", 0, 10)
        .on("n2").write("c1", "x", "2", 120, 130)
        .on("n2").read("c2", "x", "1", 140, 150)
        .on("n3").write("c0", "y", "5", 200, 210)
        .on("n1").read("c1", "y", "5", 220, 230)
        .history().operations();
  }

  @Test
  void aStaleReadIsMarkedInItsNodesBandUnderTheShadedPartition() {
    List<Operation> ops = staleReadUnderAPartition();
    Linearizability.Result r = Linearizability.check(ops);
    assertEquals(Linearizability.Verdict.INVALID, r.verdict());
    Set<Integer> violating = new TreeSet<>();
    r.witness().forEach(o -> violating.add(o.id()));
    String html = Report.html("t", "INVALID", List.of(), ops, violating, r.witnessLines());

    assertEquals(1, count(html, "<rect class='nemesis'"), "one shaded window: the partition to its heal");
    assertTrue(html.contains("<title>partition [[n1], [n2, n3]]</title>"), html);
    Map<String, int[]> bands = bands(html);
    assertEquals(Set.of("n1", "n2", "n3"), bands.keySet(), "a band per node the requests went to");
    assertEquals(2 * 22 + 4, bands.get("n1")[1], "n1 holds two lanes: c0 and c1 each sent it something");
    assertEquals(ids(ops, "x"), marked(html), "the three operations on x and nothing else are marked");
    Operation stale = ops.stream().filter(o -> "read".equals(o.invoke().f()) && "x".equals(o.invoke().key()))
        .findFirst().orElseThrow();
    assertTrue(inside(bands.get("n2"), rectY(html, stale.id())), "the stale read is drawn in n2's band");
    assertEquals(3, count(html, "font-weight='bold'>✖"), html);
  }

  @Test
  void aLostTransfersOperationsAreMarked() {
    List<Operation> ops = new Histories()
        .on("n1").op("c0", "transfer", "t1", "a>b:10", null, 0, 10, Event.OK, null, null)
        .on("n2").op("c1", "transfer", "t2", "b>c:5", null, 5, 15, Event.OK, null, null)
        .on("n3").op("final-0", "retry", "t1", null, null, 100, 110, Event.OK, "duplicate", "200")
        .on("n3").op("final-1", "retry", "t2", null, null, 100, 110, Event.OK, null, "201")
        .history().operations();
    Map<String, LedgerCheck.Retry> retries = new HashMap<>();
    retries.put("t1", new LedgerCheck.Retry("t1", 200, true));
    retries.put("t2", new LedgerCheck.Retry("t2", 201, false)); // applied only by the retry: the first was lost
    Map<String, Long> balances = Map.of("a", 90L, "b", 105L, "c", 105L);
    LedgerCheck.Result r = LedgerCheck.check(new LedgerCheck.Facts(Map.of("a", 100L, "b", 100L, "c", 100L),
        List.of(new LedgerCheck.Transfer("t1", "a", "b", 10), new LedgerCheck.Transfer("t2", "b", "c", 5)), List.of(),
        retries, List.of(new LedgerCheck.Replica("n1", true, 300, 300, 0, "d", balances))));
    assertEquals(Set.of("t2"), r.implicated(), r.violations().toString());

    String html = Report.html("t", "INVALID", List.of(), ops, LedgerCheck.operationsOf(r.implicated(), ops),
        r.violations());
    assertEquals(ids(ops, "t2"), marked(html), "t2's transfer and its retry, not t1's");
  }

  @Test
  void theMissingAddThePhantomReadAndTheWrongFinalReadsAreMarked() {
    String s = CrdtWorkload.SET;
    String c = CrdtWorkload.COUNTER;
    List<Operation> ops = new Histories()
        .on("n1").op("c0", CrdtCheck.SET_ADD, s, "a", null, 0, 10, Event.OK, null, null)
        .on("n1").op("c0", CrdtCheck.COUNTER_ADD, c, "1", null, 20, 30, Event.OK, null, null)
        .on("n2").op("c1", CrdtCheck.SET_READ, s, null, null, 20, 30, Event.OK, "a", null)
        .on("n2").op("c1", CrdtCheck.SET_READ, s, null, null, 40, 50, Event.OK, "a,zz", null)
        .on("n1").op(CrdtWorkload.FINAL_PROCESS, CrdtCheck.COUNTER_READ, c, null, null, 100, 101, Event.OK, "1", null)
        .on("n1").op(CrdtWorkload.FINAL_PROCESS, CrdtCheck.SET_READ, s, null, null, 102, 103, Event.OK, "a", null)
        .on("n2").op(CrdtWorkload.FINAL_PROCESS, CrdtCheck.COUNTER_READ, c, null, null, 104, 105, Event.OK, "1", null)
        .on("n2").op(CrdtWorkload.FINAL_PROCESS, CrdtCheck.SET_READ, s, null, null, 106, 107, Event.OK, "", null)
        .history().operations();
    // n2 lost the acknowledged add of a: its final set differs from n1's; both counters are right.
    List<CrdtCheck.Observation> last = List.of(new CrdtCheck.Observation("n1", 1L, Set.of("a")),
        new CrdtCheck.Observation("n2", 1L, Set.of()));
    CrdtCheck.Expectation x = CrdtCheck.expect(ops);
    CrdtJudgement j = CrdtJudgement.of(ops, new CrdtWorkload.Facts(x, last, CrdtCheck.judge(x, last), -1, -1, 3));
    assertEquals("INVALID", j.verdict());

    String html = Report.html("t", j.verdict(), List.of(), ops, j.violating(), j.witness());
    // The add of a (missing on n2), the read of zz (a phantom), and both final set reads (they disagree).
    assertEquals(Set.of(0, 3, 5, 7), marked(html), j.witness().toString());
  }

  private static Set<Integer> ids(List<Operation> ops, String key) {
    Set<Integer> out = new TreeSet<>();
    ops.stream().filter(o -> key.equals(o.invoke().key())).forEach(o -> out.add(o.id()));
    return out;
  }

  private static Set<Integer> marked(String html) {
    Set<Integer> out = new TreeSet<>();
    Matcher m = OP_RECT.matcher(html);
    while (m.find()) {
      if (m.group(1) != null) {
        out.add(Integer.parseInt(m.group(2)));
      }
    }
    return out;
  }

  private static int rectY(String html, int opId) {
    Matcher m = OP_RECT.matcher(html);
    while (m.find()) {
      if (Integer.parseInt(m.group(2)) == opId) {
        return Integer.parseInt(m.group(3));
      }
    }
    throw new AssertionError("operation " + opId + " not drawn");
  }

  /** node -> {y, height} of its band. */
  private static Map<String, int[]> bands(String html) {
    Map<String, int[]> out = new HashMap<>();
    Matcher m = BAND.matcher(html);
    while (m.find()) {
      int[] before = out.put(m.group(1), new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))});
      assertEquals(null, before, "two bands for " + m.group(1));
    }
    return out;
  }

  private static boolean inside(int[] band, int y) {
    return y >= band[0] && y < band[0] + band[1];
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
