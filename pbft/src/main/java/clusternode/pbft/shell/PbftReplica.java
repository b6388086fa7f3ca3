package clusternode.pbft.shell;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import clusternode.pbft.core.Byzantine;
import clusternode.pbft.core.Executed;
import clusternode.pbft.core.Outbound;
import clusternode.pbft.core.PbftClient;
import clusternode.pbft.core.PbftCore;
import clusternode.pbft.core.PbftMessage;
import clusternode.pbft.core.PbftStatus;
import clusternode.pbft.core.Ready;
import clusternode.pbft.core.Recovered;
import clusternode.protocols.statemachine.StateMachines;
import clusternode.protocols.transport.Transport;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;

/**
 * A PBFT replica and this node's PBFT client, as one actor: a thin shell around {@link PbftCore}
 * and {@link PbftClient}. It owns the tick timer, the disk ({@link PbftStorage}) and the
 * Transport. For each {@link Ready}: persist, then send, then hand results to the waiting callers
 * (etcd's Ready contract). A Ready with records goes to the disk thread ({@link PbftDiskWriter}),
 * which group-commits whatever is queued with one fsync and only then sends that Ready's messages;
 * a Ready without records (or with only commit records, {@link #promisesNothing}) is sent at once
 * unless earlier ones are still on their way to disk (its messages, e.g. a retransmitted prepare,
 * may rest on them). Work is drained once the mailbox
 * has been worked through ({@link Flush}), so many requests share one pre-prepare.
 */
public final class PbftReplica extends AbstractBehavior<PbftReplica.Command> {
  public static final String NAME = "pbft";

  public sealed interface Command {}

  /** Orders {@code command} for {@code machine} (read-only: a query executed in order, i.e. linearizable). */
  public record Submit(String machine, byte[] command, boolean readOnly, ActorRef<Outcome> replyTo) implements Command {}

  /** A query of this replica's state as executed so far (may be stale). */
  public record QueryLocal(String machine, byte[] query, ActorRef<Outcome> replyTo) implements Command {}

  public record GetStatus(ActorRef<PbftStatus> replyTo) implements Command {}

  public record SetByzantine(Byzantine mode, ActorRef<PbftStatus> replyTo) implements Command {}

  private record Inbound(Object payload) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private enum Flush implements Command { INSTANCE }

  /** The disk thread made {@code what} durable and sent its messages. */
  private record Persisted(PbftDiskWriter.Persisted what) implements Command {}

  /** The local replica's reply (a Reply or Replies) to the local client, sent by the disk thread after the fsync. */
  private record LocalReply(PbftMessage reply) implements Command {}

  private record DiskFailed(Exception cause) implements Command {}

  private record Waiting(Submit submit, long deadlineTick, long startedNanos) {}

  private final Transport transport;
  private final PbftSettings settings;
  private final PbftStorage storage;
  private final PbftMetrics metrics;
  private final StateMachines machines;
  private final PbftCore core;
  private final PbftClient client;
  private final PbftDiskWriter disk;
  /** Our own address, for the disk thread, which must not touch the actor context. */
  private final ActorRef<Command> selfRef;
  /** Readys handed to the disk thread and not yet reported persisted. */
  private long onTheWayToDisk;
  private final Map<Long, Waiting> inFlight = new HashMap<>();
  private final Deque<Waiting> queued = new ArrayDeque<>();
  private volatile PbftStatus published;
  private long ticks;
  private long lastTickNanos = System.nanoTime();
  /** After a stall, at most this many ticks at once: a pause must not expire view change timers by itself. */
  private static final long MAX_TICKS_PER_FIRE = 3;
  private boolean flushScheduled;

  private PbftReplica(ActorContext<Command> context, Transport transport, PbftSettings settings, PbftStorage storage,
      Recovered recovered, StateMachines machines, PbftMetrics metrics) {
    super(context);
    this.transport = transport;
    this.settings = settings;
    this.storage = storage;
    this.metrics = metrics;
    this.machines = machines;
    String self = transport.selfId();
    Ed25519Crypto crypto = new Ed25519Crypto(settings.privateKey(), settings.publicKeys());
    this.core = new PbftCore(settings.core(), self, crypto, new MachinesApp(machines),
        new Random(self.hashCode() * 0x9E3779B97F4A7C15L ^ System.nanoTime()), recovered);
    // Timestamps from the wall clock (microseconds): a restarted node never reuses one.
    this.client = new PbftClient(self, settings.core(), crypto, settings.clientRetransmitTicks(),
        System.currentTimeMillis() * 1000);
    this.published = core.status();
    metrics.watch(() -> published);
    metrics.watchCrypto(crypto, storage);
    this.selfRef = context.getSelf();
    this.disk = new PbftDiskWriter("pbft-disk-" + self, storage, this::sendAll,
        p -> selfRef.tell(new Persisted(p)), e -> selfRef.tell(new DiskFailed(e)));
    transport.register(NAME, context.messageAdapter(Object.class, Inbound::new));
    context.getLog().info("pbft {} recovered: view {}, checkpoint {}, {} log records, executed up to {}", self,
        core.view(), recovered.checkpoint() == null ? 0 : recovered.checkpoint().seq(), recovered.records().size(),
        core.lastExecuted());
    scheduleFlush();
  }

  /**
   * @param recovered what {@code storage.recover()} returned; read before spawning so a corrupt
   *     disk stops the node at start-up with one line, not later inside the actor
   */
  public static Behavior<Command> create(Transport transport, PbftSettings settings, PbftStorage storage,
      Recovered recovered, StateMachines machines, PbftMetrics metrics) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tick());
      return new PbftReplica(context, transport, settings, storage, recovered, machines, metrics);
    }));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Inbound.class, this::onInbound)
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(QueryLocal.class, this::onQueryLocal)
        .onMessage(GetStatus.class, m -> {
          m.replyTo().tell(core.status());
          return this;
        })
        .onMessage(SetByzantine.class, this::onSetByzantine)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(Flush.INSTANCE, this::onFlush)
        .onMessage(Persisted.class, this::onPersisted)
        .onMessage(LocalReply.class, m -> {
          onReplyMessage(m.reply());
          scheduleFlush();
          return this;
        })
        .onMessage(DiskFailed.class, f -> fatal(f.cause()))
        .onSignal(akka.actor.typed.PostStop.class, s -> {
          disk.close();
          return this;
        })
        .build();
  }

  private Behavior<Command> onInbound(Inbound in) {
    if (in.payload() instanceof PbftMessage.Reply || in.payload() instanceof PbftMessage.Replies) {
      onReplyMessage((PbftMessage) in.payload());
    } else if (in.payload() instanceof PbftMessage m) {
      core.step(m);
    } else {
      metrics.rejected("malformed");
    }
    scheduleFlush();
    return this;
  }

  private Behavior<Command> onSubmit(Submit s) {
    Waiting w = new Waiting(s, ticks + settings.requestTimeout().toMillis() / settings.tick().toMillis(), System.nanoTime());
    if (!machines.has(s.machine())) {
      s.replyTo().tell(Outcome.failure("no state machine named " + s.machine()));
      return this;
    }
    if (!start(w)) {
      if (queued.size() >= settings.maxWaitingRequests()) {
        s.replyTo().tell(Outcome.overloaded("too many requests waiting (" + queued.size()
            + ", cluster-node.pbft.max-waiting-requests); nothing was sent, retry later"));
        return this;
      }
      queued.add(w);
    }
    scheduleFlush();
    return this;
  }

  private boolean start(Waiting w) {
    long handle = client.submit(StateMachines.encode(w.submit().machine(), w.submit().command()), w.submit().readOnly());
    if (handle < 0) {
      return false;
    }
    inFlight.put(handle, w);
    return true;
  }

  private Behavior<Command> onQueryLocal(QueryLocal q) {
    if (!machines.has(q.machine())) {
      q.replyTo().tell(Outcome.failure("no state machine named " + q.machine()));
    } else {
      q.replyTo().tell(Outcome.success(core.queryLocal(StateMachines.encode(q.machine(), q.query()))));
    }
    return this;
  }

  private Behavior<Command> onSetByzantine(SetByzantine m) {
    getContext().getLog().warn("pbft {} now behaves as {}", transport.selfId(), m.mode().label());
    core.setByzantine(m.mode());
    m.replyTo().tell(core.status());
    return this;
  }

  /**
   * Turns wall-clock time into core ticks, as Raft's shell does: Akka's timer fires late by up to
   * its scheduler's resolution (10 ms, the tick itself), so counting fires stretched every PBFT
   * timeout about twofold (a view change took 9 s instead of 4-5 s); counting elapsed intervals
   * keeps logical time close to real time.
   */
  private Behavior<Command> onTick() {
    long now = System.nanoTime();
    long tickNanos = settings.tick().toNanos();
    long due = (now - lastTickNanos) / tickNanos;
    long n = Math.max(1, Math.min(due, MAX_TICKS_PER_FIRE));
    lastTickNanos = due > MAX_TICKS_PER_FIRE ? now : lastTickNanos + n * tickNanos;
    for (long i = 0; i < n; i++) {
      ticks++;
      core.tick();
      client.tick();
    }
    for (Iterator<Map.Entry<Long, Waiting>> it = inFlight.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Waiting> e = it.next();
      if (ticks >= e.getValue().deadlineTick()) {
        it.remove();
        client.cancel(e.getKey());
        metrics.timedOut();
        e.getValue().submit().replyTo().tell(Outcome.failure("no f+1 matching replies within "
            + settings.requestTimeout().toMillis() + "ms (view " + core.view() + "); the outcome is unknown"));
      }
    }
    while (!queued.isEmpty() && ticks >= queued.peekFirst().deadlineTick()) {
      metrics.timedOut();
      queued.pollFirst().submit().replyTo().tell(Outcome.failure("timed out waiting for a free client session"));
    }
    startQueued();
    drain();
    return this;
  }

  private Behavior<Command> onFlush() {
    flushScheduled = false;
    drain();
    return this;
  }

  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      getContext().getSelf().tell(Flush.INSTANCE);
    }
  }

  private void onReplyMessage(PbftMessage message) {
    int rejectedBefore = client.rejectedReplies();
    java.util.List<PbftClient.Completed> completed;
    if (message instanceof PbftMessage.Replies replies) {
      completed = client.onReplies(replies);
    } else {
      PbftClient.Completed done = client.onReply((PbftMessage.Reply) message);
      completed = done == null ? java.util.List.of() : java.util.List.of(done);
    }
    if (client.rejectedReplies() > rejectedBefore) {
      metrics.rejected("bad-reply");
    }
    for (PbftClient.Completed done : completed) {
      Waiting w = inFlight.remove(done.handle());
      if (w != null) {
        metrics.completed(System.nanoTime() - w.startedNanos());
        w.submit().replyTo().tell(Outcome.success(done.result()));
      }
    }
    if (!completed.isEmpty()) {
      startQueued();
    }
  }

  private void startQueued() {
    while (!queued.isEmpty() && start(queued.peekFirst())) {
      queued.pollFirst();
    }
  }

  /** The Ready loop: the client's requests to the local replica, then persist, send, observe; until quiet. */
  private void drain() {
    for (int round = 0; round < 64; round++) {
      boolean local = false;
      client.localReplicaView(core.view());
      for (Outbound o : client.drainOutbox()) {
        if (o.to().equals(transport.selfId())) {
          core.step(o.message());
          local = true;
        } else {
          transport.send(o.to(), NAME, o.message());
        }
      }
      Ready rd = core.ready();
      if (rd.isEmpty() && !local) {
        break;
      }
      if (onTheWayToDisk == 0 && promisesNothing(rd)) {
        sendAll(rd.messages()); // nothing older is still unwritten, and these records back no message
        if (!rd.records().isEmpty()) {
          onTheWayToDisk++;
          disk.submit(new Ready(java.util.List.of(), rd.records(), null, java.util.List.of(), java.util.List.of()));
        }
      } else {
        onTheWayToDisk++;
        disk.submit(rd);
      }
      for (Executed e : rd.executed()) {
        metrics.executed(e.batch().size());
      }
      rd.rejected().forEach(metrics::rejected);
    }
    published = core.status();
  }

  /**
   * Whether a Ready's messages may leave before its records are durable: when it logs nothing but
   * {@link LogRecord.Committed} records. Those speed up recovery but back no promise: a replica
   * commits (and replies) only after 2f+1 commits, each sent after its sender's prepared
   * certificate was durable, so f+1 correct replicas keep the certificate through any crash and a
   * view change or the status exchange re-commits the batch (Castro and Liskov §4.4, §4.5). This
   * takes one fsync out of the four a lone request waits for (the backups' reply no longer waits
   * for the commit record). Everything else keeps PBFT's rule: log, then send.
   */
  private static boolean promisesNothing(Ready rd) {
    if (rd.stableCheckpoint() != null) {
      return false;
    }
    for (clusternode.pbft.core.LogRecord r : rd.records()) {
      if (!(r instanceof clusternode.pbft.core.LogRecord.Committed)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Sends a Ready's messages; called on the actor thread or, after the fsync, on the disk thread.
   * The local replica's replies to the local client come back to the actor as {@link LocalReply}.
   */
  private void sendAll(java.util.List<Outbound> messages) {
    for (Outbound o : messages) {
      String node = o.to().contains("/") ? settings.core().clientNode(o.to()) : o.to();
      if (node == null) {
        continue;
      }
      if (node.equals(transport.selfId())
          && (o.message() instanceof PbftMessage.Reply || o.message() instanceof PbftMessage.Replies)) {
        selfRef.tell(new LocalReply(o.message()));
      } else {
        transport.send(node, NAME, o.message());
      }
    }
  }

  private Behavior<Command> onPersisted(Persisted p) {
    onTheWayToDisk -= p.what().readies();
    if (p.what().records() > 0) {
      metrics.persisted(p.what().nanos(), p.what().readies(), p.what().records());
    }
    return this;
  }

  private Behavior<Command> fatal(Exception cause) {
    // A replica that cannot keep its promises must stop rather than send them.
    getContext().getLog().error("pbft {} stops the node: its log cannot be written: {}", transport.selfId(),
        cause.getMessage(), cause);
    inFlight.values().forEach(w -> w.submit().replyTo().tell(Outcome.failure("the node is stopping; outcome unknown")));
    inFlight.clear();
    queued.forEach(w -> w.submit().replyTo().tell(Outcome.failure("the node is stopping")));
    queued.clear();
    akka.actor.CoordinatedShutdown.get(akka.actor.typed.javadsl.Adapter.toClassic(getContext().getSystem()))
        .runAll(new PbftStorageFailure());
    return Behaviors.stopped();
  }

  /** The shutdown reason when the PBFT disk fails: the node must not go on without it. */
  public static final class PbftStorageFailure implements akka.actor.CoordinatedShutdown.Reason {}
}
