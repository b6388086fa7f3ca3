package clusternode.protocols.transport;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import clusternode.protocols.metrics.Metrics;
import clusternode.protocols.peers.Peer;
import clusternode.protocols.peers.PeerDirectory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way protocol messages leave a node. It applies this node's {@link FaultPlan} twice: to
 * every message it sends (partitions, cuts, drops, delay, duplication) and to every message it
 * receives (partitions and cuts only), so a partition set on either side of a link cuts it both
 * ways.
 *
 * <p>Each node runs one endpoint actor at the well-known path {@code /user/transport}. A remote
 * node's endpoint is found by resolving that path at the peer's configured address, which keeps
 * working across kill -9 and restart without waiting for any registry to catch up. The endpoint
 * hands each payload to the local protocol actor registered under the envelope's protocol name.
 */
public final class Transport {
  public static final String ENDPOINT_NAME = "transport";
  private static final Logger log = LoggerFactory.getLogger(Transport.class);

  private final ActorSystem<?> system;
  private final PeerDirectory peers;
  private final TransportMetrics metrics;
  private final Random random;
  private final Map<String, ActorRef<Envelope>> endpoints;
  private final Map<String, ActorRef<Object>> receivers = new ConcurrentHashMap<>();
  private final List<Consumer<FaultPlan>> planListeners = new CopyOnWriteArrayList<>();
  private volatile FaultPlan plan = FaultPlan.NONE;

  private Transport(ActorSystem<?> system, PeerDirectory peers, Metrics metrics, long seed) {
    this.system = system;
    this.peers = peers;
    this.metrics = new TransportMetrics(metrics);
    this.random = new Random(seed);
    ActorRefResolver resolver = ActorRefResolver.get(system);
    this.endpoints = peers.others().stream().collect(Collectors.toUnmodifiableMap(Peer::id,
        p -> resolver.resolveActorRef(p.akkaAddress(system.name()) + "/user/" + ENDPOINT_NAME)));
  }

  /** Creates the node's Transport and spawns its endpoint as a child of {@code context}'s actor. */
  public static Transport start(ActorContext<?> context, PeerDirectory peers, Metrics metrics, long seed) {
    if (!context.getSystem().name().equals(PeerDirectory.SYSTEM_NAME)) {
      throw new IllegalStateException("the actor system must be named " + PeerDirectory.SYSTEM_NAME);
    }
    Transport transport = new Transport(context.getSystem(), peers, metrics, seed);
    context.spawn(transport.endpoint(), ENDPOINT_NAME);
    return transport;
  }

  private Behavior<Envelope> endpoint() {
    return Behaviors.receiveMessage(envelope -> {
      receive(envelope);
      return Behaviors.same();
    });
  }

  public String selfId() {
    return peers.selfId();
  }

  public PeerDirectory peers() {
    return peers;
  }

  /** Registers the actor that receives the payloads addressed to {@code protocol} on this node. */
  @SuppressWarnings("unchecked")
  public void register(String protocol, ActorRef<?> receiver) {
    ActorRef<Object> previous = receivers.putIfAbsent(protocol, (ActorRef<Object>) receiver);
    if (previous != null && !previous.equals(receiver)) {
      throw new IllegalStateException("protocol " + protocol + " already has a receiver: " + previous);
    }
  }

  /** Sends {@code message} to the actor of {@code protocol} on node {@code to}, subject to the fault plan. */
  public void send(String to, String protocol, Object message) {
    if (!peers.contains(to)) {
      throw new IllegalArgumentException("unknown node " + to + "; known: " + peers.ids());
    }
    Fate fate;
    synchronized (random) {
      fate = plan.decide(peers.selfId(), to, random);
    }
    if (fate.isDropped()) {
      metrics.dropped(to, message, fate.dropReason());
      return;
    }
    Envelope envelope = new Envelope(peers.selfId(), to, protocol, message);
    for (long delayMs : fate.delaysMs()) {
      metrics.sent(to, message);
      if (delayMs == 0) {
        dispatch(envelope);
      } else {
        system.scheduler().scheduleOnce(Duration.ofMillis(delayMs), () -> dispatch(envelope), system.executionContext());
      }
    }
  }

  /** Sends {@code message} to {@code protocol} on every other node. */
  public void broadcast(String protocol, Object message) {
    for (Peer p : peers.others()) {
      send(p.id(), protocol, message);
    }
  }

  private void dispatch(Envelope envelope) {
    if (envelope.to().equals(peers.selfId())) {
      receive(envelope);
    } else {
      endpoints.get(envelope.to()).tell(envelope);
    }
  }

  private void receive(Envelope envelope) {
    String from = envelope.from();
    if (!peers.selfId().equals(envelope.to()) || !peers.contains(from)) {
      metrics.dropped(from, envelope.payload(), "misaddressed");
      log.warn("dropped a {} from {} addressed to {}: this is node {} of {}", TransportMetrics.typeOf(envelope.payload()),
          from, envelope.to(), peers.selfId(), peers.ids());
      return;
    }
    if (!plan.reachable(from, peers.selfId())) {
      metrics.dropped(from, envelope.payload(), "partition-inbound");
      return;
    }
    ActorRef<Object> receiver = receivers.get(envelope.protocol());
    if (receiver == null) {
      metrics.dropped(from, envelope.payload(), "no-receiver");
      return;
    }
    metrics.received(from, envelope.payload());
    receiver.tell(envelope.payload());
  }

  public FaultPlan faultPlan() {
    return plan;
  }

  /** Replaces the fault plan; takes effect for the next message sent or received. */
  public void setFaultPlan(FaultPlan newPlan) {
    this.plan = newPlan;
    log.info("fault plan of {} is now {}", peers.selfId(), newPlan.isNone() ? "none" : newPlan);
    planListeners.forEach(l -> l.accept(newPlan));
  }

  public void onFaultPlanChange(Consumer<FaultPlan> listener) {
    planListeners.add(listener);
  }
}
