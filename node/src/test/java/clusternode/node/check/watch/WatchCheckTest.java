package clusternode.node.check.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The watch checker on handmade histories: a clean run with a reconnection passes; a gap, a
 * duplicate, an out-of-order change, a wrong value, a phantom and a reference that disagrees with
 * the final range read each fail, naming the evidence.
 */
class WatchCheckTest {
  /** Writers put a, b, delete a, put c at revisions 11, 13, 14, 17 (other log entries in between). */
  private static WatchHistories writes() {
    return new WatchHistories().setupRange(10)
        .put("c0", "w/a", "c0-0", 11)
        .put("c1", "w/b", "c1-0", 13)
        .delete("c0", "w/a", 14)
        .put("c1", "w/c", "c1-1", 17);
  }

  /** The reference: everything from the setup revision on, caught up to the final range read. */
  private static WatchHistories reference(WatchHistories h) {
    return h.open(WatchOps.REFERENCE, 11)
        .event(WatchOps.REFERENCE, "put", "w/a", "c0-0", 11)
        .event(WatchOps.REFERENCE, "put", "w/b", "c1-0", 13)
        .event(WatchOps.REFERENCE, "delete", "w/a", null, 14)
        .event(WatchOps.REFERENCE, "put", "w/c", "c1-1", 17)
        .caughtUp(WatchOps.REFERENCE, 18)
        .finalRange(18, "w/b", "c1-0", "w/c", "c1-1");
  }

  @Test
  void aWatcherThatReconnectsFromTheLastRevisionPlusOneAndMissesNothingIsValid() {
    WatchHistories h = writes()
        .open("c5", 11).event("c5", "put", "w/a", "c0-0", 11).event("c5", "put", "w/b", "c1-0", 13)
        .end("c5", "node killed")
        .open("c5", 14).event("c5", "delete", "w/a", null, 14).progress("c5", 16).event("c5", "put", "w/c", "c1-1", 17)
        .caughtUp("c5", 18);
    WatchCheck.Result r = WatchCheck.check(reference(h).history().operations());
    assertTrue(r.valid(), r.violations().toString());
    assertEquals(18L, ((java.util.Map<?, ?>) ((java.util.Map<?, ?>) r.stats().get("perWatcher")).get("c5"))
        .get("vouchedTo"));
  }

  @Test
  void anUnknownWriteMayAppearAndAFailedOneIsJustAbsent() {
    WatchHistories h = writes().putUnknown("c2", "w/d", "c2-0").putFailed("c2", "w/e", "c2-1")
        .open("c5", 11).event("c5", "put", "w/a", "c0-0", 11).event("c5", "put", "w/b", "c1-0", 13)
        .event("c5", "delete", "w/a", null, 14).event("c5", "put", "w/d", "c2-0", 15)
        .event("c5", "put", "w/c", "c1-1", 17);
    assertTrue(WatchCheck.check(h.history().operations()).valid());
  }

  @Test
  void aGapFails() {
    // reconnected from 15 after seeing 13: the delete at 14 was never delivered
    WatchHistories h = writes()
        .open("c5", 11).event("c5", "put", "w/a", "c0-0", 11).event("c5", "put", "w/b", "c1-0", 13)
        .end("c5", "broken")
        .open("c5", 15).event("c5", "put", "w/c", "c1-1", 17);
    WatchCheck.Result r = WatchCheck.check(h.history().operations());
    assertFalse(r.valid());
    assertTrue(r.violations().get(0).contains("gap: missed c0 delete w/a acknowledged at revision 14"),
        r.violations().toString());
    assertFalse(r.violating().isEmpty());
  }

  @Test
  void aGapOfAnUnknownWriteIsFoundThroughTheReference() {
    // The write of w/d was unknown to its client, but the reference shows it committed at 15.
    WatchHistories h = writes().putUnknown("c2", "w/d", "c2-0")
        .open("c5", 11).event("c5", "put", "w/a", "c0-0", 11).event("c5", "put", "w/b", "c1-0", 13)
        .event("c5", "delete", "w/a", null, 14).event("c5", "put", "w/c", "c1-1", 17).caughtUp("c5", 18)
        .open(WatchOps.REFERENCE, 11)
        .event(WatchOps.REFERENCE, "put", "w/a", "c0-0", 11).event(WatchOps.REFERENCE, "put", "w/b", "c1-0", 13)
        .event(WatchOps.REFERENCE, "delete", "w/a", null, 14).event(WatchOps.REFERENCE, "put", "w/d", "c2-0", 15)
        .event(WatchOps.REFERENCE, "put", "w/c", "c1-1", 17).caughtUp(WatchOps.REFERENCE, 18)
        .finalRange(18, "w/b", "c1-0", "w/c", "c1-1", "w/d", "c2-0");
    WatchCheck.Result r = WatchCheck.check(h.history().operations());
    assertFalse(r.valid());
    assertTrue(r.violations().stream().anyMatch(v -> v.contains("c5") && v.contains("gap: missed put w/d=c2-0 @15")),
        r.violations().toString());
  }

  @Test
  void aDuplicateFails() {
    // reconnected from 13 after seeing 13: the put of w/b comes twice
    WatchHistories h = writes()
        .open("c5", 11).event("c5", "put", "w/a", "c0-0", 11).event("c5", "put", "w/b", "c1-0", 13)
        .end("c5", "broken")
        .open("c5", 13).event("c5", "put", "w/b", "c1-0", 13).event("c5", "delete", "w/a", null, 14);
    WatchCheck.Result r = WatchCheck.check(h.history().operations());
    assertFalse(r.valid());
    assertTrue(r.violations().stream().anyMatch(v -> v.contains("duplicate: put w/b=c1-0 @13")),
        r.violations().toString());
  }

  @Test
  void anOutOfOrderChangeFails() {
    WatchHistories h = writes()
        .open("c5", 11).event("c5", "put", "w/b", "c1-0", 13).event("c5", "put", "w/a", "c0-0", 11)
        .event("c5", "delete", "w/a", null, 14);
    WatchCheck.Result r = WatchCheck.check(h.history().operations());
    assertFalse(r.valid());
    assertTrue(r.violations().stream().anyMatch(v -> v.contains("out of order: put w/a=c0-0 @11")),
        r.violations().toString());
  }

  @Test
  void aWrongValueFails() {
    WatchHistories h = writes()
        .open("c5", 11).event("c5", "put", "w/a", "c0-0", 11).event("c5", "put", "w/b", "c0-0", 13);
    WatchCheck.Result r = WatchCheck.check(h.history().operations());
    assertFalse(r.valid());
    assertTrue(r.violations().stream().anyMatch(v -> v.contains("wrong change: c1 put w/b=c1-0 acknowledged at "
        + "revision 13 arrived as put w/b=c0-0 @13")), r.violations().toString());
  }

  @Test
  void aChangeNobodyCouldHaveWrittenFails() {
    WatchHistories h = writes().putFailed("c2", "w/e", "c2-1")
        .open("c5", 11).event("c5", "put", "w/a", "c0-0", 11).event("c5", "put", "w/e", "c2-1", 12);
    WatchCheck.Result r = WatchCheck.check(h.history().operations());
    assertFalse(r.valid());
    assertTrue(r.violations().stream().anyMatch(v -> v.contains("phantom: put w/e=c2-1 @12")),
        r.violations().toString());
  }

  @Test
  void aReferenceThatDisagreesWithTheFinalRangeReadFails() {
    WatchHistories h = writes().open(WatchOps.REFERENCE, 11)
        .event(WatchOps.REFERENCE, "put", "w/a", "c0-0", 11).event(WatchOps.REFERENCE, "put", "w/b", "c1-0", 13)
        .event(WatchOps.REFERENCE, "put", "w/c", "c1-1", 17).caughtUp(WatchOps.REFERENCE, 18)
        .finalRange(18, "w/b", "c1-0", "w/c", "c1-1");
    WatchCheck.Result r = WatchCheck.check(h.history().operations());
    assertFalse(r.valid());
    // the reference missed the delete at 14: a gap against the acknowledged write, and a wrong fold
    assertTrue(r.violations().stream().anyMatch(v -> v.contains("final-watch: gap: missed c0 delete w/a")),
        r.violations().toString());
    assertTrue(r.violations().stream().anyMatch(v -> v.contains("the final range read at revision 18 has w/a=null "
        + "but the committed history (reference stream) folds to w/a=c0-0")), r.violations().toString());
  }

  @Test
  void aWatcherIsNotBlamedForRevisionsItNeverCovered() {
    // c5 started late (at 14) and stopped at 14: the puts at 11, 13 and 17 are outside its range
    WatchHistories h = writes().open("c5", 14).event("c5", "delete", "w/a", null, 14);
    assertTrue(WatchCheck.check(h.history().operations()).valid());
  }

  @Test
  void aWatcherThatNeverCatchesUpAfterTheHealFails() {
    WatchHistories h = writes()
        .open("c5", 11).event("c5", "put", "w/a", "c0-0", 11).event("c5", "put", "w/b", "c1-0", 13).stuck("c5", 17);
    WatchCheck.Result r = WatchCheck.check(h.history().operations());
    assertFalse(r.valid());
    assertEquals("c5: stuck: did not reach revision 17 after the heal: still at 13 after 30 s (it had reached 13)",
        r.violations().get(0));
  }
}
