package clusternode.raft.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.raft.core.RaftMessage.InstallSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Log compaction and InstallSnapshot (Raft §7) and one-server membership changes (dissertation §4). */
class RaftSnapshotAndMembershipTest {

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  @Test
  void compactionDropsPrefixAndReportsTheSnapshot() {
    // Raft §7: "the entire system state is written to a snapshot on stable storage, then the entire
    // log up to that point is discarded"; the snapshot keeps the last included index and term.
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3"), "n1", "n2", "n3");
    net.elect("n1");
    for (int i = 0; i < 5; i++) {
      net.propose("n1", "p" + i);
    }
    net.stabilize();
    RaftCore n1 = net.core("n1");
    assertThrows(IllegalArgumentException.class, () -> n1.compact(99, new byte[0]), "beyond applied");
    n1.compact(4, bytes(10));
    Ready rd = n1.ready();
    assertEquals(4, rd.compactedSnapshot().index());
    assertEquals(1, rd.compactedSnapshot().term());
    assertEquals(List.of("n1", "n2", "n3"), rd.compactedSnapshot().membership().voters());
    assertEquals(5, n1.log().firstIndex());
    n1.advance(rd);
  }

  @Test
  void laggingFollowerReceivesSnapshotInChunksThenCatchesUp() {
    // Raft §7: "the leader must occasionally send snapshots to followers that lag behind", in
    // chunks (Figure 13: offset, data, done); the follower replaces its log with the snapshot.
    RaftConfig cfg = TestNet.plainConfig("n1", "n2", "n3").withLimits(64, 1 << 20, 4, 7);
    TestNet net = new TestNet(cfg, "n1", "n2", "n3");
    net.elect("n1");
    net.isolate("n3");
    for (int i = 0; i < 6; i++) {
      net.propose("n1", "p" + i);
    }
    net.stabilize();
    net.core("n1").compact(5, bytes(30));
    net.propose("n1", "after");
    net.stabilize();
    net.heal();
    java.util.Set<Long> offsets = new java.util.TreeSet<>();
    for (int t = 0; t < 12; t++) {
      for (RaftCore c : net.cores.values()) {
        c.tick();
      }
      for (int round = 0; round < 30; round++) {
        for (RaftMessage m : net.take()) {
          if (m instanceof InstallSnapshot is) {
            offsets.add(is.offset());
          }
          net.deliver(m);
        }
      }
    }
    assertEquals(java.util.Set.of(0L, 7L, 14L, 21L, 28L), offsets, "30 bytes in chunks of 7");
    Snapshot got = net.installed.get("n3").get(0);
    assertEquals(5, got.index());
    assertArrayEquals(bytes(30), got.data());
    assertEquals(net.core("n1").lastIndex(), net.core("n3").lastIndex());
    assertEquals(net.core("n1").commitIndex(), net.core("n3").commitIndex());
    assertEquals(List.of("p4", "p5", "after"), net.appliedCommands("n3"), "entries after index 5");
  }

  @Test
  void followerThatAlreadyHasTheSnapshotIndexOnlyAdvancesCommit() {
    // Raft §7 (Figure 13 step 6): "If existing log entry has same index and term as snapshot's
    // last included entry, retain log entries following it".
    RaftCore f = new RaftCore(TestNet.plainConfig("n1", "n2", "n3"), "n2", new RecoveredState(
        new HardState(1, null, 0), null, List.of(new Entry(1, 1, EntryType.NOOP, null),
            new Entry(2, 1, EntryType.COMMAND, null), new Entry(3, 1, EntryType.COMMAND, null))),
        new java.util.Random(1));
    f.step(new InstallSnapshot("n1", "n2", 1, 2, 1, Membership.ofVoters(List.of("n1", "n2", "n3")),
        0, new byte[] {1}, true));
    assertEquals(3, f.lastIndex());
    assertEquals(2, f.commitIndex());
    assertEquals(null, f.ready().installedSnapshot());
  }

  @Test
  void restartFromSnapshotAndLog() {
    // Raft §7: on restart the server loads its snapshot and replays the log entries after it.
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3"), "n1", "n2", "n3");
    net.elect("n1");
    for (int i = 0; i < 4; i++) {
      net.propose("n1", "p" + i);
    }
    net.stabilize();
    net.tickAll(2);
    net.core("n2").compact(3, bytes(4));
    net.collect();
    net.restart("n2");
    net.collect();
    assertEquals(3, net.core("n2").log().snapshotIndex());
    assertEquals(List.of("p2", "p3"), net.appliedCommands("n2"), "re-applied after the snapshot");
  }

  @Test
  void learnerReceivesLogButDoesNotCountThenIsPromoted() {
    // Dissertation §4.2.1: new servers join as non-voting members until caught up, so that adding
    // an empty server does not hurt availability; then they become voters.
    RaftConfig cfg = TestNet.plainConfig("n1", "n2", "n3").withLearnerPromotionLag(0);
    TestNet net = new TestNet(cfg, "n1", "n2", "n3");
    net.add("n4", cfg.withInitialVoters(List.of()), RecoveredState.empty());
    net.elect("n1");
    net.propose("n1", "a");
    net.stabilize();
    net.isolate("n4");
    Proposal p = net.core("n1").proposeAddLearner("n4");
    assertTrue(p.accepted());
    Membership m = net.core("n1").membership();
    assertTrue(m.isLearner("n4"), "takes effect on append, before commit");
    assertFalse(net.core("n1").proposeAddLearner("n5").accepted(), "one change at a time");
    net.stabilize();
    assertEquals(net.core("n1").lastIndex(), net.core("n1").commitIndex(),
        "committed without the learner: it does not count for the quorum");
    assertEquals(Role.LEADER, net.core("n1").role());
    net.heal();
    net.tickAll(6);
    assertTrue(net.core("n1").membership().isVoter("n4"), "promoted once caught up");
    assertEquals(net.core("n1").lastIndex(), net.core("n4").lastIndex());
    assertTrue(net.core("n4").membership().isVoter("n4"));
    assertEquals(List.of("a"), net.appliedCommands("n4"));
  }

  @Test
  void learnerNeverCampaigns() {
    // Dissertation §4.2.1: non-voting members do not start elections.
    RaftConfig cfg = TestNet.plainConfig("n1", "n2", "n3");
    TestNet net = new TestNet(cfg, "n1", "n2", "n3");
    net.add("n4", cfg.withInitialVoters(List.of()), RecoveredState.empty());
    net.elect("n1");
    net.core("n1").proposeAddLearner("n4");
    net.stabilize();
    net.isolate("n4");
    net.tick("n4", 100);
    assertEquals(Role.FOLLOWER, net.core("n4").role());
  }

  @Test
  void removedLeaderStepsDownAfterCommittingItsRemoval() {
    // Dissertation §4.2.2: the leader "steps down once the Cnew entry is committed", having
    // managed the cluster without counting itself in the meantime.
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3"), "n1", "n2", "n3");
    net.elect("n1");
    assertTrue(net.core("n1").proposeRemove("n1").accepted());
    assertEquals(Role.LEADER, net.core("n1").role());
    net.stabilize();
    assertEquals(Role.FOLLOWER, net.core("n1").role());
    assertEquals(List.of("n2", "n3"), net.core("n2").membership().voters());
    net.tickAll(30);
    String leader = net.leader();
    assertTrue(leader.equals("n2") || leader.equals("n3"));
    assertTrue(net.propose(leader, "after").accepted());
    net.stabilize();
    assertEquals(List.of("after"), net.appliedCommands(leader));
  }

  @Test
  void removingAVoterShrinksTheQuorum() {
    // Dissertation §4.1: majorities are counted in the latest configuration in the log.
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3"), "n1", "n2", "n3");
    net.elect("n1");
    net.core("n1").proposeRemove("n3");
    net.stabilize();
    net.isolate("n3");
    net.isolate("n2");
    net.propose("n1", "alone");
    net.stabilize();
    assertFalse(net.appliedCommands("n1").contains("alone"), "n1 alone is not a majority of {n1,n2}");
    net.heal();
    net.tickAll(6);
    assertTrue(net.appliedCommands("n1").contains("alone"));
  }

  @Test
  void invalidMembershipChangesAreRejected() {
    // Dissertation §4.1: one server added or removed at a time; a cluster keeps at least one voter.
    TestNet net = new TestNet(TestNet.plainConfig("n1"), "n1");
    net.elect("n1");
    assertEquals(Role.LEADER, net.core("n1").role());
    assertEquals(Proposal.Reason.INVALID_CONFIG_CHANGE,
        ((Proposal.Rejected) net.core("n1").proposeRemove("n1")).reason(), "last voter");
    assertEquals(Proposal.Reason.INVALID_CONFIG_CHANGE,
        ((Proposal.Rejected) net.core("n1").proposeRemove("n7")).reason(), "not a member");
    assertEquals(Proposal.Reason.INVALID_CONFIG_CHANGE,
        ((Proposal.Rejected) net.core("n1").proposeAddLearner("n1")).reason(), "already a member");
  }

  @Test
  void membershipEncodingRoundTrips() {
    Membership m = new Membership(List.of("b", "a", "ü"), List.of("z"));
    assertEquals(m, Membership.decode(m.encode()));
    assertEquals(List.of("a", "b", "ü"), m.voters());
    assertThrows(IllegalArgumentException.class, () -> Membership.decode(new byte[] {0, 0, 0, 5}));
    assertThrows(IllegalArgumentException.class, () -> new Membership(List.of("a"), List.of("a")));
    assertEquals(2, m.quorum());
  }
}
