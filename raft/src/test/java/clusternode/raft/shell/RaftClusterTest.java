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
import java.nio.charset.StandardCharsets;
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

  private static RaftStatus status(String id) {
    return servers.get(id).status().toCompletableFuture().join();
  }

  private static Optional<String> leader(Set<String> among) {
    List<String> leaders = among.stream().filter(id -> status(id).isLeader()).toList();
    return leaders.size() == 1 ? Optional.of(leaders.get(0)) : Optional.empty();
  }

  private static KvResult put(String via, String key, String value) {
    byte[] r = servers.get(via).command(KvStore.NAME, KvOp.encode(new KvOp.Put(key, bytes(value))))
        .toCompletableFuture().join();
    return KvResult.decode(r);
  }

  private static KvResult get(String via, String key, ReadConsistency consistency) {
    return KvResult.decode(servers.get(via).query(KvStore.NAME, KvOp.encode(new KvOp.Get(key)), consistency)
        .toCompletableFuture().join());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void setPlan(FaultPlan plan) {
    cluster.nodes().values().forEach(n -> n.transport().setFaultPlan(plan));
  }

  @Test
  void electsReplicatesAndSurvivesAPartitionOfTheLeader() {
    // Raft §5.2: one leader is elected, and every server learns it.
    await("a leader", 20, () -> leader(Set.copyOf(IDS)).isPresent());
    String first = leader(Set.copyOf(IDS)).orElseThrow();
    await("all know the leader", 10, () -> IDS.stream().allMatch(id -> first.equals(status(id).leader())));

    // Raft §5.3: a write through any server (followers forward) is applied everywhere.
    String follower = IDS.stream().filter(id -> !id.equals(first)).findFirst().orElseThrow();
    assertEquals(KvResult.Status.OK, put(follower, "a", "1").status());
    assertArrayEquals(bytes("1"), get(first, "a", ReadConsistency.LINEARIZABLE).value());
    await("replicated to every server", 10, () -> IDS.stream()
        .allMatch(id -> get(id, "a", ReadConsistency.LOCAL).status() == KvResult.Status.OK));

    // Partition the leader away: it cannot commit, nor answer a linearizable read (§5.4, §6.4).
    List<String> majority = IDS.stream().filter(id -> !id.equals(first)).toList();
    long firstTerm = status(first).term();
    setPlan(FaultPlan.partitioned(List.of(Set.of(first), Set.copyOf(majority))));
    CompletionException refused = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
        () -> put(first, "b", "minority"));
    assertTrue(refused.getCause() instanceof Unavailable, refused.toString());
    org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
        () -> get(first, "a", ReadConsistency.LINEARIZABLE));

    await("the majority elects a new leader", 20, () -> leader(Set.copyOf(majority)).isPresent());
    String second = leader(Set.copyOf(majority)).orElseThrow();
    assertNotEquals(first, second);
    assertTrue(status(second).term() > firstTerm, "a new leader needs a new term (§5.2)");
    assertEquals(KvResult.Status.OK, put(second, "c", "majority").status());

    // Heal: the old leader steps down and catches up; the minority write never appears.
    setPlan(FaultPlan.NONE);
    await("the old leader catches up", 20, () -> get(first, "c", ReadConsistency.LOCAL).status() == KvResult.Status.OK);
    for (String id : IDS) {
      assertEquals(KvResult.Status.NOT_FOUND, get(id, "b", ReadConsistency.LOCAL).status(), id + " has a minority write");
    }
    await("one leader for everyone", 10, () -> {
      Optional<String> l = leader(Set.copyOf(IDS));
      return l.isPresent() && IDS.stream().allMatch(id -> l.get().equals(status(id).leader()));
    });
  }
}
