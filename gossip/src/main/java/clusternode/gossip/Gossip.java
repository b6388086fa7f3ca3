package clusternode.gossip;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import clusternode.gossip.core.AntiEntropyCore;
import clusternode.gossip.core.MemberStatus;
import clusternode.gossip.core.MemberUpdate;
import clusternode.gossip.core.Outbound;
import clusternode.gossip.core.SwimCore;
import clusternode.gossip.core.SwimMessage;
import clusternode.gossip.core.SyncMessage;
import clusternode.gossip.core.Versioned;
import clusternode.gossip.crdt.Crdt;
import clusternode.gossip.crdt.MVRegister;
import clusternode.gossip.crdt.ORSet;
import clusternode.gossip.crdt.PNCounter;
import clusternode.protocols.metrics.Metrics;
import clusternode.protocols.peers.PeerDirectory;
import clusternode.protocols.transport.Transport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The gossip protocol's actor: owns the tick timer, feeds the SWIM and anti-entropy cores, sends
 * what they say through the Transport under protocol name {@value #NAME}, and answers the HTTP
 * layer. All decisions are in the cores ({@code clusternode.gossip.core}).
 *
 * <p>Its message type is {@code Object}: it receives the cores' wire records
 * ({@link SwimMessage}, {@link SyncMessage}) directly as the Transport delivers them (so transport
 * metrics name each message type), plus its own {@link Command}s.
 */
public final class Gossip extends AbstractBehavior<Object> {
  public static final String NAME = "gossip";

  /** What the node (HTTP routes, tests) may ask of the gossip actor. */
  public sealed interface Command {}

  /** A CRDT update to make here and replicate; the reply comes when {@code w} replicas hold it. */
  public record Write(String key, Op op, int w, ActorRef<Result> replyTo) implements Command {}

  /** A read that merges the states of {@code r} replicas (this one included). */
  public record Read(String key, int r, ActorRef<Result> replyTo) implements Command {}

  public record GetMembers(ActorRef<MembersReport> replyTo) implements Command {}

  public record GetConvergence(ActorRef<ConvergenceReport> replyTo) implements Command {}

  /** Leaves the membership gracefully (as on shutdown); the actor then stays silent. */
  public record Leave(ActorRef<Boolean> replyTo) implements Command {}

  /** An update of one CRDT, made against this replica's current state. */
  public sealed interface Op {}

  public record CounterAdd(long delta) implements Op {}

  public record SetAdd(String element) implements Op {}

  public record SetRemove(String element) implements Op {}

  public record RegisterWrite(String value) implements Op {}

  /** The outcome of a read or write: {@code ok} if {@code needed} replicas answered in time. */
  /** @param busy refused at once: too many requests wait for replicas on this node (nothing changed) */
  public record Result(boolean ok, int answered, int needed, int replicas, Versioned state, String error, boolean busy) {}

  public record Member(String id, String status, long incarnation, long lastHeardMsAgo) {}

  public record MembersReport(String self, long incarnation, int localHealth, List<Member> members) {}

  /** Per key, the members that hold the newest version this node knows of. */
  public record ConvergenceReport(String self, Map<String, List<String>> holders, List<String> members,
      long lastConvergenceMs) {}

  private enum Tick { INSTANCE }

  private final Transport transport;
  private final PeerDirectory peers;
  private final GossipSettings settings;
  private final SwimCore swim;
  private final AntiEntropyCore store;
  private final Serialization serialization;
  private final GossipMetrics metrics;
  private final Map<Long, ActorRef<Result>> waiting = new HashMap<>();
  private long nextRequestId = 1;
  private boolean left;

  private Gossip(ActorContext<Object> context, Transport transport, GossipSettings settings, Metrics metrics, long seed) {
    super(context);
    this.transport = transport;
    this.peers = transport.peers();
    this.settings = settings;
    Random random = new Random(seed);
    this.swim = new SwimCore(peers.selfId(), peers.ids(), 0, settings.swim(), random);
    // a replica id per process life: a restarted node never reuses the counts and dots of its former life
    String replicaId = peers.selfId() + "." + Long.toString(System.currentTimeMillis(), 36);
    this.store = new AntiEntropyCore(peers.selfId(), replicaId, settings.antiEntropyTicks(), settings.limits(),
        new Random(random.nextLong()));
    this.serialization = SerializationExtension.get(context.getSystem());
    this.metrics = new GossipMetrics(metrics, peers, swim, store, settings);
    transport.register(NAME, context.getSelf());
    context.getLog().info("gossip {} started as replica {} with seeds {}", peers.selfId(), replicaId, peers.ids());
  }

  /**
   * The gossip actor. Should it ever fail, it restarts with fresh cores, as a restarted process
   * would: it rejoins through the seeds and gets the CRDT state back by anti-entropy.
   */
  public static Behavior<Object> create(Transport transport, GossipSettings settings, Metrics metrics, long seed) {
    return Behaviors.supervise(Behaviors.<Object>setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tickInterval());
      return new Gossip(context, transport, settings, metrics, seed);
    }))).onFailure(SupervisorStrategy.restart());
  }

  @Override
  public Receive<Object> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(SwimMessage.class, this::onSwim)
        .onMessage(SyncMessage.class, this::onSync)
        .onMessage(Write.class, this::onWrite)
        .onMessage(Read.class, this::onRead)
        .onMessage(GetMembers.class, this::onGetMembers)
        .onMessage(GetConvergence.class, this::onGetConvergence)
        .onMessage(Leave.class, this::onLeave)
        .build();
  }

  private Behavior<Object> onTick() {
    if (!left) {
      swim.tick();
      store.tick(swim.aliveOthers());
      flush();
    }
    return this;
  }

  private Behavior<Object> onSwim(SwimMessage message) {
    if (!knownIds(message)) {
      metrics.rejected("unknown-member");
      return this;
    }
    swim.receive(message);
    flush();
    return this;
  }

  private Behavior<Object> onSync(SyncMessage message) {
    long before = store.rejected();
    store.receive(message);
    if (store.rejected() > before) {
      metrics.rejected("crdt-mismatch-or-full");
    }
    flush();
    return this;
  }

  /** Membership facts must name configured nodes: anything else is malformed, dropped and counted. */
  private boolean knownIds(SwimMessage message) {
    List<MemberUpdate> updates = message instanceof SwimMessage.Ping p ? p.gossip()
        : message instanceof SwimMessage.Ack a ? a.gossip()
        : message instanceof SwimMessage.PingReq r ? r.gossip()
        : message instanceof SwimMessage.Gossip g ? g.gossip()
        : message instanceof SwimMessage.Sync s ? s.members() : List.of();
    if (updates == null || (message instanceof SwimMessage.PingReq r && !peers.contains(r.target()))) {
      return false;
    }
    for (MemberUpdate u : updates) {
      if (u == null || !peers.contains(u.id()) || !peers.contains(u.by())) {
        return false;
      }
    }
    return true;
  }

  private Behavior<Object> onWrite(Write w) {
    Versioned current = store.get(w.key());
    Crdt<?> delta;
    try {
      delta = delta(current, w.op());
    } catch (ClassCastException e) {
      w.replyTo().tell(failure(w.w(), w.key() + " holds another CRDT type"));
      return this;
    } catch (ArithmeticException | IllegalArgumentException e) {
      w.replyTo().tell(failure(w.w(), "cannot apply to " + w.key() + ": " + e.getMessage()));
      return this;
    }
    long id = nextRequestId++;
    try {
      store.write(id, w.key(), delta, swim.notDeadOthers(), w.w(), settings.requestTimeoutTicks());
    } catch (AntiEntropyCore.Busy e) {
      w.replyTo().tell(busy(w.w(), e.getMessage()));
      return this;
    } catch (IllegalArgumentException | IllegalStateException | ArithmeticException e) {
      w.replyTo().tell(failure(w.w(), e.getMessage()));
      return this;
    }
    waiting.put(id, w.replyTo());
    metrics.wrote(w.key(), store.get(w.key()));
    flush();
    return this;
  }

  private Crdt<?> delta(Versioned current, Op op) {
    String replica = store.replicaId();
    Crdt<?> data = current == null ? null : current.data();
    if (op instanceof CounterAdd a) {
      return (data == null ? PNCounter.EMPTY : (PNCounter) data).addDelta(replica, a.delta());
    } else if (op instanceof SetAdd a) {
      return (data == null ? ORSet.EMPTY : (ORSet) data).addDelta(replica, a.element());
    } else if (op instanceof SetRemove r) {
      return (data == null ? ORSet.EMPTY : (ORSet) data).removeDelta(r.element());
    } else {
      return (data == null ? MVRegister.EMPTY : (MVRegister) data).writeDelta(replica, ((RegisterWrite) op).value());
    }
  }

  private Behavior<Object> onRead(Read r) {
    long id = nextRequestId++;
    try {
      store.read(id, r.key(), swim.notDeadOthers(), r.r(), settings.requestTimeoutTicks());
    } catch (AntiEntropyCore.Busy e) {
      r.replyTo().tell(busy(r.r(), e.getMessage()));
      return this;
    } catch (IllegalStateException e) {
      r.replyTo().tell(failure(r.r(), e.getMessage()));
      return this;
    }
    waiting.put(id, r.replyTo());
    flush();
    return this;
  }

  private Result failure(int needed, String error) {
    return new Result(false, 0, needed, peers.ids().size(), null, error, false);
  }

  private Result busy(int needed, String error) {
    return new Result(false, 0, needed, peers.ids().size(), null, error, true);
  }

  private Behavior<Object> onGetMembers(GetMembers get) {
    long now = swim.tickCount();
    long tickMs = settings.tickInterval().toMillis();
    List<Member> out = new ArrayList<>();
    for (SwimCore.MemberView m : swim.members()) {
      out.add(new Member(m.id(), m.status().json(), m.incarnation(), (now - m.lastHeardTick()) * tickMs));
    }
    get.replyTo().tell(new MembersReport(peers.selfId(), swim.incarnation(), swim.stats().localHealth(), out));
    return this;
  }

  private Behavior<Object> onGetConvergence(GetConvergence get) {
    List<String> members = swim.members().stream()
        .filter(m -> m.status() == MemberStatus.ALIVE || m.status() == MemberStatus.SUSPECT)
        .map(SwimCore.MemberView::id).toList();
    long ticks = store.lastConvergenceTicks();
    get.replyTo().tell(new ConvergenceReport(peers.selfId(), store.holdersOfNewest(members), members,
        ticks < 0 ? -1 : ticks * settings.tickInterval().toMillis()));
    return this;
  }

  private Behavior<Object> onLeave(Leave leave) {
    swim.leave();
    flush();
    left = true;
    leave.replyTo().tell(true);
    return this;
  }

  private void flush() {
    for (SwimCore.Event e : swim.takeEvents()) {
      metrics.event(e);
      getContext().getLog().info("{}: member {} is now {} (was {}, incarnation {}, {})", peers.selfId(), e.id(), e.to().json(),
          e.from() == null ? "unknown" : e.from().json(), e.incarnation(), e.kind());
    }
    for (Outbound<SwimMessage> o : swim.takeOutbox()) {
      send(o.to(), o.message());
    }
    for (Outbound<SyncMessage> o : store.takeOutbox()) {
      send(o.to(), o.message());
    }
    for (AntiEntropyCore.Done d : store.takeDone()) {
      ActorRef<Result> replyTo = waiting.remove(d.requestId());
      if (replyTo != null) {
        replyTo.tell(new Result(d.ok(), d.answered(), d.needed(), peers.ids().size(), d.state(),
            d.ok() ? null : "only " + d.answered() + " of " + d.needed() + " replicas answered within "
                + settings.requestTimeout().toMillis() + " ms", false));
      }
    }
    metrics.sampled(swim, store);
  }

  private void send(String to, Object message) {
    if (!peers.contains(to) || to.equals(peers.selfId())) {
      metrics.rejected("unknown-destination");
      return;
    }
    metrics.sent(to, sizeOf(message));
    transport.send(to, NAME, message);
  }

  private int sizeOf(Object message) {
    try {
      return serialization.findSerializerFor(message).toBinary(message).length;
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
