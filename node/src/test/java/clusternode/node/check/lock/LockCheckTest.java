package clusternode.node.check.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The lock checker on handmade histories: a clean hand-over (release, and expiry of a paused
 * holder whose late write is fenced) passes; each property fails on a history that breaks it, and
 * the message names the evidence.
 */
class LockCheckTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  /** c0 holds token 10, writes, releases; c1 gets 20, writes; c0 (paused, lease expired) tries 10 again: fenced. */
  private static LockHistories good() {
    return new LockHistories()
        .acquire("c0", 1, 10, 0, 10)
        .write("c0", 10, "c0-0", 20, 30)
        .write("c0", 10, "c0-1", 40, 50)
        .acquire("c1", 2, 20, 35, 100) // waits in the queue while c0 holds
        .release("c0", 10, 60, 70)
        .write("c1", 20, "c1-0", 110, 120)
        .fenced("c0", 10, "c0-2", 130, 140);
  }

  @Test
  void aCleanHandOverWithAFencedLateWriteIsValid() {
    LockCheck.Result r = LockCheck.check(good().finalAcquire(30, 200, 300).finalRead("c1-0", 310, 320)
        .history().operations(), BOUND);
    assertTrue(r.valid(), r.violations().toString());
    assertEquals(3, r.stats().get("acquiresAcknowledged"));
    assertEquals(1L, r.stats().get("writesFenced"));
  }

  @Test
  void overlappingWritesOfTwoTokensMayGoEitherWay() {
    // c0's write with 10 overlaps the grant of 20 and c1's first write: the cluster may have ordered it first
    LockHistories h = new LockHistories().acquire("c0", 1, 10, 0, 10).acquire("c1", 2, 20, 5, 50)
        .write("c0", 10, "c0-0", 40, 200).write("c1", 20, "c1-0", 60, 70);
    assertTrue(LockCheck.check(h.history().operations(), BOUND).valid());
  }

  @Test
  void aTokenThatDoesNotGrowFails() {
    LockHistories h = new LockHistories().acquire("c0", 1, 10, 0, 10).acquire("c1", 2, 9, 20, 30);
    LockCheck.Result r = LockCheck.check(h.history().operations(), BOUND);
    assertFalse(r.valid());
    assertTrue(r.violations().get(0).startsWith("tokens must only grow: c1 acquire (lease 2) token 9"),
        r.violations().toString());
    assertEquals(2, r.violating().size());
  }

  @Test
  void theSameTokenForAnotherLeaseFailsButForTheSameLeaseIsARepeat() {
    LockHistories other = new LockHistories().acquire("c0", 1, 10, 0, 10).acquire("c1", 2, 10, 20, 30);
    assertFalse(LockCheck.check(other.history().operations(), BOUND).valid());
    LockHistories same = new LockHistories().acquire("c0", 1, 10, 0, 10).acquire("c0", 1, 10, 20, 30);
    assertTrue(LockCheck.check(same.history().operations(), BOUND).valid());
  }

  @Test
  void anOldTokensWriteAcknowledgedAfterANewerTokensWriteFails() {
    // the Kleppmann failure: c0 paused past its lease, c1 got 20 and wrote; c0's write with 10 is accepted
    LockHistories h = new LockHistories().acquire("c0", 1, 10, 0, 10).acquire("c1", 2, 20, 100, 110)
        .write("c1", 20, "c1-0", 120, 130).write("c0", 10, "c0-0", 140, 150);
    LockCheck.Result r = LockCheck.check(h.history().operations(), BOUND);
    assertFalse(r.valid());
    assertTrue(r.violations().stream().anyMatch(v -> v.startsWith("guarded writes out of token order: c0 "
        + "guarded-write token 10 value c0-0")), r.violations().toString());
  }

  @Test
  void aWriteWithAStaleTokenAfterTheNewerGrantFailsEvenWithoutANewerWrite() {
    LockHistories h = new LockHistories().acquire("c0", 1, 10, 0, 10).acquire("c1", 2, 20, 100, 110)
        .write("c0", 10, "c0-0", 140, 150);
    LockCheck.Result r = LockCheck.check(h.history().operations(), BOUND);
    assertFalse(r.valid());
    assertTrue(r.violations().get(0).startsWith("stale token accepted: c0 guarded-write token 10"),
        r.violations().toString());
  }

  @Test
  void aWriteWithAReleasedTokenFails() {
    LockHistories h = new LockHistories().acquire("c0", 1, 10, 0, 10).release("c0", 10, 20, 30)
        .write("c0", 10, "c0-0", 40, 50);
    LockCheck.Result r = LockCheck.check(h.history().operations(), BOUND);
    assertFalse(r.valid());
    assertTrue(r.violations().get(0).startsWith("released token accepted"), r.violations().toString());
  }

  @Test
  void aWriteWithATokenNobodyWasGrantedFails() {
    LockHistories h = new LockHistories().acquire("c0", 1, 10, 0, 10).write("c0", 11, "c0-0", 40, 50);
    LockCheck.Result r = LockCheck.check(h.history().operations(), BOUND);
    assertFalse(r.valid());
    assertTrue(r.violations().get(0).startsWith("token never handed out"), r.violations().toString());
  }

  @Test
  void aLockNobodyCanTakeAfterTheHealFails() {
    LockCheck.Result never = LockCheck.check(good().finalAcquireFailed(200, 30_200).history().operations(), BOUND);
    assertFalse(never.valid());
    assertTrue(never.violations().get(0).startsWith("lock lost: after the final heal"), never.violations().toString());
    LockCheck.Result late = LockCheck.check(good().finalAcquire(30, 200, 200 + BOUND.toNanos() + 1)
        .history().operations(), BOUND);
    assertFalse(late.valid());
    assertTrue(late.violations().get(0).startsWith("lock lost for too long"), late.violations().toString());
  }

  @Test
  void theFinalReadMustHoldTheNewestAcknowledgedWriteOrANewerUnknownOne() {
    assertFalse(LockCheck.check(good().finalRead("c0-1", 310, 320).history().operations(), BOUND).valid(),
        "an older token's value survived the newer token's acknowledged write");
    assertFalse(LockCheck.check(good().finalRead(null, 310, 320).history().operations(), BOUND).valid(),
        "the acknowledged write was lost");
    assertFalse(LockCheck.check(good().finalRead("c0-2", 310, 320).history().operations(), BOUND).valid(),
        "a fenced (refused) write took effect");
    LockHistories unknownNewer = good().acquire("c2", 3, 30, 150, 160).writeUnknown("c2", 30, "c2-0", 170, 400);
    assertTrue(LockCheck.check(unknownNewer.finalRead("c2-0", 500, 510).history().operations(), BOUND).valid());
    assertTrue(LockCheck.check(good().acquire("c2", 3, 30, 150, 160).writeUnknown("c2", 30, "c2-0", 170, 400)
        .finalRead("c1-0", 500, 510).history().operations(), BOUND).valid(), "the unknown write may not have happened");
  }
}
