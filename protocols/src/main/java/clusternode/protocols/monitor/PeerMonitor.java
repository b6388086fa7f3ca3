package clusternode.protocols.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import clusternode.protocols.CborSerializable;
import clusternode.protocols.metrics.Metrics;
import clusternode.protocols.monitor.core.PeerMonitorCore;
import clusternode.protocols.monitor.core.PeerStatus;
import clusternode.protocols.monitor.core.PeerView;
import clusternode.protocols.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Probes every peer through the Transport and keeps reachability and round-trip times. It is the
 * node's first protocol actor: its probes obey the fault plan like any protocol message, so a
 * partition shows here exactly as Raft or gossip would feel it.
 */
public final class PeerMonitor extends AbstractBehavior<PeerMonitor.Command> {
  public static final String NAME = "peer-monitor";

  public sealed interface Command {}

  /** A probe from {@code from}; answered at once with a {@link ProbeAck}. */
  public record Probe(String from, long seq) implements Command, CborSerializable {}

  /** The answer to probe {@code seq}, with the answering node's own reachability row. */
  public record ProbeAck(String from, long seq, Map<String, Boolean> reaches) implements Command, CborSerializable {}

  /** Asks for the current view; the answer is a {@link Report}. */
  public record GetReport(ActorRef<Report> replyTo) implements Command {}

  /** The node's view of its peers and the matrix their answers reported. */
  public record Report(String self, List<PeerView> peers, Map<String, Map<String, Boolean>> matrix) {}

  private enum ProbeTick implements Command { INSTANCE }

  private final Transport transport;
  private final PeerMonitorCore core;
  private final Map<String, PeerStatus> lastStatus = new ConcurrentHashMap<>();

  private PeerMonitor(ActorContext<Command> context, Transport transport, PeerMonitorSettings settings, Metrics metrics) {
    super(context);
    this.transport = transport;
    this.core = new PeerMonitorCore(transport.selfId(), transport.peers().ids(),
        settings.unreachableAfter().toNanos(), settings.rttWindow());
    transport.register(NAME, context.getSelf());
    for (String peer : transport.peers().ids()) {
      if (!peer.equals(transport.selfId())) {
        lastStatus.put(peer, PeerStatus.UNKNOWN);
        metrics.gauge("peer_reachable", "1 if the peer answered probes lately, else 0",
            () -> lastStatus.get(peer) == PeerStatus.REACHABLE ? 1 : 0, "peer", peer);
      }
    }
  }

  public static Behavior<Command> create(Transport transport, PeerMonitorSettings settings, Metrics metrics) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(ProbeTick.INSTANCE, Duration.ZERO, settings.probeInterval());
      return new PeerMonitor(context, transport, settings, metrics);
    }));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ProbeTick.class, t -> onProbeTick())
        .onMessage(Probe.class, this::onProbe)
        .onMessage(ProbeAck.class, this::onProbeAck)
        .onMessage(GetReport.class, this::onGetReport)
        .build();
  }

  private Behavior<Command> onProbeTick() {
    long now = System.nanoTime();
    for (PeerMonitorCore.ProbeOut probe : core.probeRound(now)) {
      transport.send(probe.to(), NAME, new Probe(transport.selfId(), probe.seq()));
    }
    noteStatusChanges(now);
    return this;
  }

  private Behavior<Command> onProbe(Probe probe) {
    transport.send(probe.from(), NAME, new ProbeAck(transport.selfId(), probe.seq(), core.row(System.nanoTime())));
    return this;
  }

  private Behavior<Command> onProbeAck(ProbeAck ack) {
    long now = System.nanoTime();
    core.onAck(ack.from(), ack.seq(), ack.reaches(), now);
    noteStatusChanges(now);
    return this;
  }

  private Behavior<Command> onGetReport(GetReport get) {
    long now = System.nanoTime();
    List<PeerView> views = core.views(now);
    Map<String, Map<String, Boolean>> matrix = new java.util.TreeMap<>();
    matrix.put(transport.selfId(), core.row(now));
    for (PeerView v : views) {
      matrix.put(v.id(), v.reaches());
    }
    get.replyTo().tell(new Report(transport.selfId(), views, matrix));
    return this;
  }

  private void noteStatusChanges(long now) {
    for (String peer : lastStatus.keySet()) {
      PeerStatus status = core.status(peer, now);
      PeerStatus before = lastStatus.put(peer, status);
      if (before != status && status != PeerStatus.UNKNOWN) {
        getContext().getLog().info("peer {} is now {} (was {})", peer, status.json(), before.json());
      }
    }
  }
}
