package clusternode.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.raft.core.RaftMessage.AppendEntries;
import clusternode.raft.core.RaftMessage.AppendEntriesResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Log replication and commitment rules (Raft §5.3, §5.4, Figure 8) and the Ready contract. */
class RaftReplicationTest {

  private static Entry cmd(long index, long term) {
    return new Entry(index, term, EntryType.COMMAND, ("c" + index).getBytes());
  }

  @Test
  void leaderAppendsNoopOnElection() {
    // Raft §8: "each leader commit a blank no-op entry into the log at the start of its term".
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3"), "n1", "n2", "n3");
    net.elect("n1");
    Entry first = net.applied.get("n2").get(0);
    assertEquals(EntryType.NOOP, first.type());
    assertEquals(1, net.core("n1").commitIndex());
  }

  @Test
  void proposalIsReplicatedCommittedAndAppliedEverywhere() {
    // Raft §5.3: the leader appends the command, replicates it, and once it is safely replicated
    // (on a majority) applies it; followers apply it once they learn the commit index.
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3"), "n1", "n2", "n3");
    net.elect("n1");
    Proposal p = net.propose("n1", "set x");
    assertTrue(p instanceof Proposal.Accepted a && a.index() == 2 && a.term() == 1);
    net.stabilize();
    for (String id : List.of("n1", "n2", "n3")) {
      assertEquals(List.of("set x"), net.appliedCommands(id), id);
      assertEquals(2, net.core(id).commitIndex());
    }
  }

  @Test
  void followerRejectsProposalWithLeaderHint() {
    // Raft §8: a follower rejects a client request and supplies the most recent leader it knows.
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3"), "n1", "n2", "n3");
    net.elect("n1");
    Proposal p = net.propose("n2", "x");
    assertEquals(new Proposal.Rejected(Proposal.Reason.NOT_LEADER, "n1"), p);
  }

  @Test
  void entryCommitsWithMajorityEvenIfMinorityIsDown() {
    // Raft §5.3: "A log entry is committed once the leader ... has replicated it on a majority".
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3", "n4", "n5"), "n1", "n2", "n3", "n4", "n5");
    net.elect("n1");
    net.isolate("n4");
    net.isolate("n5");
    net.propose("n1", "a");
    net.stabilize();
    assertEquals(2, net.core("n1").commitIndex());
    net.isolate("n3");
    net.propose("n1", "b");
    net.stabilize();
    assertEquals(2, net.core("n1").commitIndex(), "2 of 5 is not a majority");
  }

  @Test
  void leaderCountsItselfOnlyOnceDurable() {
    // Dissertation §10.2.1: the leader may send before its own fsync, but counts itself towards
    // the majority only for durable entries (this makes group commit correct).
    RaftCore c = new RaftCore(TestNet.plainConfig("n1"), "n1", RecoveredState.empty(), new Random(1));
    c.campaign();
    assertEquals(Role.LEADER, c.role());
    assertEquals(0, c.commitIndex(), "the no-op is not durable yet");
    Ready rd = c.ready();
    assertEquals(1, rd.entriesToPersist().size());
    c.advance(rd);
    assertEquals(1, c.commitIndex());
    c.propose("a".getBytes());
    c.propose("b".getBytes());
    Ready rd2 = c.ready();
    assertEquals(2, rd2.entriesToPersist().size(), "group commit: one write for both");
    assertEquals(1, c.commitIndex());
    c.persisted(3, rd2.entriesToPersist().get(1).term());
    assertEquals(3, c.commitIndex());
  }

  @Test
  void leaderSendsBeforePersistingAndFollowerAnswersAfter() {
    // Dissertation §10.2.1: the leader writes to its disk in parallel with replicating; a follower
    // acknowledges only what it persisted.
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3"), "n1", "n2", "n3");
    net.elect("n1");
    net.core("n1").propose("x".getBytes());
    Ready rd = net.core("n1").ready();
    assertFalse(rd.messagesNow().isEmpty());
    assertTrue(rd.messagesNow().stream().allMatch(m -> m instanceof AppendEntries));
    net.core("n1").advance(rd);
    AppendEntries ae = (AppendEntries) rd.messagesNow().get(0);
    RaftCore follower = net.core(ae.to());
    follower.step(ae);
    Ready frd = follower.ready();
    assertEquals(1, frd.entriesToPersist().size());
    assertTrue(frd.messagesNow().isEmpty());
    assertTrue(frd.messagesAfterPersist().get(0) instanceof AppendEntriesResponse r && r.success());
  }

  @Test
  void followerRejectsAppendWhenPrevEntryDoesNotMatch() {
    // Raft §5.3 consistency check: "If the follower does not find an entry in its log with the
    // same index and term, then it refuses the new entries."
    RaftCore f = new RaftCore(TestNet.plainConfig("n1", "n2", "n3"), "n2",
        new RecoveredState(new HardState(2, null, 0), null, List.of(cmd(1, 1), cmd(2, 1))), new Random(1));
    f.step(new AppendEntries("n1", "n2", 2, 2, 2, List.of(cmd(3, 2)), 0, 0));
    f.step(new AppendEntries("n1", "n2", 2, 5, 2, List.of(cmd(6, 2)), 0, 0));
    List<RaftMessage> out = f.ready().allMessages();
    AppendEntriesResponse conflict = (AppendEntriesResponse) out.get(0);
    assertFalse(conflict.success());
    assertEquals(1, conflict.conflictTerm(), "our term at the rejected index");
    assertEquals(1, conflict.conflictIndex(), "first index of that term");
    AppendEntriesResponse tooShort = (AppendEntriesResponse) out.get(1);
    assertEquals(0, tooShort.conflictTerm());
    assertEquals(3, tooShort.conflictIndex(), "our lastIndex + 1");
    assertEquals(2, f.lastIndex());
  }

  @Test
  void followerTruncatesConflictingSuffixAndReportsIt() {
    // Raft §5.3: "If an existing entry conflicts with a new one (same index but different terms),
    // delete the existing entry and all that follow it".
    RaftCore f = new RaftCore(TestNet.plainConfig("n1", "n2", "n3"), "n2",
        new RecoveredState(new HardState(2, null, 1), null, List.of(cmd(1, 1), cmd(2, 2), cmd(3, 2))),
        new Random(1));
    f.ready();
    f.step(new AppendEntries("n1", "n2", 3, 1, 1, List.of(cmd(2, 3)), 1, 0));
    Ready rd = f.ready();
    assertEquals(2, rd.truncateFromIndex());
    assertEquals(List.of(cmd(2, 3)), rd.entriesToPersist());
    assertEquals(2, f.lastIndex());
  }

  @Test
  void duplicateOrReorderedAppendNeverTruncates() {
    // Raft §5.3 (Figure 2, receiver step 3 only deletes on conflict): an old AppendEntries that
    // arrives late must not cut off entries that followed it.
    RaftCore f = new RaftCore(TestNet.plainConfig("n1", "n2", "n3"), "n2", RecoveredState.empty(), new Random(1));
    f.step(new AppendEntries("n1", "n2", 1, 0, 0, List.of(cmd(1, 1), cmd(2, 1), cmd(3, 1)), 0, 0));
    f.step(new AppendEntries("n1", "n2", 1, 0, 0, List.of(cmd(1, 1)), 0, 0));
    assertEquals(3, f.lastIndex());
  }

  @Test
  void committedEntryIsNeverTruncated() {
    // Raft §5.4 invariant, checked in production: a leader claiming a different entry at a
    // committed index is a safety violation, not something to repair.
    RaftCore f = new RaftCore(TestNet.plainConfig("n1", "n2", "n3"), "n2",
        new RecoveredState(new HardState(1, null, 2), null, List.of(cmd(1, 1), cmd(2, 1))), new Random(1));
    try {
      f.step(new AppendEntries("n1", "n2", 2, 0, 0, List.of(cmd(1, 2)), 2, 0));
      throw new AssertionError("expected an IllegalStateException");
    } catch (IllegalStateException expected) {
      assertTrue(expected.getMessage().contains("committed"));
    }
  }

  @Test
  void figure8LeaderDoesNotCommitOldTermEntryByCounting() {
    // Raft §5.4.2, Figure 8: "Raft never commits log entries from previous terms by counting
    // replicas. Only log entries from the leader's current term are committed by counting".
    RaftConfig cfg = TestNet.plainConfig("n1", "n2", "n3");
    RaftCore n1 = new RaftCore(cfg, "n1",
        new RecoveredState(new HardState(3, null, 1), null, List.of(cmd(1, 1), cmd(2, 2))), new Random(1));
    n1.campaign();
    n1.step(new RaftMessage.RequestVoteResponse("n2", "n1", 4, true, false));
    assertEquals(Role.LEADER, n1.role());
    n1.advance(n1.ready()); // the no-op at index 3 (term 4) is now durable
    n1.step(new AppendEntriesResponse("n2", "n1", 4, true, 2, 0, 0, 0, 0));
    assertEquals(1, n1.commitIndex(), "entry 2 (term 2) is on a majority but must not commit");
    n1.step(new AppendEntriesResponse("n2", "n1", 4, true, 3, 0, 0, 0, 0));
    assertEquals(3, n1.commitIndex(), "committing the term-4 entry commits entry 2 indirectly");
  }

  @Test
  void fastBacktrackingSkipsAConflictingTermInOneRoundTrip() {
    // Raft §5.3 optimization: "the follower can include the term of the conflicting entry and the
    // first index it stores for that term", so the leader bypasses all of them at once.
    List<Entry> stale = new ArrayList<>();
    stale.add(cmd(1, 1));
    for (int i = 2; i <= 40; i++) {
      stale.add(cmd(i, 2)); // a long suffix from a term-2 leader that never committed
    }
    List<Entry> good = new ArrayList<>();
    good.add(cmd(1, 1));
    for (int i = 2; i <= 30; i++) {
      good.add(cmd(i, 3));
    }
    RaftConfig cfg = TestNet.plainConfig("n1", "n2", "n3");
    TestNet net = new TestNet(cfg);
    net.add("n1", cfg, new RecoveredState(new HardState(3, null, 1), null, good));
    net.add("n2", cfg, new RecoveredState(new HardState(3, null, 1), null, good));
    net.add("n3", cfg, new RecoveredState(new HardState(2, null, 1), null, stale));
    net.isolate("n3");
    net.elect("n1");
    net.heal();
    net.tick("n1", 2); // heartbeat round: n3 is probed
    int rejections = 0;
    for (int round = 0; round < 10; round++) {
      for (RaftMessage m : net.take()) {
        if (m instanceof AppendEntriesResponse r && !r.success()) {
          rejections++;
        }
        net.deliver(m);
      }
    }
    assertTrue(rejections <= 2, "rejections " + rejections);
    assertEquals(net.core("n1").lastIndex(), net.core("n3").lastIndex());
    assertEquals(net.core("n1").commitIndex(), net.core("n3").commitIndex());
  }

  @Test
  void pipeliningSendsUpToMaxInflightBatchesWithoutWaiting() {
    // Pipelining (dissertation §10.2.2): in REPLICATE state the leader sends optimistically.
    RaftConfig cfg = TestNet.plainConfig("n1", "n2").withLimits(2, 1 << 20, 3, 1024);
    TestNet net = new TestNet(cfg, "n1", "n2");
    net.elect("n1");
    for (int i = 0; i < 20; i++) {
      net.core("n1").propose(("p" + i).getBytes());
    }
    List<AppendEntries> sent = net.take(AppendEntries.class);
    assertEquals(3, sent.size(), "maxInflightAppends batches in flight");
    assertTrue(sent.stream().allMatch(a -> a.entries().size() == 2), "maxEntriesPerAppend per batch");
    assertEquals(sent.get(0).prevLogIndex() + 2, sent.get(1).prevLogIndex(), "optimistic next index");
    sent.forEach(net::deliver);
    net.stabilize();
    assertEquals(21, net.core("n2").commitIndex());
  }

  @Test
  void batchesAreBoundedByBytes() {
    // Dissertation §10.2.1 (batching), bounded so one message never grows without limit.
    RaftConfig cfg = TestNet.plainConfig("n1", "n2").withLimits(100, 250, 1, 1024);
    TestNet net = new TestNet(cfg, "n1", "n2");
    net.elect("n1");
    for (int i = 0; i < 5; i++) {
      net.core("n1").propose(new byte[100]);
    }
    List<AppendEntries> sent = net.take(AppendEntries.class);
    assertEquals(2, sent.get(0).entries().size(), "two 124-byte entries fit in 250 bytes");
  }

  @Test
  void lostAppendsAreRecoveredByProbing() {
    // Raft §5.3: "the leader retries AppendEntries RPCs indefinitely ... until all followers
    // eventually store all log entries".
    // A follower that lost pipelined appends falls back to probing and catches up.
    RaftConfig cfg = TestNet.plainConfig("n1", "n2", "n3").withLimits(1, 1 << 20, 4, 1024);
    TestNet net = new TestNet(cfg, "n1", "n2", "n3");
    net.elect("n1");
    for (int i = 0; i < 10; i++) {
      net.core("n1").propose(("p" + i).getBytes());
    }
    net.stabilize(m -> !(m instanceof AppendEntries ae && ae.to().equals("n3") && ae.prevLogIndex() % 3 == 0));
    assertTrue(net.core("n3").lastIndex() < net.core("n1").lastIndex());
    net.tickAll(30);
    assertEquals(net.core("n1").lastIndex(), net.core("n3").lastIndex());
    assertEquals(net.core("n1").commitIndex(), net.core("n3").commitIndex());
  }

  @Test
  void committedEntriesAreDeliveredOnceInOrder() {
    // Raft §5.3 / Figure 2: apply committed entries in log order, each exactly once.
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3"), "n1", "n2", "n3");
    net.elect("n1");
    for (int i = 0; i < 5; i++) {
      net.propose("n1", "p" + i);
      net.stabilize();
    }
    net.tickAll(10);
    List<Entry> applied = net.applied.get("n2");
    for (int i = 0; i < applied.size(); i++) {
      assertEquals(i + 1, applied.get(i).index());
    }
    assertEquals(List.of("p0", "p1", "p2", "p3", "p4"), net.appliedCommands("n3"));
  }

  @Test
  void restartedServerReappliesCommittedEntriesFromItsLog() {
    // Raft Figure 2: commitIndex and lastApplied are volatile; after a restart the state machine is
    // rebuilt from the snapshot and the durable log.
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3"), "n1", "n2", "n3");
    net.elect("n1");
    net.propose("n1", "a");
    net.stabilize();
    net.tickAll(3);
    net.restart("n2");
    net.collect();
    assertEquals(List.of("a"), net.appliedCommands("n2"));
    assertNull(net.core("n2").leaderId());
  }

  @Test
  void readyContractIsStrict() {
    // etcd's Ready contract: everything is handed out once; reports must match what was handed out.
    RaftCore c = new RaftCore(TestNet.plainConfig("n1"), "n1", RecoveredState.empty(), new Random(1));
    assertFalse(c.hasReady(), "a fresh server owes nothing");
    c.campaign();
    Ready rd = c.ready();
    assertEquals(Role.LEADER, rd.softState().role());
    assertEquals(1, rd.entriesToPersist().size());
    assertFalse(c.hasReady(), "nothing is handed out twice");
    c.persisted(1, 99); // wrong term: a stale report is ignored
    assertEquals(0, c.commitIndex());
    c.persisted(1, 1);
    assertEquals(1, c.commitIndex());
    Ready rd2 = c.ready();
    assertEquals(1, rd2.committedEntries().size());
    assertThrows(IllegalStateException.class, () -> c.applied(5), "applied beyond what was handed out");
    c.advance(rd2);
    assertEquals(1, c.appliedIndex());
    assertFalse(c.hasReady());
  }
}
