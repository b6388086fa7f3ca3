package clusternode.protocols.spi;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import clusternode.protocols.metrics.Metrics;
import clusternode.protocols.peers.PeerDirectory;
import clusternode.protocols.transport.Transport;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a protocol gets to start with: the node's config, its peers, the Transport every protocol
 * message must leave through, the metrics registry and a data directory of its own.
 */
public final class ProtocolContext {
  private final ActorContext<?> guardian;
  private final Config config;
  private final Transport transport;
  private final Metrics metrics;
  private final Path dataDir;
  private final Map<String, Object> services;

  /**
   * @param services shared by every protocol of the node: what one protocol provides (e.g. Raft's
   *     {@code Replicated}) another started after it requires
   */
  public ProtocolContext(ActorContext<?> guardian, Config config, Transport transport, Metrics metrics, Path dataDir,
      Map<String, Object> services) {
    this.guardian = guardian;
    this.config = config;
    this.transport = transport;
    this.metrics = metrics;
    this.dataDir = dataDir;
    this.services = services;
  }

  /** Offers {@code service} to the protocols started after this one, under {@code name}. */
  public void provide(String name, Object service) {
    if (services.putIfAbsent(name, service) != null) {
      throw new IllegalStateException("service " + name + " is already provided");
    }
  }

  /** A service an earlier protocol provided; see {@link ProtocolProvider#startsAfter}. */
  public <T> T require(String name, Class<T> type) {
    Object service = services.get(name);
    if (service == null) {
      throw new IllegalStateException("no protocol provides " + name + "; is it named in cluster-node.protocols?");
    }
    return type.cast(service);
  }

  /** Spawns {@code behavior} as a child of the node's guardian, at {@code /user/NAME}. */
  public <T> ActorRef<T> spawn(Behavior<T> behavior, String name) {
    return guardian.spawn(behavior, name);
  }

  public ActorSystem<?> system() {
    return guardian.getSystem();
  }

  public Config config() {
    return config;
  }

  public PeerDirectory peers() {
    return transport.peers();
  }

  public Transport transport() {
    return transport;
  }

  public Metrics metrics() {
    return metrics;
  }

  /** The node's data directory; a protocol keeps its files in {@code dataDir().resolve(name)}. */
  public Path dataDir() {
    return dataDir;
  }
}
