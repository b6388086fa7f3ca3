package clusternode.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.raft.core.RaftMessage.AppendEntries;
import clusternode.raft.core.RaftMessage.RequestVote;
import clusternode.raft.core.RaftMessage.TimeoutNow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ReadIndex and lease reads (dissertation §6.4) and leadership transfer (dissertation §3.10). */
class RaftReadAndTransferTest {

  private static TestNet threeWithLeader(RaftConfig cfg) {
    TestNet net = new TestNet(cfg, "n1", "n2", "n3");
    net.elect("n1");
    return net;
  }

  @Test
  void readIndexWaitsForAHeartbeatRoundFromAMajority() {
    // Dissertation §6.4: the leader records its commit index as the read index, then "sends a new
    // round of heartbeats and waits for their acknowledgments from a majority".
    TestNet net = threeWithLeader(TestNet.plainConfig("n1", "n2", "n3"));
    net.propose("n1", "x");
    net.stabilize();
    RaftCore n1 = net.core("n1");
    n1.readIndex(42);
    net.collect("n1");
    assertTrue(net.readStates.get("n1").isEmpty(), "not before the heartbeat round");
    List<AppendEntries> beats = net.take(AppendEntries.class);
    assertEquals(2, beats.size());
    long ctx = beats.get(0).context();
    assertTrue(ctx > 0);
    net.deliver(beats.get(0)); // one follower + the leader = a majority of three
    net.take().forEach(net::deliver);
    assertEquals(List.of(new ReadState(42, 2)), net.readStates.get("n1"));
  }

  @Test
  void readIndexIsDeferredUntilLeaderCommitsInItsTerm() {
    // Dissertation §6.4 step 1: "If the leader has not yet marked an entry from its current term
    // committed, it waits until it has done so."
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3"), "n1", "n2", "n3");
    net.core("n1").campaign();
    net.stabilize(m -> !(m instanceof AppendEntries)); // won, but the no-op is not replicated
    assertEquals(Role.LEADER, net.core("n1").role());
    net.core("n1").readIndex(7);
    net.stabilize(m -> !(m instanceof AppendEntries));
    assertTrue(net.readStates.get("n1").isEmpty());
    net.tickAll(3);
    assertEquals(List.of(new ReadState(7, 1)), net.readStates.get("n1"));
  }

  @Test
  void deposedLeaderCannotConfirmARead() {
    // Dissertation §6.4: the heartbeat round is what keeps a deposed leader from answering stale.
    TestNet net = threeWithLeader(TestNet.plainConfig("n1", "n2", "n3"));
    net.isolate("n1");
    net.elect("n2");
    net.propose("n2", "new");
    net.stabilize();
    net.core("n1").readIndex(9);
    net.stabilize();
    assertTrue(net.readStates.get("n1").isEmpty());
    net.heal();
    net.tickAll(3); // n1 learns the new term and rejects the pending read
    assertEquals(RejectedRead.Reason.LEADERSHIP_LOST, net.rejectedReads.get("n1").get(0).reason());
    assertTrue(net.readStates.get("n1").isEmpty());
  }

  @Test
  void followerRejectsReadWithLeaderHint() {
    // Dissertation §6.4: only the leader serves ReadIndex; a follower names the leader to ask.
    TestNet net = threeWithLeader(TestNet.plainConfig("n1", "n2", "n3"));
    net.core("n2").readIndex(5);
    net.collect();
    assertEquals(List.of(new RejectedRead(5, RejectedRead.Reason.NOT_LEADER, "n1")),
        net.rejectedReads.get("n2"));
  }

  @Test
  void leaseReadAnswersWithoutARoundWhileTheLeaseHolds() {
    // Dissertation §6.4.1: with a lease bounded by the election timeout, the leader can answer
    // without a heartbeat round; once the lease runs out it falls back to a round.
    RaftConfig cfg = TestNet.plainConfig("n1", "n2", "n3").withFlags(true, true, true);
    TestNet net = new TestNet(cfg, "n1", "n2", "n3");
    net.tickAll(40); // with leases, servers refuse votes for an election timeout after boot
    String leader = net.leader();
    RaftCore l = net.core(leader);
    net.tickAll(2); // a heartbeat round acknowledged by everyone
    l.readIndex(1);
    net.collect(leader);
    assertEquals(List.of(new ReadState(1, l.commitIndex())), net.readStates.get(leader));
    assertTrue(net.take().isEmpty(), "no messages needed");
    for (String id : net.cores.keySet()) {
      if (!id.equals(leader)) {
        net.isolate(id);
      }
    }
    net.tick(leader, 10);
    net.take();
    l.readIndex(2);
    net.collect(leader);
    assertEquals(1, net.readStates.get(leader).size(), "lease expired: no answer without a round");
  }

  @Test
  void deposedLeaderLeaseEndsBeforeANewLeaderCanCommit() {
    // Dissertation §6.4.1: the lease must end before the followers stop honouring the leader
    // (stickiness), or a deposed leader serves reads that miss writes of the new leader.
    RaftConfig cfg = TestNet.plainConfig("n1", "n2", "n3").withTimeouts(10, 11, 2).withFlags(true, true, true);
    TestNet net = new TestNet(cfg, "n1", "n2", "n3");
    for (int i = 0; i < 300 && net.leader() == null; i++) {
      net.tickAll(1);
    }
    String old = net.leader();
    net.tickAll(2);
    net.isolate(old);
    long requestId = 100;
    java.util.Map<Long, Long> floorAtRequest = new java.util.HashMap<>();
    boolean newLeaderCommitted = false;
    for (int t = 0; t < 40; t++) {
      net.tickAll(1);
      long floor = 0;
      for (RaftCore c : net.cores.values()) {
        floor = Math.max(floor, c.commitIndex());
      }
      newLeaderCommitted |= floor > net.core(old).commitIndex();
      if (net.core(old).role() == Role.LEADER) {
        floorAtRequest.put(requestId, floor);
        net.core(old).readIndex(requestId++);
        net.collect(old);
      }
    }
    assertTrue(newLeaderCommitted, "the majority elected a leader that committed");
    assertFalse(net.readStates.get(old).isEmpty(), "the lease served some reads at first");
    for (ReadState rs : net.readStates.get(old)) {
      assertTrue(rs.index() >= floorAtRequest.get(rs.requestId()), "stale read " + rs);
    }
  }

  @Test
  void transferLeadershipToUpToDateFollower() {
    // Dissertation §3.10: the leader sends TimeoutNow to a caught-up target, which starts an
    // election at once (without pre-vote and overriding stickiness) and wins.
    RaftConfig cfg = TestNet.plainConfig("n1", "n2", "n3").withFlags(true, true, false);
    TestNet net = threeWithLeader(cfg);
    long term = net.core("n1").term();
    assertTrue(net.core("n1").transferLeadership("n2"));
    List<RaftMessage> out = net.take();
    assertTrue(out.stream().anyMatch(m -> m instanceof TimeoutNow t && t.to().equals("n2")));
    out.forEach(net::deliver);
    List<RequestVote> votes = net.take(RequestVote.class);
    assertTrue(votes.stream().allMatch(v -> v.leadershipTransfer() && !v.preVote()));
    votes.forEach(net::deliver);
    net.stabilize();
    assertEquals(Role.LEADER, net.core("n2").role());
    assertEquals(term + 1, net.core("n2").term());
    assertEquals("n2", net.core("n1").leaderId());
  }

  @Test
  void transferCatchesTheTargetUpFirstAndRefusesProposals() {
    // Dissertation §3.10: "the prior leader ... stops accepting new client requests" and "sends
    // it log entries" until the target is up to date.
    TestNet net = threeWithLeader(TestNet.plainConfig("n1", "n2", "n3"));
    net.isolate("n3");
    net.propose("n1", "a");
    net.propose("n1", "b");
    net.stabilize();
    net.heal();
    assertTrue(net.core("n1").transferLeadership("n3"));
    assertEquals(new Proposal.Rejected(Proposal.Reason.TRANSFER_IN_PROGRESS, null),
        net.core("n1").propose("c".getBytes()));
    net.tickAll(8);
    assertEquals(Role.LEADER, net.core("n3").role());
    assertEquals(List.of("a", "b"), net.appliedCommands("n3").subList(0, 2));
  }

  @Test
  void transferIsAbortedAfterAnElectionTimeout() {
    // Dissertation §3.10: "if the transfer does not complete within an election timeout, the prior
    // leader aborts the transfer and resumes accepting client requests".
    TestNet net = threeWithLeader(TestNet.plainConfig("n1", "n2", "n3"));
    net.isolate("n3");
    assertTrue(net.core("n1").transferLeadership("n3"));
    assertFalse(net.core("n1").propose("x".getBytes()).accepted());
    net.tickAll(10);
    assertEquals(Role.LEADER, net.core("n1").role());
    assertTrue(net.core("n1").propose("x".getBytes()).accepted());
  }

  @Test
  void transferRejectsNonVoters() {
    // Dissertation §3.10: leadership goes to another voting member only.
    TestNet net = threeWithLeader(TestNet.plainConfig("n1", "n2", "n3"));
    assertFalse(net.core("n1").transferLeadership("n9"));
    assertFalse(net.core("n1").transferLeadership("n1"));
    assertFalse(net.core("n2").transferLeadership("n3"), "only a leader transfers");
  }
}
