package clusternode.raft.shell;

import static clusternode.protocols.testing.LoopbackCluster.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.kv.KvOp;
import clusternode.protocols.kv.KvResult;
import clusternode.protocols.kv.KvStore;
import clusternode.protocols.statemachine.Replicated.ReadConsistency;
import clusternode.protocols.statemachine.Unavailable;
import clusternode.protocols.testing.LoopbackCluster;
import clusternode.protocols.transport.FaultPlan;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three Raft servers in three ActorSystems on loopback, each with its own disk: they elect a
 * leader, replicate, refuse to commit on the minority side of a partition, and converge after
 * the heal (Raft §5.2, §5.3, §5.4).
 */
class RaftClusterTest {
  private static final List<String> IDS = List.of("n1", "n2", "n3");
  private static final Map<String, RaftReplicated> servers = new ConcurrentHashMap<>();
  private static final RaftClients clients = new RaftClients(servers);
  private static LoopbackCluster cluster;

  @BeforeAll
  static void start() throws IOException {
    Config raftConf = ConfigFactory.parseString("""
        cluster-node.raft {
          election-timeout-min = 200ms
          election-timeout-max = 400ms
          heartbeat-interval = 30ms
          request-timeout = 3s
        }
        """);
    cluster = ThreeRaftServers.start(IDS, raftConf, servers);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }


  private static void setPlan(FaultPlan plan) {
    cluster.nodes().values().forEach(n -> n.transport().setFaultPlan(plan));
  }

  /** The one leader every server agrees on, once there is one. */
  private static String agreedLeader() {
    await("one leader everyone knows", 20, () -> {
      Optional<String> l = clients.leader(Set.copyOf(IDS));
      return l.isPresent() && IDS.stream().allMatch(id -> l.get().equals(clients.status(id).leader()));
    });
    return clients.leader(Set.copyOf(IDS)).orElseThrow();
  }

  /** A counter's value from a server's /metrics text (0 before its first increment shows). */
  private static long metric(String id, String name) {
    return cluster.node(id).metrics().renderPrometheus().lines()
        .filter(l -> l.startsWith(name + " "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(name.length() + 1).strip()))
        .findFirst().orElse(0);
  }

  private static <T> Throwable failure(java.util.concurrent.CompletionStage<T> stage) {
    CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
        () -> stage.toCompletableFuture().join());
    return e.getCause();
  }

  @Test
  void transfersLeadershipToANamedFollowerAndWritesContinue() {
    String from = agreedLeader();
    String to = IDS.stream().filter(id -> !id.equals(from)).findFirst().orElseThrow();
    long termBefore = clients.status(from).term();
    long campaignsOfTarget = metric(to, "raft_elections_started_total");
    long winsOfTarget = metric(to, "raft_leader_elections_total");
    long termChangesOfOld = metric(from, "raft_term_changes_total");
    await("the leader heard from a majority (Raft's own view of the quorum)", 5, () -> clients.status(from).quorumActive());
    assertTrue(IDS.stream().filter(id -> !id.equals(from)).noneMatch(id -> clients.status(id).quorumActive()),
        "a follower has no quorum of its own");
    assertEquals(KvResult.Status.OK, clients.put(from, "before-transfer", "1").status());

    // What POST /admin/raft/transfer-leader calls. Dissertation §3.10: the leader brings the target
    // up to date and sends it TimeoutNow; the target campaigns at once, in a new term.
    servers.get(from).transferLeadership(to).toCompletableFuture().join();
    await(to + " leads", 10, () -> clients.status(to).isLeader());
    assertTrue(clients.status(to).term() > termBefore, "the new leader's term " + clients.status(to).term() + " after " + termBefore);
    await("everyone follows " + to, 10, () -> IDS.stream().allMatch(id -> to.equals(clients.status(id).leader())));

    // Writes continue, through the old leader (it forwards now) and the new one.
    assertEquals(KvResult.Status.OK, clients.put(from, "after-transfer", "2").status());
    assertArrayEquals(RaftClients.bytes("2"), clients.get(to, "after-transfer", ReadConsistency.LINEARIZABLE).value());
    assertArrayEquals(RaftClients.bytes("1"), clients.get(to, "before-transfer", ReadConsistency.LINEARIZABLE).value());

    // The metrics saw it: the target campaigned (no pre-vote for a transfer) and won; terms moved.
    assertTrue(metric(to, "raft_elections_started_total") > campaignsOfTarget, "elections started on " + to);
    assertTrue(metric(to, "raft_leader_elections_total") > winsOfTarget, "elections won by " + to);
    assertTrue(metric(from, "raft_term_changes_total") > termChangesOfOld, "term changes seen by " + from);
    // Elections here begin with a pre-vote round (dissertation §9.6), which some server counted.
    assertTrue(IDS.stream().mapToLong(id -> metric(id, "raft_pre_votes_started_total")).sum() > 0, "pre-votes started");

    // Bad requests change nothing: to a non-member (400), or asked of a follower (503).
    assertTrue(failure(servers.get(to).transferLeadership("nobody")) instanceof IllegalArgumentException);
    assertTrue(failure(servers.get(from).transferLeadership(to)) instanceof Unavailable);
    assertTrue(clients.status(to).isLeader());
  }

  @Test
  void aRetriedCommandOfAClientSessionIsAppliedOnce() {
    String leader = agreedLeader();
    String follower = IDS.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    // KvRoutes passes X-Client-Id / X-Request-Seq to exactly this call.
    byte[] first = KvOp.encode(new KvOp.Put("session-key", RaftClients.bytes("first")));
    byte[] answer = servers.get(follower).command(KvStore.NAME, first, "client-7", 1).toCompletableFuture().join();
    assertEquals(KvResult.Status.OK, KvResult.decode(answer).status());
    // Someone else writes the key; a second application of the retry would put "first" back.
    assertEquals(KvResult.Status.OK, clients.put(leader, "session-key", "other").status());

    byte[] retried = servers.get(leader).command(KvStore.NAME, first, "client-7", 1).toCompletableFuture().join();
    assertArrayEquals(answer, retried, "a retry is answered with the first result, from the session");
    assertArrayEquals(RaftClients.bytes("other"), clients.get(leader, "session-key", ReadConsistency.LINEARIZABLE).value(),
        "the retried put was applied a second time");
    await("every server holds the same value", 10, () -> IDS.stream().allMatch(id ->
        java.util.Arrays.equals(RaftClients.bytes("other"), clients.get(id, "session-key", ReadConsistency.LOCAL).value())));

    // The next sequence number of the same client is a new command and is applied.
    byte[] next = KvOp.encode(new KvOp.Put("session-key", RaftClients.bytes("second")));
    servers.get(follower).command(KvStore.NAME, next, "client-7", 2).toCompletableFuture().join();
    assertArrayEquals(RaftClients.bytes("second"), clients.get(leader, "session-key", ReadConsistency.LINEARIZABLE).value());
  }

  @Test
  void electsReplicatesAndSurvivesAPartitionOfTheLeader() {
    // Raft §5.2: one leader is elected, and every server learns it.
    await("a leader", 20, () -> clients.leader(Set.copyOf(IDS)).isPresent());
    String first = clients.leader(Set.copyOf(IDS)).orElseThrow();
    await("all know the leader", 10, () -> IDS.stream().allMatch(id -> first.equals(clients.status(id).leader())));

    // Raft §5.3: a write through any server (followers forward) is applied everywhere.
    String follower = IDS.stream().filter(id -> !id.equals(first)).findFirst().orElseThrow();
    assertEquals(KvResult.Status.OK, clients.put(follower, "a", "1").status());
    assertArrayEquals(RaftClients.bytes("1"), clients.get(first, "a", ReadConsistency.LINEARIZABLE).value());
    await("replicated to every server", 10, () -> IDS.stream()
        .allMatch(id -> clients.get(id, "a", ReadConsistency.LOCAL).status() == KvResult.Status.OK));

    // Partition the leader away: it cannot commit, nor answer a linearizable read (§5.4, §6.4).
    List<String> majority = IDS.stream().filter(id -> !id.equals(first)).toList();
    long firstTerm = clients.status(first).term();
    setPlan(FaultPlan.partitioned(List.of(Set.of(first), Set.copyOf(majority))));
    CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
        () -> clients.put(first, "b", "minority"));
    assertTrue(refused.getCause() instanceof Unavailable, refused.toString());
    org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
        () -> clients.get(first, "a", ReadConsistency.LINEARIZABLE));

    await("the majority elects a new leader", 20, () -> clients.leader(Set.copyOf(majority)).isPresent());
    String second = clients.leader(Set.copyOf(majority)).orElseThrow();
    assertNotEquals(first, second);
    assertTrue(clients.status(second).term() > firstTerm, "a new leader needs a new term (§5.2)");
    assertEquals(KvResult.Status.OK, clients.put(second, "c", "majority").status());

    // Heal: the old leader steps down and catches up; the minority write never appears.
    setPlan(FaultPlan.NONE);
    await("the old leader catches up", 20, () -> clients.get(first, "c", ReadConsistency.LOCAL).status() == KvResult.Status.OK);
    for (String id : IDS) {
      assertEquals(KvResult.Status.NOT_FOUND, clients.get(id, "b", ReadConsistency.LOCAL).status(), id + " has a minority write");
    }
    await("one leader for everyone", 10, () -> {
      Optional<String> l = clients.leader(Set.copyOf(IDS));
      return l.isPresent() && IDS.stream().allMatch(id -> l.get().equals(clients.status(id).leader()));
    });
  }
}
