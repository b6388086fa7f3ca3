package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.check.CrdtCheck.Expectation;
import clusternode.node.check.CrdtCheck.Observation;
import clusternode.node.check.CrdtCheck.Verdict;
import clusternode.node.check.History.Operation;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The convergence checker passes what a correct cluster ends in and fails each way a broken one could. */
class CrdtCheckTest {
  private static final String C = CrdtWorkload.COUNTER;
  private static final String S = CrdtWorkload.SET;

  /**
   * c0: +5 ok, -2 ok, +7 unknown; c1: +3 failed, -4 unknown; adds a (ok), b (ok), c (unknown),
   * d (failed), e (ok, then removed ok), f (ok, a concurrent remove unknown).
   */
  private static List<Operation> ops() {
    return new Histories()
        .op("c0", CrdtCheck.COUNTER_ADD, C, "5", null, 0, 10, Event.OK, null, null)
        .op("c0", CrdtCheck.COUNTER_ADD, C, "-2", null, 20, 30, Event.OK, null, null)
        .info("c0", CrdtCheck.COUNTER_ADD, C, "7", null, 40, 50)
        .failed("c1", CrdtCheck.COUNTER_ADD, C, "3", 0, 5)
        .info("c1", CrdtCheck.COUNTER_ADD, C, "-4", null, 10, 20)
        .op("c2", CrdtCheck.SET_ADD, S, "a", null, 0, 10, Event.OK, null, null)
        .op("c2", CrdtCheck.SET_ADD, S, "b", null, 20, 30, Event.OK, null, null)
        .info("c2", CrdtCheck.SET_ADD, S, "c", null, 40, 50)
        .failed("c2", CrdtCheck.SET_ADD, S, "d", 60, 70)
        .op("c2", CrdtCheck.SET_ADD, S, "e", null, 80, 90, Event.OK, null, null)
        .op("c2", CrdtCheck.SET_REMOVE, S, "e", null, 100, 110, Event.OK, null, null)
        .op("c3", CrdtCheck.SET_ADD, S, "f", null, 80, 90, Event.OK, null, null)
        .info("c4", CrdtCheck.SET_REMOVE, S, "f", null, 85, 95)
        .op("c3", CrdtCheck.SET_READ, S, null, null, 120, 130, Event.OK, "a,b,f", null)
        .history().operations();
  }

  private static Verdict judge(Observation... observed) {
    return CrdtCheck.judge(CrdtCheck.expect(ops()), List.of(observed));
  }

  @Test
  void theExpectationCountsAcknowledgedAndBoundsUnknownUpdates() {
    Expectation x = CrdtCheck.expect(ops());
    assertEquals(3, x.counterAcknowledged());
    assertEquals(-1, x.counterMin(), "an unknown decrement may have happened");
    assertEquals(10, x.counterMax(), "an unknown increment may have happened");
    assertEquals(Set.of("a", "b"), x.mustContain().keySet(), "e was removed after its add; f maybe: a remove raced");
    assertEquals(Set.of("a", "b", "c", "e", "f"), x.mayContain(), "d failed: it can never appear");
  }

  @Test
  void equalNodesWithinTheBoundsConverged() {
    assertTrue(judge(new Observation("n1", 3L, Set.of("a", "b")), new Observation("n2", 3L, Set.of("a", "b"))).converged());
    // Every unknown operation may have happened (+7, add c); e may outlive its remove, whose replica may not have
    // seen the add yet; f's remove is unknown.
    Verdict v = judge(new Observation("n1", 10L, Set.of("a", "b", "c", "e", "f")),
        new Observation("n2", 10L, Set.of("a", "b", "c", "e", "f")));
    assertTrue(v.converged(), v.violations().toString());
    assertTrue(judge(new Observation("n1", -1L, Set.of("a", "b", "f"))).converged());
  }

  @Test
  void aLostAcknowledgedIncrementFails() {
    // +5 and -2 acknowledged, -4 unknown: the least it can be is -1; -2 means the +5 ... lost some of it.
    Verdict v = judge(new Observation("n1", -2L, Set.of("a", "b")), new Observation("n2", -2L, Set.of("a", "b")));
    assertFalse(v.converged());
    assertTrue(v.violations().get(0).contains("n1: counter -2 is below -1"), v.violations().toString());
  }

  @Test
  void aCounterAboveWhatAnyoneAddedFails() {
    Verdict v = judge(new Observation("n1", 11L, Set.of("a", "b")));
    assertFalse(v.converged());
    assertTrue(v.violations().get(0).contains("above 10"), v.violations().toString());
  }

  @Test
  void aLostAcknowledgedAddFails() {
    Verdict v = judge(new Observation("n1", 3L, Set.of("a")), new Observation("n2", 3L, Set.of("a")));
    assertFalse(v.converged());
    assertTrue(v.violations().get(0).startsWith("n1: acknowledged add of 'b'"), v.violations().toString());
  }

  @Test
  void aPhantomElementFails() {
    Verdict v = judge(new Observation("n1", 3L, Set.of("a", "b", "d")), new Observation("n2", 3L, Set.of("a", "b", "d")));
    assertFalse(v.converged());
    assertTrue(v.violations().get(0).contains("phantom element 'd'"), v.violations().toString());
  }

  @Test
  void divergedNodesFailEvenWhenEachAloneWouldPass() {
    Verdict counters = judge(new Observation("n1", 3L, Set.of("a", "b")), new Observation("n2", 10L, Set.of("a", "b")));
    assertFalse(counters.converged());
    assertEquals(List.of("nodes disagree on the counter: n1 3, n2 10"), counters.violations());
    Verdict sets = judge(new Observation("n1", 3L, Set.of("a", "b", "c")), new Observation("n2", 3L, Set.of("a", "b")));
    assertFalse(sets.converged());
    assertEquals(List.of("nodes disagree on the set: only on n1 [c], only on n2 []"), sets.violations());
  }

  @Test
  void anUnreadableNodeIsNotConvergence() {
    Verdict v = judge(new Observation("n1", 3L, Set.of("a", "b")), new Observation("n2", null, null));
    assertFalse(v.converged());
    assertEquals(List.of("n2" + CrdtCheck.UNREADABLE), v.violations());
  }

  @Test
  void aReadOfAnElementBeforeAnyoneAddedItIsAPhantom() {
    assertEquals(List.of(), CrdtCheck.readViolations(ops()));
    List<Operation> withPhantom = new Histories()
        .op("c0", CrdtCheck.SET_READ, S, null, null, 0, 10, Event.OK, "z", null)
        .op("c1", CrdtCheck.SET_ADD, S, "z", null, 20, 30, Event.OK, null, null)
        .history().operations();
    List<String> v = CrdtCheck.readViolations(withPhantom);
    assertEquals(1, v.size());
    assertTrue(v.get(0).contains("phantom element 'z'"), v.toString());
  }

  @Test
  void theRunVerdictIsInvalidOnEvidenceAndUnknownOnlyWhenANodeWasUnreadable() {
    Expectation x = CrdtCheck.expect(ops());
    List<Observation> lost = List.of(new Observation("n1", 3L, Set.of("a")));
    assertEquals("INVALID", CrdtJudgement.of(ops(), new CrdtWorkload.Facts(x, lost, CrdtCheck.judge(x, lost), -1, -1, 9))
        .verdict());
    List<Observation> unreadable = List.of(new Observation("n1", null, null));
    assertEquals("UNKNOWN", CrdtJudgement.of(ops(), new CrdtWorkload.Facts(x, unreadable,
        CrdtCheck.judge(x, unreadable), -1, -1, 9)).verdict());
    List<Observation> good = List.of(new Observation("n1", 3L, Set.of("a", "b")));
    assertEquals("VALID", CrdtJudgement.of(ops(), new CrdtWorkload.Facts(x, good, CrdtCheck.judge(x, good), 120, 900, 2))
        .verdict());
  }
}
