package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.check.Linearizability.Verdict;
import org.junit.jupiter.api.Test;

/** Known-bad histories must be rejected, known-good ones accepted: the checker tested both ways. */
class LinearizabilityTest {
  private static void assertInvalid(Histories h, int witnessSize) {
    Linearizability.Result r = h.check();
    assertEquals(Verdict.INVALID, r.verdict(), r.toString());
    if (witnessSize > 0) {
      assertEquals(witnessSize, r.witness().size(), String.join("\n", r.witnessLines()));
    }
  }

  private static void assertValid(Histories h) {
    Linearizability.Result r = h.check();
    assertEquals(Verdict.VALID, r.verdict(), r.toString());
  }

  // ---- known bad ----

  @Test
  void staleReadIsRejectedWithTheWritesThatMakeItStale() {
    Histories h = new Histories().write("c0", "x", "1", 0, 10).write("c1", "x", "2", 20, 30)
        .read("c2", "x", "1", 40, 50);
    assertInvalid(h, 3);
  }

  @Test
  void lostWriteIsRejected() {
    assertInvalid(new Histories().write("c0", "x", "1", 0, 10).read("c1", "x", null, 20, 30), 2);
  }

  @Test
  void readOfAValueNeverWrittenIsRejected() {
    assertInvalid(new Histories().write("c0", "x", "1", 0, 10).read("c1", "x", "zz", 20, 30), 1);
  }

  @Test
  void twoConcurrentCasFromTheSameValueCannotBothWin() {
    Histories h = new Histories().write("c0", "x", "0", 0, 5).cas("c1", "x", "0", "1", 10, 20)
        .cas("c2", "x", "0", "2", 12, 22);
    assertInvalid(h, 3);
  }

  @Test
  void casRefusedAlthoughTheCurrentValueWasTheExpectedOneIsRejected() {
    assertInvalid(new Histories().write("c0", "x", "0", 0, 5).casRefused("c1", "x", "0", "1", "0", 10, 20), 0);
  }

  @Test
  void casThatWonOverAValueAlreadyReplacedIsRejected() {
    Histories h = new Histories().write("c0", "x", "a", 0, 5).write("c0", "x", "b", 10, 15)
        .cas("c1", "x", "a", "c", 20, 30);
    assertInvalid(h, 3);
  }

  @Test
  void newThenOldReadInversionIsRejected() {
    Histories h = new Histories().write("c0", "x", "1", 0, 5).write("c1", "x", "2", 10, 100)
        .read("c2", "x", "2", 20, 30).read("c3", "x", "1", 40, 50);
    assertInvalid(h, 0);
  }

  @Test
  void unknownWriteSeenBeforeItWasInvokedIsRejected() {
    assertInvalid(new Histories().read("c0", "x", "1", 0, 10).info("c1", "write", "x", "1", null, 20, 30), 0);
  }

  @Test
  void failedWriteMustNotBeSeen() {
    assertInvalid(new Histories().failed("c0", "write", "x", "1", 0, 10).read("c1", "x", "1", 20, 30), 0);
  }

  @Test
  void theViolatingKeyIsNamedWhileOtherKeysAreFine() {
    Histories h = new Histories().write("c0", "x", "1", 0, 10).read("c1", "x", "1", 20, 30)
        .write("c2", "y", "1", 0, 10).write("c2", "y", "2", 11, 12).read("c3", "y", "1", 20, 30);
    Linearizability.Result r = h.check();
    assertEquals(Verdict.INVALID, r.verdict());
    assertEquals("y", r.key());
    assertEquals(Verdict.VALID, r.perKey().get("x"));
  }

  @Test
  void theWitnessIsTheSmallFailingPartOfALongHistory() {
    Histories h = new Histories();
    long t = 0;
    for (int i = 0; i < 200; i++, t += 10) {
      h.write("c0", "x", "v" + i, t, t + 4).read("c1", "x", "v" + i, t + 5, t + 8);
    }
    h.read("c1", "x", "v17", t, t + 5); // stale
    for (int i = 0; i < 50; i++, t += 10) {
      h.write("c0", "x", "w" + i, t + 10, t + 14);
    }
    Linearizability.Result r = h.check();
    assertEquals(Verdict.INVALID, r.verdict());
    assertTrue(r.witness().size() <= 4, String.join("\n", r.witnessLines()));
    assertTrue(r.witness().stream().anyMatch(o -> "v17".equals(o.result())), String.join("\n", r.witnessLines()));
  }

  // ---- known good ----

  @Test
  void readsConcurrentWithAWriteMaySeeEitherValueButNeverGoBack() {
    assertValid(new Histories().write("c0", "x", "1", 0, 100).read("c1", "x", null, 10, 20)
        .read("c2", "x", "1", 30, 40).read("c1", "x", "1", 50, 60));
  }

  @Test
  void overlappingWritesMayLinearizeInEitherOrder() {
    assertValid(new Histories().write("c0", "x", "1", 0, 50).write("c1", "x", "2", 10, 40)
        .read("c2", "x", "1", 60, 70));
    assertValid(new Histories().write("c0", "x", "1", 0, 50).write("c1", "x", "2", 10, 40)
        .read("c2", "x", "2", 60, 70));
  }

  @Test
  void unknownWriteThatTookEffect() {
    assertValid(new Histories().info("c0", "write", "x", "1", null, 0, 10).read("c1", "x", "1", 50, 60));
  }

  @Test
  void unknownWriteThatNeverTookEffect() {
    assertValid(new Histories().info("c0", "write", "x", "1", null, 0, 10).read("c1", "x", null, 50, 60)
        .read("c1", "x", null, 70, 80));
  }

  @Test
  void unknownWriteMayTakeEffectLongAfterTheClientGaveUp() {
    assertValid(new Histories().info("c0", "write", "x", "1", null, 0, 10).read("c1", "x", null, 50, 60)
        .read("c2", "x", "1", 70, 80).read("c1", "x", "1", 90, 95));
  }

  @Test
  void casChainWithARefusalThatReportsTheCurrentValue() {
    assertValid(new Histories().write("c0", "x", "a", 0, 5).cas("c1", "x", "a", "b", 10, 20)
        .casRefused("c2", "x", "a", "c", "b", 30, 40).read("c0", "x", "b", 50, 60));
  }

  @Test
  void concurrentCasOneWinsTheOtherIsRefused() {
    assertValid(new Histories().write("c0", "x", "0", 0, 5).cas("c1", "x", "0", "1", 10, 20)
        .casRefused("c2", "x", "0", "2", "1", 12, 22));
  }

  @Test
  void casOnAnAbsentKey() {
    assertValid(new Histories().cas("c0", "x", null, "a", 0, 5).casRefused("c1", "x", null, "b", "a", 10, 15));
  }

  @Test
  void unknownCasThatDidOrDidNotApply() {
    assertValid(new Histories().write("c0", "x", "0", 0, 5).info("c1", "cas", "x", "1", "0", 10, 20)
        .read("c2", "x", "1", 30, 40));
    assertValid(new Histories().write("c0", "x", "0", 0, 5).info("c1", "cas", "x", "1", "0", 10, 20)
        .read("c2", "x", "0", 30, 40));
  }

  @Test
  void unansweredReadsAndFailedWritesConstrainNothing() {
    assertValid(new Histories().info("c0", "read", "x", null, null, 0, 10).failed("c1", "write", "x", "9", 0, 10)
        .read("c2", "x", null, 20, 30));
  }

  @Test
  void aClientThatNeverHeardBackIsUnknown() {
    assertValid(new Histories().op("c0", "write", "x", "1", null, 0, -1, null, null, null)
        .read("c1", "x", "1", 20, 30));
  }

  @Test
  void unknownWritesNobodyObservedArePrunedSoManyOfThemStayCheap() {
    Histories h = new Histories();
    for (int i = 0; i < 200; i++) {
      h.info("c" + i, "write", "x", "v" + i, null, i, 1000 + i);
    }
    h.read("r", "x", "v3", 2000, 2010).read("r", "x", "v3", 2020, 2030);
    assertValid(h);
  }

  @Test
  void theSearchBoundGivesUnknownNotAGuess() {
    Histories h = new Histories();
    for (int i = 0; i < 12; i++) {
      h.write("c" + i, "x", "v" + i, i, 1000 + i);
    }
    h.read("r", "x", "v3", 2000, 2010).read("r", "x", "v5", 2020, 2030);
    Linearizability.Result r = Linearizability.check(h.history().operations(),
        new Linearizability.Limits(50, 1_000, 10));
    assertEquals(Verdict.UNKNOWN, r.verdict(), r.toString());
    assertEquals(Verdict.INVALID, h.check().verdict());
  }
}
