package clusternode.protocols.monitor;

import static clusternode.protocols.testing.LoopbackCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.AskPattern;
import clusternode.protocols.monitor.core.PeerStatus;
import clusternode.protocols.monitor.core.PeerView;
import clusternode.protocols.testing.LoopbackCluster;
import clusternode.protocols.transport.FaultPlan;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Three ActorSystems on loopback: the peer monitors see each other, a partition, and the heal. */
class PeerMonitorClusterTest {
  private static final List<String> IDS = List.of("n1", "n2", "n3");
  private static final Map<String, ActorRef<PeerMonitor.Command>> monitors = new ConcurrentHashMap<>();
  private static LoopbackCluster cluster;

  @BeforeAll
  static void start() {
    PeerMonitorSettings settings = new PeerMonitorSettings(Duration.ofMillis(100), Duration.ofMillis(600), 64);
    cluster = LoopbackCluster.start(IDS, ConfigFactory.empty(), (ctx, node) -> monitors.put(
        node.transport().selfId(),
        ctx.spawn(PeerMonitor.create(node.transport(), settings, node.metrics()), PeerMonitor.NAME)));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static Map<String, PeerStatus> statuses(String id) {
    PeerMonitor.Report report = AskPattern.ask(monitors.get(id), PeerMonitor.GetReport::new,
        Duration.ofSeconds(3), cluster.node(id).system().scheduler()).toCompletableFuture().join();
    assertEquals(id, report.self());
    Map<String, PeerStatus> out = new java.util.TreeMap<>();
    for (PeerView v : report.peers()) {
      out.put(v.id(), v.status());
    }
    return out;
  }

  private static boolean sees(String id, Map<String, PeerStatus> expected) {
    return statuses(id).equals(expected);
  }

  private static void setPlanEverywhere(FaultPlan plan) {
    cluster.nodes().values().forEach(n -> n.transport().setFaultPlan(plan));
  }

  @Test
  void monitorsSeeEachOtherThenThePartitionThenTheHeal() {
    var r = PeerStatus.REACHABLE;
    var u = PeerStatus.UNREACHABLE;
    await("all peers reachable", 20, () -> sees("n1", Map.of("n2", r, "n3", r))
        && sees("n2", Map.of("n1", r, "n3", r)) && sees("n3", Map.of("n1", r, "n2", r)));

    setPlanEverywhere(FaultPlan.partitioned(List.of(Set.of("n1"), Set.of("n2", "n3"))));
    await("n1 cut off from n2 and n3", 5, () -> sees("n1", Map.of("n2", u, "n3", u))
        && sees("n2", Map.of("n1", u, "n3", r)) && sees("n3", Map.of("n1", u, "n2", r)));

    setPlanEverywhere(FaultPlan.NONE);
    await("healed", 5, () -> sees("n1", Map.of("n2", r, "n3", r))
        && sees("n2", Map.of("n1", r, "n3", r)) && sees("n3", Map.of("n1", r, "n2", r)));
  }

  @Test
  void aPartitionSetOnOneSideCutsTheLinkBothWays() {
    var r = PeerStatus.REACHABLE;
    await("all peers reachable", 20, () -> sees("n1", Map.of("n2", r, "n3", r))
        && sees("n2", Map.of("n1", r, "n3", r)));
    cluster.node("n2").transport().setFaultPlan(FaultPlan.partitioned(List.of(Set.of("n2"))));
    try {
      await("n1 and n3 lose n2 though only n2 has a plan", 5, () -> statuses("n1").get("n2") == PeerStatus.UNREACHABLE
          && statuses("n3").get("n2") == PeerStatus.UNREACHABLE && statuses("n1").get("n3") == r);
      String metrics = cluster.node("n2").metrics().renderPrometheus();
      assertTrue(metrics.contains(
          "transport_messages_dropped_total{peer=\"n1\",type=\"Probe\",reason=\"partition-inbound\"}"), metrics);
    } finally {
      cluster.node("n2").transport().setFaultPlan(FaultPlan.NONE);
    }
    await("healed", 5, () -> statuses("n1").get("n2") == r);
  }
}
