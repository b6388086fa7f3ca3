package clusternode.raft.shell;

import static clusternode.protocols.testing.LoopbackCluster.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.config.ConfigProblem;
import clusternode.protocols.kv.KvOp;
import clusternode.protocols.kv.KvResult;
import clusternode.protocols.kv.KvStore;
import clusternode.protocols.peers.Peer;
import clusternode.protocols.peers.PeerDirectory;
import clusternode.protocols.statemachine.Replicated.ReadConsistency;
import clusternode.protocols.testing.LoopbackCluster;
import clusternode.protocols.transport.FaultPlan;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A follower cut off while the leader compacted its log must catch up over real Artery frames:
 * by a snapshot in several chunks, then by AppendEntries batches, every one under Akka's frame
 * size. Regression: with 1 MiB appends and 256 KiB snapshot chunks, Akka dropped every catch-up
 * message as oversized and the follower stayed behind forever (seen under load in `bench`).
 */
class RaftCatchUpTest {
  private static final List<String> IDS = List.of("c1", "c2", "c3");
  private static final int VALUE_BYTES = 16 * 1024;
  private static final Map<String, RaftReplicated> servers = new ConcurrentHashMap<>();
  private static LoopbackCluster cluster;

  @BeforeAll
  static void start() throws IOException {
    Config raftConf = ConfigFactory.parseString("""
        cluster-node.raft {
          election-timeout-min = 200ms
          election-timeout-max = 400ms
          heartbeat-interval = 30ms
          request-timeout = 5s
          # Only the byte bound can fire here: 100 writes are far below the entry bound.
          snapshot-every-bytes = 256 KiB
        }
        """);
    cluster = ThreeRaftServers.start(IDS, raftConf, servers);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static RaftStatus status(String id) {
    return new RaftClients(servers).status(id);
  }

  private static byte[] value(int i) {
    byte[] v = new byte[VALUE_BYTES];
    Arrays.fill(v, (byte) ('a' + i % 26));
    return v;
  }

  @Test
  void aFollowerBehindTheLeadersSnapshotCatchesUpThroughFrameSizedMessages() {
    await("a leader", 20, () -> IDS.stream().anyMatch(id -> status(id).isLeader()));
    String leader = IDS.stream().filter(id -> status(id).isLeader()).findFirst().orElseThrow();
    String behind = IDS.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    List<String> majority = IDS.stream().filter(id -> !id.equals(behind)).toList();
    cluster.nodes().values().forEach(n -> n.transport().setFaultPlan(
        FaultPlan.partitioned(List.of(Set.of(behind), Set.copyOf(majority)))));

    // 100 values of 16 KiB: 1.6 MiB of state, several byte-triggered snapshots past the follower's log.
    int writes = 100;
    CompletableFuture<?>[] done = IntStream.range(0, writes).mapToObj(i -> servers.get(leader)
        .command(KvStore.NAME, KvOp.encode(new KvOp.Put("k" + i, value(i)))).toCompletableFuture())
        .toArray(CompletableFuture[]::new);
    CompletableFuture.allOf(done).join();
    assertTrue(status(leader).snapshotIndex() > status(behind).lastIndex(),
        "the leader compacted past the follower, so only a snapshot can catch it up");

    cluster.nodes().values().forEach(n -> n.transport().setFaultPlan(FaultPlan.NONE));
    long target = status(leader).commitIndex();
    await("the follower catches up", 30, () -> status(behind).lastApplied() >= target);
    for (int i = 0; i < writes; i++) {
      KvResult r = KvResult.decode(servers.get(behind).query(KvStore.NAME, KvOp.encode(new KvOp.Get("k" + i)),
          ReadConsistency.LOCAL).toCompletableFuture().join());
      assertEquals(KvResult.Status.OK, r.status(), "k" + i);
      assertArrayEquals(value(i), r.value(), "k" + i);
    }
  }

  @Test
  void settingsThatCannotFitAnAkkaFrameAreRefusedAtStart() {
    PeerDirectory peers = new PeerDirectory("n1", List.of(new Peer("n1", "127.0.0.1", 1, 2)));
    Config tooBig = ConfigFactory.parseString("cluster-node.raft.max-bytes-per-append = 1 MiB")
        .withFallback(ConfigFactory.load());
    ConfigProblem p = org.junit.jupiter.api.Assertions.assertThrows(ConfigProblem.class,
        () -> RaftSettings.fromConfig(tooBig, peers));
    assertEquals("cluster-node.raft.max-bytes-per-append", p.key());
    assertTrue(p.getMessage().contains("maximum-frame-size"), p.getMessage());

    Config bigChunks = ConfigFactory.parseString("cluster-node.raft.snapshot-chunk-bytes = 256 KiB")
        .withFallback(ConfigFactory.load());
    assertEquals("cluster-node.raft.snapshot-chunk-bytes", org.junit.jupiter.api.Assertions.assertThrows(
        ConfigProblem.class, () -> RaftSettings.fromConfig(bigChunks, peers)).key());

    Config biggerFrame = ConfigFactory.parseString("""
        cluster-node.raft.max-bytes-per-append = 1 MiB
        cluster-node.transport.max-frame-bytes = 2 MiB
        """).withFallback(ConfigFactory.load());
    assertEquals(1 << 20, RaftSettings.fromConfig(biggerFrame, peers).core().maxBytesPerAppend());

    Config tinySnapshots = ConfigFactory.parseString("cluster-node.raft.snapshot-every-bytes = 1 KiB")
        .withFallback(ConfigFactory.load());
    assertEquals("cluster-node.raft.snapshot-every-bytes", org.junit.jupiter.api.Assertions.assertThrows(
        ConfigProblem.class, () -> RaftSettings.fromConfig(tinySnapshots, peers)).key());
  }
}
