package clusternode.gossip.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.gossip.core.SyncMessage.Delta;
import clusternode.gossip.core.SyncMessage.Digest;
import clusternode.gossip.core.SyncMessage.Replicate;
import clusternode.gossip.core.SyncMessage.States;
import clusternode.gossip.core.SyncMessage.WriteAck;
import clusternode.gossip.crdt.GSet;
import clusternode.gossip.crdt.PNCounter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Scripted anti-entropy: the test carries each message by hand. */
class AntiEntropyCoreTest {
  private static final AntiEntropyCore.Limits LIMITS = new AntiEntropyCore.Limits(100, 10, 10);

  private static AntiEntropyCore core(String id) {
    return new AntiEntropyCore(id, id + ".1", 5, LIMITS, new Random(id.hashCode()));
  }

  /** Delivers everything {@code from} has queued for {@code to}; returns how many messages went. */
  private static int deliver(AntiEntropyCore from, AntiEntropyCore to, String toId) {
    int n = 0;
    for (Outbound<SyncMessage> o : from.takeOutbox()) {
      if (o.to().equals(toId)) {
        to.receive(o.message());
        n++;
      }
    }
    return n;
  }

  private static long value(AntiEntropyCore c, String key) {
    Versioned v = c.get(key);
    return v == null ? 0 : ((PNCounter) v.data()).value();
  }

  /** Found by HTTP fuzzing's review: a write refused as "too many pending" used to be applied here first. */
  @Test
  void aWriteRefusedForTooManyPendingRequestsChangesNothing() {
    AntiEntropyCore a = core("a");
    for (int i = 0; i < LIMITS.maxPendingRequests(); i++) {
      a.write(i, "k", PNCounter.EMPTY.addDelta("a.1", 1), List.of("b"), 2, 10); // waits for b, never answered
    }
    Versioned before = a.get("k");
    org.junit.jupiter.api.Assertions.assertThrows(AntiEntropyCore.Busy.class,
        () -> a.write(99, "k", PNCounter.EMPTY.addDelta("a.1", 1), List.of("b"), 2, 10));
    org.junit.jupiter.api.Assertions.assertThrows(AntiEntropyCore.Busy.class,
        () -> a.write(100, "other", PNCounter.EMPTY.addDelta("a.1", 1), List.of("b"), 2, 10));
    assertEquals(before, a.get("k"), "the refused write was not applied");
    assertNull(a.get("other"), "nor was the refused write of a new key");
  }

  @Test
  void aDeltaThatAppliesCausallyIsAckedAndCompletesTheWrite() {
    AntiEntropyCore a = core("a");
    AntiEntropyCore b = core("b");
    a.write(1, "k", PNCounter.EMPTY.addDelta("a.1", 5), List.of("b"), 2, 10);
    assertTrue(a.takeDone().isEmpty(), "waits for b");
    assertEquals(1, deliver(a, b, "b"));
    assertEquals(5, value(b, "k"));
    deliver(b, a, "a");
    AntiEntropyCore.Done done = a.takeDone().get(0);
    assertTrue(done.ok());
    assertEquals(2, done.answered());
    assertEquals(a.get("k"), b.get("k"), "same state, same version vector");
  }

  @Test
  void aDeltaWithAGapIsRefusedAndTheWholeStateFollows() {
    AntiEntropyCore a = core("a");
    AntiEntropyCore b = core("b");
    a.write(1, "k", PNCounter.EMPTY.addDelta("a.1", 5), List.of("b"), 1, 10);
    a.takeOutbox(); // lost
    PNCounter now = (PNCounter) a.get("k").data();
    a.write(2, "k", now.addDelta("a.1", 2), List.of("b"), 2, 10);
    deliver(a, b, "b");
    assertNull(b.get("k"), "a delta that does not follow what b has is not merged");
    List<Outbound<SyncMessage>> acks = b.takeOutbox();
    assertFalse(((WriteAck) acks.get(0).message()).applied());
    a.receive(acks.get(0).message());
    List<Outbound<SyncMessage>> full = a.takeOutbox();
    assertTrue(full.get(0).message() instanceof Replicate);
    b.receive(full.get(0).message());
    assertEquals(7, value(b, "k"));
    deliver(b, a, "a");
    assertTrue(a.takeDone().stream().anyMatch(d -> d.requestId() == 2 && d.ok()));
  }

  @Test
  void pushPullSendsOnlyWhatTheOtherLacks() {
    AntiEntropyCore a = core("a");
    AntiEntropyCore b = core("b");
    a.write(1, "only-a", PNCounter.EMPTY.addDelta("a.1", 1), List.of(), 1, 10);
    b.write(2, "only-b", PNCounter.EMPTY.addDelta("b.1", 2), List.of(), 1, 10);
    a.write(3, "both", PNCounter.EMPTY.addDelta("a.1", 3), List.of("b"), 1, 10);
    deliver(a, b, "b");
    b.takeOutbox();
    a.receive(new Digest("b", java.util.Map.of()));  // a learns nothing; answers with its states
    a.takeOutbox();

    b.receive(new Digest("a", java.util.Map.of("only-a", a.get("only-a").version(), "both", a.get("both").version())));
    States reply = (States) b.takeOutbox().get(0).message();
    assertEquals(java.util.Set.of("only-b"), reply.states().keySet(), "b pushes only what a lacks");
    assertEquals(List.of("only-a"), reply.wanted(), "and pulls only what it lacks");
    a.receive(reply);
    States second = (States) a.takeOutbox().get(0).message();
    assertEquals(java.util.Set.of("only-a"), second.states().keySet());
    b.receive(second);
    for (String k : List.of("only-a", "only-b", "both")) {
      assertEquals(a.get(k), b.get(k), k);
    }
    assertEquals(List.of("a"), a.holdersOfNewest(List.of("a", "b")).get("only-a").subList(0, 1));
  }

  @Test
  void aQuorumReadMergesTheRepliesAndRepairsTheReader() {
    AntiEntropyCore a = core("a");
    AntiEntropyCore b = core("b");
    b.write(1, "k", PNCounter.EMPTY.addDelta("b.1", 4), List.of(), 1, 10);
    a.read(7, "k", List.of("b"), 2, 10);
    deliver(a, b, "b");
    deliver(b, a, "a");
    AntiEntropyCore.Done done = a.takeDone().get(0);
    assertTrue(done.ok());
    assertEquals(4, ((PNCounter) done.state().data()).value());
    assertEquals(4, value(a, "k"), "read repair");
  }

  @Test
  void aQuorumNotReachedInTimeFailsSayingHowManyAnswered() {
    AntiEntropyCore a = core("a");
    a.write(1, "k", PNCounter.EMPTY.addDelta("a.1", 1), List.of("b", "c"), 3, 4);
    for (int i = 0; i < 4; i++) {
      a.tick(List.of("b", "c"));
    }
    AntiEntropyCore.Done done = a.takeDone().get(0);
    assertFalse(done.ok());
    assertEquals(1, done.answered());
    assertEquals(3, done.needed());
    assertEquals(1, value(a, "k"), "the write stays applied here and spreads by anti-entropy");
  }

  @Test
  void aStateOfAnotherTypeIsDroppedAndCounted() {
    AntiEntropyCore a = core("a");
    a.write(1, "k", PNCounter.EMPTY.addDelta("a.1", 1), List.of(), 1, 10);
    a.receive(new Replicate("b", 9, "k", new Versioned(GSet.EMPTY.add("x"), clusternode.gossip.crdt.VectorClock.EMPTY
        .increment("b.1"))));
    assertEquals(1, a.rejected());
    assertEquals(1, value(a, "k"));
    assertTrue(a.takeOutbox().isEmpty(), "no ack for what was not merged");
  }

  @Test
  void deltasAreMergedOnlyWhenTheyFollowCausally() {
    AntiEntropyCore b = core("b");
    b.receive(new Delta("a", 1, "k", PNCounter.EMPTY.addDelta("a.1", 1),
        clusternode.gossip.crdt.VectorClock.EMPTY.increment("a.1"),
        clusternode.gossip.crdt.VectorClock.EMPTY.increment("a.1").increment("a.1")));
    assertNull(b.get("k"));
  }
}
