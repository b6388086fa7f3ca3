package clusternode.protocols.testing;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import clusternode.protocols.metrics.Metrics;
import clusternode.protocols.peers.AkkaSettings;
import clusternode.protocols.peers.Peer;
import clusternode.protocols.peers.PeerDirectory;
import clusternode.protocols.transport.Transport;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Several real ActorSystems in one JVM, talking Artery TCP over loopback on ports from {@link TestPorts}: the
 * ActorTestKit layer of the tests. Each node gets a Transport; {@code starter} spawns the
 * protocol actors under test from the node's guardian.
 */
public final class LoopbackCluster implements AutoCloseable {
  /** One started node. */
  public record Node(ActorTestKit testKit, Transport transport, Metrics metrics) {
    public ActorSystem<Void> system() {
      return testKit.system();
    }
  }

  private final Map<String, Node> nodes = new LinkedHashMap<>();

  private LoopbackCluster() {}

  public static LoopbackCluster start(List<String> ids, Config extra,
      BiConsumer<akka.actor.typed.javadsl.ActorContext<Void>, Node> starter) {
    List<Peer> peers = new ArrayList<>();
    for (String id : ids) {
      peers.add(new Peer(id, "127.0.0.1", TestPorts.next(), TestPorts.next()));
    }
    LoopbackCluster cluster = new LoopbackCluster();
    for (String id : ids) {
      PeerDirectory directory = new PeerDirectory(id, peers);
      Config config = extra.withFallback(AkkaSettings.forNode(directory))
          .withFallback(ConfigFactory.defaultReference()).resolve();
      Metrics metrics = new Metrics();
      CompletableFuture<Transport> transport = new CompletableFuture<>();
      CompletableFuture<ActorTestKit> kit = new CompletableFuture<>();
      Behavior<Void> guardian = Behaviors.setup(ctx -> {
        Transport t = Transport.start(ctx, directory, metrics, id.hashCode());
        transport.complete(t);
        starter.accept(ctx, new Node(kit.join(), t, metrics));
        return Behaviors.empty();
      });
      ActorSystem<Void> system = ActorSystem.create(guardian, PeerDirectory.SYSTEM_NAME, config);
      kit.complete(ActorTestKit.create(system));
      cluster.nodes.put(id, new Node(kit.join(), transport.join(), metrics));
    }
    return cluster;
  }

  public Node node(String id) {
    return nodes.get(id);
  }

  public Map<String, Node> nodes() {
    return nodes;
  }

  @Override
  public void close() {
    nodes.values().forEach(n -> ActorTestKit.shutdown(n.system(), java.time.Duration.ofSeconds(10)));
  }

  /** Polls {@code condition} until it holds or {@code seconds} pass; fails with {@code what}. */
  public static void await(String what, int seconds, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + seconds + " s: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what);
      }
    }
  }
}
