package clusternode.raft.shell;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import clusternode.protocols.CborSerializable;
import clusternode.protocols.statemachine.Replicated.ReadConsistency;
import clusternode.protocols.statemachine.StateMachines;
import clusternode.protocols.transport.Transport;
import clusternode.raft.core.Entry;
import clusternode.raft.core.EntryType;
import clusternode.raft.core.Proposal;
import clusternode.raft.core.RaftCore;
import clusternode.raft.core.RaftMessage;
import clusternode.raft.core.ReadState;
import clusternode.raft.core.Ready;
import clusternode.raft.core.RecoveredState;
import clusternode.raft.core.RejectedRead;
import clusternode.raft.core.Role;
import clusternode.raft.core.SoftState;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The Raft server's actor: a thin shell around {@link RaftCore}. It owns the tick timer, the disk
 * ({@link RaftStorage}) and the Transport, and for each {@link Ready} it sends what may go before
 * the fsync, persists with one fsync, sends the rest, applies committed entries, serves reads,
 * then tells the core it is done (etcd's Ready contract).
 *
 * <p>Batching: requests and peer messages only feed the core; the Ready is drained once the
 * mailbox has been worked through ({@link Flush}), so many requests share one fsync.
 */
public final class RaftServer extends AbstractBehavior<RaftServer.Command> {
  public static final String NAME = "raft";

  public sealed interface Command {}

  /** Order {@code command} for {@code machine}; {@code clientId} empty means no session. */
  public record Submit(String machine, byte[] command, String clientId, long seq, ActorRef<Outcome> replyTo)
      implements Command {}

  /** A read-only query of {@code machine}. */
  public record Query(String machine, byte[] query, ReadConsistency consistency, ActorRef<Outcome> replyTo)
      implements Command {}

  public record GetStatus(ActorRef<RaftStatus> replyTo) implements Command {}

  /** Leadership transfer to {@code target} (dissertation §3.10); only the leader can. */
  public record TransferLeadership(String target, ActorRef<Outcome> replyTo) implements Command {}

  /** Adds {@code add} as a learner, or removes {@code remove}; one server at a time. */
  public record ChangeMembership(String add, String remove, ActorRef<Outcome> replyTo) implements Command {}

  /** A follower's client command, sent on to the leader. */
  public record ForwardedSubmit(String from, long requestId, byte[] entryData) implements Command, CborSerializable {}

  /** A follower's linearizable query, sent on to the leader. */
  public record ForwardedQuery(String from, long requestId, String machine, byte[] query)
      implements Command, CborSerializable {}

  /** The leader's answer to a forwarded request. */
  public record ForwardedReply(String from, long requestId, Outcome outcome) implements Command, CborSerializable {}

  private record Inbound(Object payload) implements Command {}

  private record Persisted(DiskWriter.Persisted what) implements Command {}

  private record DiskFailed(Exception cause) implements Command {}

  /** The snapshot thread serialized the state as of {@code index}. */
  private record SnapshotTaken(long index, byte[] data, long nanos) implements Command {}

  private record SnapshotFailed(long index, Exception cause) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private enum Flush implements Command { INSTANCE }

  private static final int EXPIRY_EVERY_TICKS = 10;
  private static final long MAX_TICKS_PER_FIRE = 3;

  private final Transport transport;
  private final RaftSettings settings;
  private final RaftStorage storage;
  private final DiskWriter disk;
  private final RaftMetrics metrics;
  private final RaftCore core;
  private final AppliedState state;
  private final Pending<Long> writes = new Pending<>();
  private final Pending<Long> reads = new Pending<>();
  private final Pending<Long> forwarded = new Pending<>();
  private final Map<Long, QueryTarget> readTargets = new TreeMap<>();
  private final Deque<ReadState> readsAwaitingApply = new ArrayDeque<>();
  /** Committed entries handed out by the core, applied in order unless a snapshot is being taken. */
  private final Deque<Entry> toApply = new ArrayDeque<>();
  private final java.util.concurrent.ExecutorService snapshotThread;
  /** The state is being serialized on {@link #snapshotThread}: nothing may change it until then. */
  private java.util.concurrent.Future<?> snapshotting;
  /** Local reads that came while {@link #snapshotting}: a machine may lock its state for the snapshot. */
  private final List<Runnable> localReadsAfterSnapshot = new ArrayList<>();
  /** Requests held until a leader is known, by request id; {@code leaderless} holds their deadlines. */
  private final Map<Long, Command> awaitingLeader = new LinkedHashMap<>();
  private final Pending<Long> leaderless = new Pending<>();
  private long nextRequestId = 1;
  private long ticks;
  private long lastTickNanos = System.nanoTime();
  private long snapshotIndex;
  /** Bytes of the entries applied since {@link #snapshotIndex}, for {@code snapshot-every-bytes}. */
  private long bytesSinceSnapshot;
  private boolean flushScheduled;

  private record QueryTarget(String machine, byte[] query) {}

  private RaftServer(ActorContext<Command> context, Transport transport, RaftSettings settings, RaftStorage storage,
      StateMachines machines, RaftMetrics metrics) throws IOException {
    super(context);
    this.transport = transport;
    this.settings = settings;
    this.storage = storage;
    this.metrics = metrics;
    this.state = new AppliedState(machines, settings.sessionMaxIdleEntries());
    RecoveredState recovered = storage.recover();
    if (recovered.snapshot() != null) {
      state.restore(recovered.snapshot().index(), recovered.snapshot().data());
      snapshotIndex = recovered.snapshot().index();
    }
    this.core = new RaftCore(settings.core(), transport.selfId(), recovered, new Random(seed(transport.selfId())));
    transport.register(NAME, context.messageAdapter(Object.class, Inbound::new));
    ActorRef<Command> self = context.getSelf();
    this.disk = new DiskWriter("raft-disk-" + transport.selfId(), storage, this::send,
        p -> self.tell(new Persisted(p)), e -> self.tell(new DiskFailed(e)));
    this.snapshotThread = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "raft-snapshot-" + transport.selfId());
      t.setDaemon(true);
      return t;
    });
    metrics.watch(core, writes::size, storage);
    context.getLog().info("raft {} recovered: term {}, log [{}, {}], snapshot at {}", transport.selfId(),
        recovered.hardState().term(), storage.logFirstIndex(), storage.logLastIndex(), snapshotIndex);
  }

  public static Behavior<Command> create(Transport transport, RaftSettings settings, RaftStorage storage,
      StateMachines machines, RaftMetrics metrics) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      // Fixed delay, not fixed rate: after a stall (GC, CPU) ticks must not burst and fire elections.
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tick());
      return new RaftServer(context, transport, settings, storage, machines, metrics);
    }));
  }

  private static long seed(String id) {
    return id.hashCode() * 0x9E3779B97F4A7C15L ^ System.nanoTime();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Tick.class, t -> onTick())
        .onMessage(Flush.class, f -> onFlush())
        .onMessage(Inbound.class, this::onInbound)
        .onMessage(Persisted.class, this::onPersisted)
        .onMessage(DiskFailed.class, f -> fatal("cannot write the Raft log: " + f.cause().getMessage(), f.cause()))
        .onMessage(SnapshotTaken.class, this::onSnapshotTaken)
        .onMessage(SnapshotFailed.class, this::onSnapshotFailed)
        .onSignal(akka.actor.typed.PostStop.class, s -> {
          snapshotThread.shutdownNow();
          disk.close();
          return this;
        })
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(Query.class, this::onQuery)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(TransferLeadership.class, this::onTransfer)
        .onMessage(ChangeMembership.class, this::onChangeMembership)
        .onMessage(ForwardedSubmit.class, this::onForwardedSubmit)
        .onMessage(ForwardedQuery.class, this::onForwardedQuery)
        .onMessage(ForwardedReply.class, this::onForwardedReply)
        .build();
  }

  // ---------------------------------------------------------------------------------------------
  // Time and peers

  /**
   * Turns wall-clock time into core ticks. Akka's timer fires late by up to its scheduler's
   * resolution, so counting fires would stretch every timeout; counting elapsed intervals keeps
   * logical time close to real time. After a long stall (GC, CPU starvation) at most
   * {@link #MAX_TICKS_PER_FIRE} ticks are taken: a pause must not fire an election by itself
   * before the leader's queued heartbeats are read.
   */
  private Behavior<Command> onTick() {
    long now = System.nanoTime();
    long due = (now - lastTickNanos) / settings.tick().toNanos();
    long n = Math.max(1, Math.min(due, MAX_TICKS_PER_FIRE));
    lastTickNanos = due > MAX_TICKS_PER_FIRE ? now : lastTickNanos + n * settings.tick().toNanos();
    for (long i = 0; i < n; i++) {
      core.tick();
      if (++ticks % EXPIRY_EVERY_TICKS == 0) {
        expireRequests();
      }
    }
    return drain();
  }

  private Behavior<Command> onFlush() {
    flushScheduled = false;
    return drain();
  }

  private Behavior<Command> onInbound(Inbound in) {
    Object payload = in.payload();
    if (payload instanceof RaftMessage m) {
      if (m.to().equals(transport.selfId()) && !m.from().equals(transport.selfId())) {
        core.step(m);
      }
      scheduleFlush();
    } else if (payload instanceof Command c) {
      getContext().getSelf().tell(c);
    }
    return this;
  }

  private Behavior<Command> onPersisted(Persisted p) {
    metrics.persisted(p.what().entries(), p.what().nanos());
    if (p.what().index() > 0) {
      core.persisted(p.what().index(), p.what().term());
    }
    return drain();
  }

  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      getContext().getSelf().tell(Flush.INSTANCE);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Client requests

  /**
   * Client requests waiting on this server: for commit, for a read, for the leader's answer or for
   * a leader. One bound, {@code max-pending-requests}, covers all of them.
   */
  private int pendingRequests() {
    return writes.size() + reads.size() + forwarded.size() + leaderless.size();
  }

  private Outcome overloaded() {
    return Outcome.overloaded(pendingRequests() + " requests wait on " + transport.selfId()
        + " (cluster-node.raft.max-pending-requests); nothing was proposed, retry later");
  }

  private Behavior<Command> onSubmit(Submit s) {
    byte[] entry;
    try {
      entry = new ClientCommand(s.clientId(), s.seq(), StateMachines.encode(s.machine(), s.command())).encode();
    } catch (IllegalArgumentException e) {
      s.replyTo().tell(Outcome.invalid("bad request: " + e.getMessage()));
      return this;
    }
    if (entry.length > settings.core().maxBytesPerAppend()) {
      // Larger entries could not cross the wire in one AppendEntries (cluster-node.transport.max-frame-bytes).
      s.replyTo().tell(Outcome.invalid("the command is " + entry.length + " bytes; this deployment's Raft carries up to "
          + settings.core().maxBytesPerAppend() + " (cluster-node.raft.max-bytes-per-append)"));
      return this;
    }
    Consumer<Outcome> reply = s.replyTo()::tell;
    if (core.role() == Role.LEADER) {
      propose(entry, reply);
    } else if (core.leaderId() != null) {
      forward(reply, id -> new ForwardedSubmit(transport.selfId(), id, entry));
    } else {
      waitForLeader(s, reply);
    }
    return this;
  }

  private void propose(byte[] entry, Consumer<Outcome> reply) {
    if (pendingRequests() >= settings.maxPendingRequests()) {
      reply.accept(overloaded());
      return;
    }
    Proposal p = core.propose(entry);
    if (p instanceof Proposal.Accepted a) {
      long now = System.nanoTime();
      writes.add(a.index(), new Pending.Waiter(a.term(), now, deadline(now), reply));
      scheduleFlush();
    } else {
      Proposal.Rejected r = (Proposal.Rejected) p;
      if (r.reason() == Proposal.Reason.TOO_LARGE) {
        reply.accept(Outcome.invalid("a command of " + entry.length + " bytes is larger than this deployment's Raft entries ("
            + settings.core().maxBytesPerAppend() + " bytes, cluster-node.raft.max-bytes-per-append)"));
        return;
      }
      if (r.reason() == Proposal.Reason.TOO_MANY_UNCOMMITTED) {
        reply.accept(Outcome.overloaded("too many uncommitted entries on " + transport.selfId()
            + " (cluster-node.raft.max-uncommitted-entries); nothing was proposed, retry later"));
        return;
      }
      reply.accept(Outcome.refused("not accepted by " + transport.selfId() + ": " + r.reason()
          + (r.leaderHint() != null ? " (leader " + r.leaderHint() + ")" : "")));
    }
  }

  private Behavior<Command> onQuery(Query q) {
    Consumer<Outcome> reply = q.replyTo()::tell;
    if (!state.machines().has(q.machine())) {
      reply.accept(Outcome.refused("no state machine " + q.machine()));
    } else if (q.consistency() == ReadConsistency.LOCAL) {
      Runnable read = () -> reply.accept(Outcome.success(state.machines().get(q.machine()).query(q.query())));
      if (snapshotting == null) {
        read.run();
      } else {
        localReadsAfterSnapshot.add(read);
      }
    } else if (core.role() == Role.LEADER) {
      startRead(q.machine(), q.query(), reply);
    } else if (core.leaderId() != null) {
      forward(reply, id -> new ForwardedQuery(transport.selfId(), id, q.machine(), q.query()));
    } else {
      waitForLeader(q, reply);
    }
    return this;
  }

  private void startRead(String machine, byte[] query, Consumer<Outcome> reply) {
    if (pendingRequests() >= settings.maxPendingRequests()) {
      reply.accept(overloaded());
      return;
    }
    long id = nextRequestId++;
    long now = System.nanoTime();
    reads.add(id, new Pending.Waiter(core.term(), now, deadline(now), reply));
    readTargets.put(id, new QueryTarget(machine, query));
    core.readIndex(id);
    scheduleFlush();
  }

  private void forward(Consumer<Outcome> reply, java.util.function.LongFunction<Command> message) {
    if (pendingRequests() >= settings.maxPendingRequests()) {
      reply.accept(overloaded());
      return;
    }
    long id = nextRequestId++;
    long now = System.nanoTime();
    forwarded.add(id, new Pending.Waiter(core.term(), now, deadline(now), reply, core.leaderId()));
    transport.send(core.leaderId(), NAME, message.apply(id));
  }

  /** No leader known yet: hold the request (bounded) until one is, or until its deadline. */
  private void waitForLeader(Command request, Consumer<Outcome> reply) {
    if (pendingRequests() >= settings.maxPendingRequests()) {
      reply.accept(overloaded());
      return;
    }
    long id = nextRequestId++;
    long now = System.nanoTime();
    awaitingLeader.put(id, request);
    // Held here only to expire it; a re-dispatched request answers through its own replyTo.
    leaderless.add(id, new Pending.Waiter(core.term(), now, deadline(now), outcome -> {
      if (awaitingLeader.remove(id) != null) {
        reply.accept(Outcome.refused("no leader elected within " + settings.requestTimeout().toMillis()
            + "ms: no quorum reachable from " + transport.selfId()));
      }
    }));
  }

  private Behavior<Command> onForwardedSubmit(ForwardedSubmit f) {
    Consumer<Outcome> reply = o -> transport.send(f.from(), NAME, new ForwardedReply(transport.selfId(), f.requestId(), o));
    if (core.role() != Role.LEADER) {
      reply.accept(Outcome.refused(transport.selfId() + " is no longer the leader; retry"));
    } else {
      propose(f.entryData(), reply);
    }
    return this;
  }

  private Behavior<Command> onForwardedQuery(ForwardedQuery f) {
    Consumer<Outcome> reply = o -> transport.send(f.from(), NAME, new ForwardedReply(transport.selfId(), f.requestId(), o));
    if (core.role() != Role.LEADER) {
      reply.accept(Outcome.refused(transport.selfId() + " is no longer the leader; retry"));
    } else if (!state.machines().has(f.machine())) {
      reply.accept(Outcome.refused("no state machine " + f.machine()));
    } else {
      startRead(f.machine(), f.query(), reply);
    }
    return this;
  }

  private Behavior<Command> onForwardedReply(ForwardedReply r) {
    Pending.Waiter w = forwarded.remove(r.requestId());
    if (w != null) {
      w.reply().accept(r.outcome());
    }
    return this;
  }

  private long deadline(long nowNanos) {
    return nowNanos + settings.requestTimeout().toNanos();
  }

  private void expireRequests() {
    long now = System.nanoTime();
    String why = " within " + settings.requestTimeout().toMillis() + "ms (leader " + core.leaderId() + ", term "
        + core.term() + "); the outcome is unknown";
    writes.expire(now, Outcome.unknown("not committed" + why));
    reads.expire(now, Outcome.refused("read not confirmed" + why));
    forwarded.expire(now, Outcome.unknown("no answer from the leader" + why));
    leaderless.expire(now, Outcome.refused("no leader" + why));
  }

  // ---------------------------------------------------------------------------------------------
  // Admin

  private Behavior<Command> onGetStatus(GetStatus g) {
    g.replyTo().tell(RaftStatus.of(core, state.appliedIndex(), snapshotIndex, transport.peers().ids(),
        pendingRequests()));
    return this;
  }

  private Behavior<Command> onTransfer(TransferLeadership t) {
    boolean started = core.transferLeadership(t.target());
    // Not the leader: 503 (ask the leader); the leader refusing the target: the request is wrong (400).
    t.replyTo().tell(started ? Outcome.success(new byte[0])
        : core.role() != Role.LEADER ? Outcome.refused("only the leader (" + core.leaderId() + ") can transfer leadership")
        : Outcome.invalid(t.target() + " is not another voter"));
    scheduleFlush();
    return this;
  }

  private Behavior<Command> onChangeMembership(ChangeMembership c) {
    if (c.add() != null && !transport.peers().contains(c.add())) {
      c.replyTo().tell(Outcome.invalid(c.add() + " is not among the deployment's peers " + transport.peers().ids()));
      return this;
    }
    Proposal p = c.add() != null ? core.proposeAddLearner(c.add()) : core.proposeRemove(c.remove());
    if (p instanceof Proposal.Accepted a) {
      long now = System.nanoTime();
      writes.add(a.index(), new Pending.Waiter(a.term(), now, deadline(now), c.replyTo()::tell));
      scheduleFlush();
    } else {
      Proposal.Rejected r = (Proposal.Rejected) p;
      String why = "membership change refused: " + r.reason() + (r.leaderHint() != null ? " (leader " + r.leaderHint() + ")" : "");
      c.replyTo().tell(r.reason() == Proposal.Reason.INVALID_CONFIG_CHANGE ? Outcome.invalid(why) : Outcome.refused(why));
    }
    return this;
  }

  // ---------------------------------------------------------------------------------------------
  // The Ready loop

  /**
   * Handles every Ready the core has. Writes go to the disk thread, which sends the messages that
   * promise durability after its fsync and then reports {@link Persisted}; only that report lets
   * the core count this server's copy (so a leader never commits on a copy still in the page
   * cache). Committed entries are applied at once: a majority already holds them durably.
   */
  private Behavior<Command> drain() {
    metrics.campaigns(core);
    while (core.hasReady()) {
      Ready rd = core.ready();
      send(rd.messagesNow());
      disk.submit(rd);
      if (rd.installedSnapshot() != null) {
        installSnapshot(rd.installedSnapshot());
      }
      toApply.addAll(rd.committedEntries());
      applyCommitted();
      readsAwaitingApply.addAll(rd.readStates());
      rd.rejectedReads().forEach(this::onRejectedRead);
      if (rd.softState() != null) {
        onSoftState(rd.softState());
      }
      long applied = state.appliedIndex();
      if (applied > core.appliedIndex()) {
        core.applied(applied);
      }
      serveReads();
      maybeSnapshot();
    }
    return this;
  }

  /**
   * The leader's snapshot replaces the state. Our own snapshot thread may still be reading it, so
   * it finishes first (its result is then stale and dropped), and the committed entries still
   * waiting are inside the leader's snapshot (it is past our commit index).
   */
  private void installSnapshot(clusternode.raft.core.Snapshot s) {
    awaitOwnSnapshot();
    toApply.removeIf(e -> e.index() <= s.index());
    state.restore(s.index(), s.data());
    snapshotIndex = s.index();
    bytesSinceSnapshot = 0;
    metrics.snapshotInstalled();
  }

  private void awaitOwnSnapshot() {
    if (snapshotting == null) {
      return;
    }
    try {
      snapshotting.get();
    } catch (java.util.concurrent.ExecutionException e) {
      // cannot happen: the task reports its own failures as SnapshotFailed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    snapshotting = null;
  }

  private void applyCommitted() {
    while (snapshotting == null && !toApply.isEmpty()) {
      apply(toApply.poll());
    }
  }

  private void send(List<RaftMessage> messages) {
    for (RaftMessage m : messages) {
      transport.send(m.to(), NAME, m);
    }
  }

  private void apply(Entry e) {
    Pending.Waiter w = writes.remove(e.index());
    bytesSinceSnapshot += e.data().length;
    boolean ours = w != null && w.term() == e.term();
    if (e.type() == EntryType.COMMAND) {
      byte[] result = state.apply(e.index(), e.data());
      if (ours) {
        metrics.committed(System.nanoTime() - w.startNanos());
        w.reply().accept(Outcome.success(result));
      }
    } else {
      state.skip(e.index());
      if (ours) {
        w.reply().accept(Outcome.success(new byte[0])); // a membership change we proposed
      }
    }
    if (w != null && !ours) {
      // Another leader's entry took the index: ours was overwritten and never applied.
      w.reply().accept(Outcome.refused("leadership changed before commit; the request was not applied"));
    }
  }

  private void serveReads() {
    if (snapshotting != null) {
      return; // the snapshot thread may hold a machine's lock; served once it is done
    }
    localReadsAfterSnapshot.forEach(Runnable::run);
    localReadsAfterSnapshot.clear();
    while (!readsAwaitingApply.isEmpty() && readsAwaitingApply.peek().index() <= state.appliedIndex()) {
      ReadState rs = readsAwaitingApply.poll();
      Pending.Waiter w = reads.remove(rs.requestId());
      QueryTarget target = readTargets.remove(rs.requestId());
      if (w != null && target != null) {
        w.reply().accept(Outcome.success(state.machines().get(target.machine()).query(target.query())));
      }
    }
  }

  private void onRejectedRead(RejectedRead r) {
    Pending.Waiter w = reads.remove(r.requestId());
    QueryTarget target = readTargets.remove(r.requestId());
    if (w == null || target == null) {
      return;
    }
    if (r.reason() == RejectedRead.Reason.NOT_LEADER && r.leaderHint() != null
        && !r.leaderHint().equals(transport.selfId())) {
      forward(w.reply(), id -> new ForwardedQuery(transport.selfId(), id, target.machine(), target.query()));
    } else {
      w.reply().accept(Outcome.refused("read not confirmed: " + r.reason()));
    }
  }

  private void onSoftState(SoftState s) {
    metrics.softState(s);
    // A request forwarded to a deposed or dead leader would wait out its whole deadline: fail it
    // now so the client can retry with the new one.
    forwarded.failForwardedNotTo(s.leaderId(), Outcome.unknown("the leader changed while the request was forwarded"
        + " (now " + s.leaderId() + "); the outcome is unknown, retry"));
    getContext().getLog().info("raft {}: {} in term {}, leader {}", transport.selfId(), s.role(), s.term(), s.leaderId());
    if (s.leaderId() != null && !awaitingLeader.isEmpty()) {
      List<Command> retry = new ArrayList<>(awaitingLeader.values());
      awaitingLeader.keySet().forEach(leaderless::remove);
      awaitingLeader.clear();
      retry.forEach(getContext().getSelf()::tell);
    }
  }

  /**
   * Serializes the state on the snapshot thread, not here: a large state (the ledger's keeps every
   * idempotency key) takes seconds to copy, and a Raft thread that long silent loses leadership
   * and misses elections. Meanwhile the core goes on (heartbeats, replication, commits); only
   * applying waits, so the state holds still while it is read.
   */
  private void maybeSnapshot() {
    long applied = state.appliedIndex();
    boolean due = applied - snapshotIndex >= settings.snapshotEveryEntries()
        || bytesSinceSnapshot >= settings.snapshotEveryBytes();
    if (snapshotting == null && due && applied > snapshotIndex && applied <= core.appliedIndex()) {
      bytesSinceSnapshot = 0;
      ActorRef<Command> self = getContext().getSelf();
      snapshotting = snapshotThread.submit(() -> {
        long start = System.nanoTime();
        try {
          self.tell(new SnapshotTaken(applied, state.snapshot(), System.nanoTime() - start));
        } catch (RuntimeException e) {
          self.tell(new SnapshotFailed(applied, e));
        }
      });
    }
  }

  private Behavior<Command> onSnapshotTaken(SnapshotTaken t) {
    if (snapshotting == null || t.index() <= snapshotIndex) {
      return this; // overtaken by a snapshot installed from the leader
    }
    snapshotting = null;
    core.compact(t.index(), t.data());
    snapshotIndex = t.index();
    metrics.snapshotTaken();
    getContext().getLog().info("raft {}: snapshot at index {}, {} bytes, serialized in {} ms", transport.selfId(),
        t.index(), t.data().length, t.nanos() / 1_000_000);
    applyCommitted();
    return drain();
  }

  private Behavior<Command> onSnapshotFailed(SnapshotFailed f) {
    if (f.index() <= snapshotIndex) {
      return this; // a state the leader's snapshot has replaced since
    }
    return fatal("cannot snapshot the state machines at index " + f.index() + ": " + f.cause(), f.cause());
  }

  private Behavior<Command> fatal(String message, Throwable cause) {
    getContext().getLog().error("raft {} stops the node: {}", transport.selfId(), message, cause);
    writes.failAll(Outcome.unknown("the node is stopping: " + message));
    reads.failAll(Outcome.refused("the node is stopping"));
    forwarded.failAll(Outcome.unknown("the node is stopping"));
    leaderless.failAll(Outcome.refused("the node is stopping"));
    akka.actor.CoordinatedShutdown.get(akka.actor.typed.javadsl.Adapter.toClassic(getContext().getSystem()))
        .runAll(new RaftStorageFailure());
    return Behaviors.stopped();
  }

  /** The shutdown reason when the Raft disk fails: the node must not go on without it. */
  public static final class RaftStorageFailure implements akka.actor.CoordinatedShutdown.Reason {}
}
