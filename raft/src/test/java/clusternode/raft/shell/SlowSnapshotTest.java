package clusternode.raft.shell;

import static clusternode.protocols.testing.LoopbackCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.kv.KvOp;
import clusternode.protocols.kv.KvResult;
import clusternode.protocols.kv.KvStore;
import clusternode.protocols.statemachine.Replicated.ReadConsistency;
import clusternode.protocols.statemachine.StateMachine;
import clusternode.protocols.statemachine.StateMachines;
import clusternode.protocols.testing.LoopbackCluster;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A leader whose state machine takes longer to snapshot than an election timeout keeps its
 * leadership: the snapshot is serialized off the Raft thread, so heartbeats go on. Regression: the
 * ledger's 80 MB snapshot, taken on the Raft thread, made leaders step down and followers
 * campaign every snapshot under `bench --workload ledger-transfer`.
 */
class SlowSnapshotTest {
  private static final List<String> IDS = List.of("s1", "s2", "s3");
  private static final long SNAPSHOT_MILLIS = 1500; // election timeouts here are 200-400 ms

  /** A KV store whose snapshots take {@link #SNAPSHOT_MILLIS} on the node named by {@code slowNode}. */
  private record SlowSnapshots(KvStore kv, String id, AtomicReference<String> slowNode, AtomicInteger slowTaken)
      implements StateMachine {
    @Override
    public String name() {
      return kv.name();
    }

    @Override
    public byte[] apply(long index, byte[] command) {
      return kv.apply(index, command);
    }

    @Override
    public byte[] query(byte[] query) {
      return kv.query(query);
    }

    @Override
    public byte[] snapshot() {
      if (id.equals(slowNode.get())) {
        try {
          Thread.sleep(SNAPSHOT_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        slowTaken.incrementAndGet();
      }
      return kv.snapshot();
    }

    @Override
    public void restore(byte[] snapshot) {
      kv.restore(snapshot);
    }

    @Override
    public long lastAppliedIndex() {
      return kv.lastAppliedIndex();
    }
  }

  @Test
  void aLeaderSnapshottingForLongerThanAnElectionTimeoutStaysLeaderAndKeepsCommitting() throws Exception {
    Map<String, RaftReplicated> servers = new ConcurrentHashMap<>();
    AtomicReference<String> slowNode = new AtomicReference<>("");
    AtomicInteger slowTaken = new AtomicInteger();
    var conf = ConfigFactory.parseString("""
        cluster-node.raft {
          election-timeout-min = 200ms
          election-timeout-max = 400ms
          heartbeat-interval = 30ms
          request-timeout = 10s
          snapshot-every-entries = 50
        }
        """);
    try (LoopbackCluster cluster = ThreeRaftServers.start(IDS, conf, servers,
        id -> new StateMachines(List.of(new SlowSnapshots(new KvStore(), id, slowNode, slowTaken))))) {
      await("three servers", 20, () -> servers.size() == IDS.size());
      await("a leader", 20, () -> IDS.stream().anyMatch(id -> status(servers, id).isLeader()));
      String leader = IDS.stream().filter(id -> status(servers, id).isLeader()).findFirst().orElseThrow();
      long term = status(servers, leader).term();
      slowNode.set(leader);

      for (int batch = 0; batch < 12; batch++) {
        int from = batch * 10;
        CompletableFuture<?>[] writes = IntStream.range(from, from + 10).mapToObj(i -> servers.get(leader)
            .command(KvStore.NAME, KvOp.encode(new KvOp.Put("k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8))))
            .toCompletableFuture()).toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(writes).join();
      }
      await("two slow snapshots on the leader", 20, () -> slowTaken.get() >= 2 && status(servers, leader).snapshotIndex() >= 100);

      for (String id : IDS) {
        RaftStatus s = status(servers, id);
        assertEquals(term, s.term(), id + " saw an election while the leader snapshotted");
        assertEquals(leader, s.leader(), id);
      }
      KvResult read = KvResult.decode(servers.get(leader).query(KvStore.NAME, KvOp.encode(new KvOp.Get("k119")),
          ReadConsistency.LINEARIZABLE).toCompletableFuture().join());
      assertEquals("v119", new String(read.value(), StandardCharsets.UTF_8));
      assertTrue(status(servers, leader).lastApplied() >= 120);
    }
  }

  private static RaftStatus status(Map<String, RaftReplicated> servers, String id) {
    return servers.get(id).status().toCompletableFuture().join();
  }
}
