package clusternode.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.raft.core.RaftMessage.AppendEntries;
import clusternode.raft.core.RaftMessage.RequestVote;
import clusternode.raft.core.RaftMessage.RequestVoteResponse;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Leader election rules, each test citing the paper section it checks (as etcd's raft_paper_test). */
class RaftElectionTest {

  private static RaftCore single(String id, RaftConfig cfg, RecoveredState rs) {
    return new RaftCore(cfg, id, rs, new Random(7));
  }

  @Test
  void followerStartsElectionAfterTimeout() {
    // Raft §5.2: "If a follower receives no communication over a period of time called the
    // election timeout, then it ... begins an election": increments its term, votes for itself,
    // and sends RequestVote to every other server.
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3"), "n1", "n2", "n3");
    RaftCore n1 = net.core("n1");
    net.tick("n1", 9);
    assertEquals(Role.FOLLOWER, n1.role(), "no election before the minimum timeout");
    net.tick("n1", 11);
    assertEquals(Role.CANDIDATE, n1.role());
    assertEquals(1, n1.term());
    assertEquals("n1", n1.hardState().votedFor());
    List<RequestVote> votes = net.take(RequestVote.class);
    assertEquals(2, votes.size());
    assertTrue(votes.stream().allMatch(v -> v.term() == 1 && !v.preVote()));
  }

  @Test
  void electionTimeoutIsRandomized() {
    // Raft §5.2: "election timeouts are chosen randomly from a fixed interval".
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int seed = 0; seed < 30; seed++) {
      RaftCore c = new RaftCore(TestNet.plainConfig("n1", "n2", "n3"), "n1", RecoveredState.empty(),
          new Random(seed));
      int t = 0;
      while (c.role() == Role.FOLLOWER) {
        c.tick();
        t++;
      }
      assertTrue(t >= 10 && t <= 20, "timeout " + t + " outside [10, 20]");
      seen.add(t);
    }
    assertTrue(seen.size() > 3, "timeouts not spread: " + seen);
  }

  @Test
  void candidateWithMajorityBecomesLeaderAndOthersFollow() {
    // Raft §5.2: "A candidate wins an election if it receives votes from a majority of the servers
    // in the full cluster for the same term"; it then sends heartbeats to establish authority.
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3"), "n1", "n2", "n3");
    net.elect("n1");
    assertEquals(Role.LEADER, net.core("n1").role());
    assertEquals("n1", net.core("n2").leaderId());
    assertEquals("n1", net.core("n3").leaderId());
    assertEquals(Role.FOLLOWER, net.core("n2").role());
  }

  @Test
  void candidateWithoutMajorityDoesNotWin() {
    // Raft §5.2: without a majority the candidate stays candidate and retries after a timeout.
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3", "n4", "n5"), "n1", "n2", "n3", "n4", "n5");
    net.isolate("n3");
    net.isolate("n4");
    net.isolate("n5");
    net.elect("n1");
    assertEquals(Role.CANDIDATE, net.core("n1").role());
    net.tick("n1", 21);
    assertEquals(2, net.core("n1").term(), "a new election with a new term after the timeout");
  }

  @Test
  void candidateStepsDownOnAppendEntriesOfSameTerm() {
    // Raft §5.2: "If the AppendEntries RPC is from another server claiming to be leader and the
    // leader's term is at least as large as the candidate's current term, then the candidate
    // recognizes the leader as legitimate and returns to follower state."
    RaftCore c = single("n1", TestNet.plainConfig("n1", "n2", "n3"), RecoveredState.empty());
    c.campaign();
    assertEquals(Role.CANDIDATE, c.role());
    c.step(new AppendEntries("n2", "n1", 1, 0, 0, List.of(), 0, 0));
    assertEquals(Role.FOLLOWER, c.role());
    assertEquals("n2", c.leaderId());
  }

  @Test
  void anyServerStepsDownOnHigherTerm() {
    // Raft §5.1: "If a server receives a request with a stale term ... If one server's current term
    // is smaller than the other's, then it updates its current term to the larger value. If a
    // candidate or leader discovers that its term is out of date, it immediately reverts to
    // follower state."
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3"), "n1", "n2", "n3");
    net.elect("n1");
    RaftCore n1 = net.core("n1");
    n1.step(new RaftMessage.AppendEntriesResponse("n2", "n1", 5, false, 0, 0, 0, 0, 0));
    assertEquals(Role.FOLLOWER, n1.role());
    assertEquals(5, n1.term());
    assertNull(n1.hardState().votedFor());
  }

  @Test
  void staleTermRequestsAreRejected() {
    // Raft §5.1: "If a server receives a request with a stale term number, it rejects the request."
    RaftCore c = single("n1", TestNet.plainConfig("n1", "n2", "n3"), new RecoveredState(
        new HardState(3, null, 0), null, List.of()));
    c.step(new RequestVote("n2", "n1", 2, 0, 0, false, false));
    c.step(new AppendEntries("n3", "n1", 2, 0, 0, List.of(), 0, 0));
    List<RaftMessage> out = c.ready().allMessages();
    assertEquals(2, out.size());
    assertTrue(out.stream().allMatch(m -> m.term() == 3), "answers carry the newer term");
    assertNull(c.leaderId());
    assertNull(c.hardState().votedFor());
  }

  @Test
  void atMostOneVotePerTerm() {
    // Raft §5.2: "Each server will vote for at most one candidate in a given term, on a
    // first-come-first-served basis."
    RaftCore c = single("n1", TestNet.plainConfig("n1", "n2", "n3"), RecoveredState.empty());
    c.step(new RequestVote("n2", "n1", 1, 0, 0, false, false));
    c.step(new RequestVote("n3", "n1", 1, 0, 0, false, false));
    c.step(new RequestVote("n2", "n1", 1, 0, 0, false, false)); // a retry gets the same answer
    List<RaftMessage> out = c.ready().messagesAfterPersist();
    assertEquals(List.of(true, false, true),
        out.stream().map(m -> ((RequestVoteResponse) m).granted()).toList());
    assertEquals("n2", c.hardState().votedFor());
  }

  @Test
  void voteIsPersistedBeforeItIsSent() {
    // Raft §5.2, Figure 2: votedFor is persistent state, "updated on stable storage before responding".
    // Raft Figure 2: votedFor is persistent state "updated on stable storage before responding".
    RaftCore c = single("n1", TestNet.plainConfig("n1", "n2", "n3"), RecoveredState.empty());
    c.step(new RequestVote("n2", "n1", 1, 0, 0, false, false));
    Ready rd = c.ready();
    assertEquals(new HardState(1, "n2", 0), rd.hardState());
    assertTrue(rd.messagesNow().isEmpty());
    assertEquals(1, rd.messagesAfterPersist().size());
  }

  @Test
  void voteSurvivesRestart() {
    // Raft §5.2 + Figure 2: after a crash the server remembers its vote and cannot vote twice.
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3"), "n1", "n2", "n3");
    net.core("n1").step(new RequestVote("n2", "n1", 1, 0, 0, false, false));
    net.collect();
    net.restart("n1");
    net.core("n1").step(new RequestVote("n3", "n1", 1, 0, 0, false, false));
    List<RequestVoteResponse> out = net.take(RequestVoteResponse.class);
    assertFalse(out.get(out.size() - 1).granted());
  }

  @Test
  void voterRejectsCandidateWithLessUpToDateLog() {
    // Raft §5.4.1: "the voter denies its vote if its own log is more up-to-date than that of the
    // candidate": later last term wins; with equal last terms, the longer log wins.
    List<Entry> log = List.of(new Entry(1, 1, EntryType.NOOP, null), new Entry(2, 2, EntryType.NOOP, null));
    RaftCore c = single("n1", TestNet.plainConfig("n1", "n2", "n3", "n4", "n5"),
        new RecoveredState(new HardState(2, null, 0), null, log));
    c.step(new RequestVote("n2", "n1", 3, 5, 1, false, false)); // longer but older last term
    c.step(new RequestVote("n3", "n1", 4, 1, 2, false, false)); // same last term, shorter
    c.step(new RequestVote("n4", "n1", 5, 2, 2, false, false)); // as up-to-date: granted
    List<Boolean> granted = c.ready().allMessages().stream()
        .map(m -> ((RequestVoteResponse) m).granted()).toList();
    assertEquals(List.of(false, false, true), granted);
  }

  @Test
  void serverWithoutCommittedEntryCannotBeElected() {
    // Raft §5.4 (leader completeness): an entry committed on a majority keeps any server without it
    // from winning, because that majority rejects it.
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3"), "n1", "n2", "n3");
    net.elect("n1");
    net.isolate("n3");
    net.propose("n1", "x");
    net.stabilize();
    long committed = net.core("n1").commitIndex();
    assertEquals(net.core("n1").lastIndex(), committed);
    net.heal();
    net.isolate("n1");
    net.elect("n3");
    assertTrue(net.core("n3").role() != Role.LEADER, "n2 refused the stale candidate");
    net.elect("n2");
    assertEquals(Role.LEADER, net.core("n2").role());
    assertTrue(net.core("n2").lastIndex() >= committed);
  }

  @Test
  void preVoteKeepsPartitionedServerFromInflatingItsTerm() {
    // Dissertation §9.6: with pre-vote, a server that cannot win does not increase its term, so on
    // rejoining it does not force the working leader to step down.
    RaftConfig cfg = TestNet.plainConfig("n1", "n2", "n3").withFlags(true, false, false);
    TestNet net = new TestNet(cfg, "n1", "n2", "n3");
    net.elect("n1");
    long term = net.core("n1").term();
    net.isolate("n3");
    for (int i = 0; i < 10; i++) {
      net.tick("n3", 25);
      net.take();
    }
    assertEquals(term, net.core("n3").term(), "pre-votes failed, the term did not move");
    assertEquals(Role.PRE_CANDIDATE, net.core("n3").role());
    net.heal();
    net.tickAll(5);
    assertEquals(Role.LEADER, net.core("n1").role());
    assertEquals(term, net.core("n1").term());
    assertEquals("n1", net.core("n3").leaderId());
  }

  @Test
  void preVoteIsRejectedWhileALeaderIsHeardFrom() {
    // Dissertation §9.6 / §4.2.3 (leader stickiness): "if a server receives a RequestVote request
    // within the minimum election timeout of hearing from a current leader, it does not update its
    // term or grant its vote".
    RaftConfig cfg = TestNet.plainConfig("n1", "n2", "n3").withFlags(true, false, false);
    TestNet net = new TestNet(cfg, "n1", "n2", "n3");
    net.elect("n1");
    long term = net.core("n2").term();
    net.core("n2").step(new RequestVote("n3", "n2", term + 1, 100, term, true, false));
    net.core("n2").step(new RequestVote("n3", "n2", term + 1, 100, term, false, false));
    assertTrue(net.take().isEmpty(), "both ignored");
    assertEquals(term, net.core("n2").term());
  }

  @Test
  void checkQuorumLeaderStepsDownWhenMajorityIsSilent() {
    // Dissertation §6.2: "a leader steps down if an election timeout elapses without a successful
    // round of heartbeats to a majority of its cluster".
    RaftConfig cfg = TestNet.plainConfig("n1", "n2", "n3").withFlags(false, true, false);
    TestNet net = new TestNet(cfg, "n1", "n2", "n3");
    net.elect("n1");
    net.tickAll(15);
    assertEquals(Role.LEADER, net.core("n1").role(), "followers answer heartbeats");
    net.isolate("n1");
    for (int i = 0; i < 20; i++) {
      net.tick("n1", 1);
      net.take();
    }
    assertEquals(Role.FOLLOWER, net.core("n1").role());
  }

  @Test
  void splitVoteIsResolvedByRandomTimeouts() {
    // Raft §5.2: randomized timeouts make split votes rare and short.
    TestNet net = new TestNet(TestNet.plainConfig("n1", "n2", "n3", "n4", "n5"), "n1", "n2", "n3", "n4", "n5");
    for (int i = 0; i < 200 && net.leader() == null; i++) {
      net.tickAll(1);
    }
    String leader = net.leader();
    assertTrue(leader != null);
    for (RaftCore c : net.cores.values()) {
      assertEquals(leader, c.leaderId());
    }
  }
}
