package clusternode.gossip;

import static clusternode.protocols.testing.LoopbackCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.AskPattern;
import clusternode.gossip.crdt.PNCounter;
import clusternode.protocols.spi.ProtocolContext;
import clusternode.protocols.testing.LoopbackCluster;
import clusternode.protocols.transport.FaultPlan;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three ActorSystems on loopback, each running the gossip protocol through its provider: members
 * become alive, counters converge, quorum writes need their acks, and a partition made with the
 * Transport's fault plan makes the isolated member suspect then dead, and alive again after the
 * heal with a higher incarnation.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GossipClusterTest {
  static final List<String> IDS = List.of("n1", "n2", "n3");
  static final Config FAST = ConfigFactory.parseString("""
      cluster-node.gossip {
        tick-interval = 20ms
        probe-interval = 200ms
        probe-timeout = 80ms
        gossip-interval = 40ms
        sync-interval = 1s
        join-retry-interval = 200ms
        anti-entropy-interval = 200ms
        request-timeout = 1s
      }
      """);
  static final Map<String, GossipProvider.Instance> instances = new ConcurrentHashMap<>();
  static LoopbackCluster cluster;

  @BeforeAll
  static void start() {
    cluster = LoopbackCluster.start(IDS, FAST, (ctx, node) -> {
      ProtocolContext context = new ProtocolContext(ctx, ctx.getSystem().settings().config(), node.transport(),
          node.metrics(), Path.of("target"), new HashMap<>());
      instances.put(node.transport().selfId(), (GossipProvider.Instance) new GossipProvider().start(context));
    });
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  static ActorRef<Object> actor(String id) {
    return instances.get(id).actor();
  }

  static Gossip.MembersReport members(String id) {
    return AskPattern.<Object, Gossip.MembersReport>ask(actor(id), Gossip.GetMembers::new, Duration.ofSeconds(3),
        cluster.node(id).system().scheduler()).toCompletableFuture().join();
  }

  static Map<String, String> statuses(String id) {
    return members(id).members().stream().collect(Collectors.toMap(Gossip.Member::id, Gossip.Member::status));
  }

  static long incarnationSeenBy(String viewer, String id) {
    return members(viewer).members().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow().incarnation();
  }

  static Gossip.Result write(String id, String key, Gossip.Op op, int w) {
    return AskPattern.<Object, Gossip.Result>ask(actor(id), r -> new Gossip.Write(key, op, w, r), Duration.ofSeconds(5),
        cluster.node(id).system().scheduler()).toCompletableFuture().join();
  }

  static Gossip.Result read(String id, String key, int r) {
    return AskPattern.<Object, Gossip.Result>ask(actor(id), x -> new Gossip.Read(key, r, x), Duration.ofSeconds(5),
        cluster.node(id).system().scheduler()).toCompletableFuture().join();
  }

  static long counter(String id, String key) {
    Gossip.Result r = read(id, key, 1);
    return r.state() == null ? 0 : ((PNCounter) r.state().data()).value();
  }

  static boolean allAlive() {
    Map<String, String> alive = Map.of("n1", "alive", "n2", "alive", "n3", "alive");
    return IDS.stream().allMatch(id -> statuses(id).equals(alive));
  }

  static void setPlanEverywhere(FaultPlan plan) {
    cluster.nodes().values().forEach(n -> n.transport().setFaultPlan(plan));
  }

  @Test
  @Order(1)
  void membersJoinThroughTheSeedsAndBecomeAlive() {
    await("every node sees every node alive", 20, GossipClusterTest::allAlive);
  }

  @Test
  @Order(2)
  void aCounterIncrementedOnEachNodeConvergesToTheSumEverywhere() {
    await("alive", 20, GossipClusterTest::allAlive);
    write("n1", "counter/c", new Gossip.CounterAdd(5), 1);
    write("n2", "counter/c", new Gossip.CounterAdd(7), 1);
    write("n3", "counter/c", new Gossip.CounterAdd(-2), 1);
    await("every replica holds 10", 10, () -> IDS.stream().allMatch(id -> counter(id, "counter/c") == 10));

    Gossip.Result all = write("n1", "counter/q", new Gossip.CounterAdd(1), 3);
    assertTrue(all.ok(), "a write at w=3 is acked by all three: " + all);
    assertEquals(3, all.answered());
    Gossip.Result readAll = read("n3", "counter/q", 3);
    assertTrue(readAll.ok());
    assertEquals(1, ((PNCounter) readAll.state().data()).value(), "w=3 then r=3 sees the write");
    await("convergence time measured", 10, () -> cluster.node("n1").metrics().renderPrometheus()
        .lines().anyMatch(l -> l.startsWith("gossip_convergence_last_ms ") && !l.endsWith(" -1")));
  }

  @Test
  @Order(3)
  void anIsolatedMemberBecomesSuspectThenDeadAndComesBackAliveAfterTheHeal() {
    await("alive", 20, GossipClusterTest::allAlive);
    long before = incarnationSeenBy("n1", "n3");
    setPlanEverywhere(FaultPlan.partitioned(List.of(Set.of("n3"))));
    try {
      await("n1 and n2 suspect n3", 10, () -> !statuses("n1").get("n3").equals("alive")
          && !statuses("n2").get("n3").equals("alive"));
      await("n1 and n2 declare n3 dead, n3 declares them dead", 15, () -> statuses("n1").get("n3").equals("dead")
          && statuses("n2").get("n3").equals("dead") && statuses("n3").get("n1").equals("dead")
          && statuses("n3").get("n2").equals("dead") && statuses("n1").get("n2").equals("alive"));
      Gossip.Result cut = write("n1", "counter/p", new Gossip.CounterAdd(1), 3);
      assertFalse(cut.ok(), "w=3 cannot be reached with n3 cut off");
      assertTrue(cut.error().contains("replicas answered"), cut.error());
      write("n3", "counter/p", new Gossip.CounterAdd(10), 1);
    } finally {
      setPlanEverywhere(FaultPlan.NONE);
    }
    await("healed: all alive again", 20, GossipClusterTest::allAlive);
    assertTrue(incarnationSeenBy("n1", "n3") > before, "n3 refuted its death with a higher incarnation");
    await("both sides' writes merged", 10, () -> IDS.stream().allMatch(id -> counter(id, "counter/p") == 11));
    String metrics = cluster.node("n1").metrics().renderPrometheus();
    assertTrue(metrics.contains("gossip_dead_declarations_total"), metrics);
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("gossip_bytes_sent_total{peer=\"n2\"}") && !l.endsWith(" 0")),
        metrics);
  }
}
