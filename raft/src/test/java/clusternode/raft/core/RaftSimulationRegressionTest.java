package clusternode.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.raft.core.RaftMessage.InstallSnapshot;
import clusternode.raft.core.RaftMessage.InstallSnapshotResponse;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Bugs the simulation found. Each seed replayed the failing schedule exactly with the simulator of
 * its commit; later simulator changes (new actions, new fault kinds) change what a seed does, so
 * each bug is also pinned by a scripted test that does not depend on the simulator.
 */
class RaftSimulationRegressionTest {

  /**
   * Seed 1036, step 2611: a new leader appended a membership change before committing an entry of
   * its own term, while a change committed by the previous leader was still unknown to it; the two
   * configurations had disjoint majorities and a committed entry was lost (leader completeness).
   * Fixed by requiring a committed entry of the current term before any config change.
   */
  @Test
  void seed1036NewLeaderChangesConfigBeforeCommittingInItsTerm() {
    replay(1036, 3000);
  }

  /**
   * Seed 25752 (liveness): duplicated InstallSnapshot chunks and answers multiplied into parallel
   * transfers; a late duplicate of chunk 0 reset the follower's assembly while the leader ignored
   * its requests for an earlier offset, so the snapshot never completed. Also, stale successful
   * answers to probes restarted replication again and again. Fixed: the follower keeps its
   * partial snapshot and names the offset it needs; the leader answers only forward progress at
   * once and goes back only via heartbeats; only the answer to our own probe ends probing.
   */
  @Test
  void seed25752DuplicatedSnapshotChunksNeverCompleted() {
    replay(25752, 3000);
  }

  @Test
  void scriptedNewLeaderMustCommitInItsTermBeforeChangingConfig() {
    // Found by seed 1036. Ongaro's single-server change fix (raft-dev, 2015).
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3"), "n1", "n2", "n3");
    net.core("n1").campaign();
    net.stabilize(m -> !(m instanceof RaftMessage.AppendEntries)); // elected, no-op not replicated
    assertEquals(Role.LEADER, net.core("n1").role());
    assertEquals(new Proposal.Rejected(Proposal.Reason.CONFIG_CHANGE_PENDING, null),
        net.core("n1").proposeAddLearner("n4"));
    net.tickAll(3);
    assertTrue(net.core("n1").proposeAddLearner("n4").accepted());
  }

  @Test
  void scriptedLateDuplicateOfFirstChunkDoesNotResetAssembly() {
    // Found by seed 25752: the follower, not the leader, decides the next offset.
    RaftCore f = new RaftCore(TestNet.plainConfig("n1", "n2"), "n2", RecoveredState.empty(), new Random(1));
    Membership m = Membership.ofVoters(List.of("n1", "n2"));
    f.step(new InstallSnapshot("n1", "n2", 1, 9, 1, m, 0, new byte[] {1, 2}, false));
    f.step(new InstallSnapshot("n1", "n2", 1, 9, 1, m, 2, new byte[] {3, 4}, false));
    f.step(new InstallSnapshot("n1", "n2", 1, 9, 1, m, 0, new byte[] {1, 2}, false)); // late duplicate
    f.step(new InstallSnapshot("n1", "n2", 1, 9, 1, m, 4, new byte[] {5}, true));
    List<Long> offsets = f.ready().allMessages().stream()
        .map(x -> ((InstallSnapshotResponse) x).nextOffset()).toList();
    assertEquals(List.of(2L, 4L, 4L, 0L), offsets, "the duplicate is answered with 'send 4'");
    assertEquals(9, f.commitIndex(), "snapshot complete");
  }

  @Test
  void scriptedLeaderGoesBackOnlyAtTheNextHeartbeat() {
    // Found by seed 25752: answering every backward request at once multiplied transfers.
    RaftConfig cfg = TestNet.plainConfig("n1", "n2", "n3").withLimits(64, 1 << 20, 4, 2);
    TestNet net = new TestNet(cfg, "n1", "n2", "n3");
    net.elect("n1");
    net.isolate("n3");
    net.propose("n1", "x");
    net.stabilize();
    net.tickAll(1);
    net.core("n1").compact(net.core("n1").appliedIndex(), new byte[10]);
    net.heal();
    net.tick("n1", 4); // stalled n3 is probed, needs the snapshot: chunk at offset 0
    net.take();
    RaftCore n1 = net.core("n1");
    long idx = n1.log().snapshotIndex();
    n1.step(new InstallSnapshotResponse("n3", "n1", n1.term(), idx, 2, false));
    assertEquals(1, net.take(InstallSnapshot.class).size(), "progress: next chunk at once");
    n1.step(new InstallSnapshotResponse("n3", "n1", n1.term(), idx, 2, false));
    assertTrue(net.take(InstallSnapshot.class).isEmpty(), "a duplicate answer sends nothing");
    n1.step(new InstallSnapshotResponse("n3", "n1", n1.term(), idx, 0, false));
    assertTrue(net.take(InstallSnapshot.class).isEmpty(), "going back waits for the heartbeat");
    net.tick("n1", 2);
    List<InstallSnapshot> resent = net.take(InstallSnapshot.class);
    assertEquals(0, resent.get(0).offset());
  }

  private static void replay(long seed, long steps) {
    RaftSimulation sim = new RaftSimulation(seed);
    sim.run(steps);
    assertTrue(sim.healAndAwaitCommit(2000) >= 0, "no progress after healing: " + sim.describe());
  }
}
