package clusternode.pbft.core;

import clusternode.pbft.core.LogRecord.Committed;
import clusternode.pbft.core.LogRecord.PrePrepared;
import clusternode.pbft.core.LogRecord.Prepared;
import clusternode.pbft.core.LogRecord.ViewEntered;
import clusternode.pbft.core.PbftMessage.Checkpoint;
import clusternode.pbft.core.PbftMessage.Commit;
import clusternode.pbft.core.PbftMessage.FetchState;
import clusternode.pbft.core.PbftMessage.NewView;
import clusternode.pbft.core.PbftMessage.PrePrepare;
import clusternode.pbft.core.PbftMessage.Prepare;
import clusternode.pbft.core.PbftMessage.PreparedProof;
import clusternode.pbft.core.PbftMessage.Reply;
import clusternode.pbft.core.PbftMessage.Request;
import clusternode.pbft.core.PbftMessage.StateTransfer;
import clusternode.pbft.core.PbftMessage.Status;
import clusternode.pbft.core.PbftMessage.ViewChange;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * One PBFT replica as a deterministic state machine (Castro and Liskov, OSDI '99). Inputs:
 * {@link #step} (a message from a peer or client), {@link #tick} (time); output: {@link #ready}.
 * No clock, no threads, no I/O; randomness from the given {@link Random}. Executes committed
 * batches on the {@link App} in sequence order, takes checkpoints, changes views, fetches state.
 *
 * <p>Invariants are checked with exceptions that stay on: a violated one means a bug (or more
 * than f faulty replicas) and must stop the replica rather than let it diverge.
 */
public final class PbftCore {
  private static final int MAX_CHECKPOINTS_PER_SENDER = 8;
  private static final int MAX_VERIFIED_CACHE = 8192;
  private static final int FLOOD_PER_TICK = 4;

  private final PbftConfig config;
  private final String self;
  private final Crypto crypto;
  private final App app;
  private final Random random;
  private final int f;

  private long view;
  private boolean active = true;
  private int backoff;
  private boolean timerOn;
  private long timerTicks;
  private long ticks;
  private long stateTransfers;
  private boolean timerWarned;

  private long lowWater;
  private long lastExecuted;
  /** {@link #lastExecuted} at the previous status duty: unchanged with work waiting means stuck. */
  private long lastExecutedAtStatus = -1;
  private long nextSeq = 1;
  private final TreeMap<Long, Slot> slots = new TreeMap<>();
  private final TreeMap<Long, OwnCheckpoint> ownCheckpoints = new TreeMap<>();
  private StableCheckpoint stable;
  private final Map<String, TreeMap<Long, Checkpoint>> checkpoints = new HashMap<>();
  private PbftRules.StableCheckpointRef transfer;
  /** The state being fetched for {@code transfer}, chunk by chunk, from {@code transferSource}. */
  private java.io.ByteArrayOutputStream transferBuffer = new java.io.ByteArrayOutputStream();
  private String transferSource;
  private long transferBufferSeq;
  private long transferProgressAtLastTick = -1;

  /** Per client: its last executed timestamp and result. Part of the replicated state (in checkpoints). */
  private final TreeMap<String, LastReply> lastReplies = new TreeMap<>();
  /** Per client: its newest request not yet executed, in arrival order. */
  private final LinkedHashMap<String, Request> pending = new LinkedHashMap<>();
  private final Map<String, Long> pendingSinceTick = new HashMap<>();
  private final Set<String> assigned = new HashSet<>();
  private final LinkedHashMap<String, Boolean> verifiedRequests = new LinkedHashMap<>(256, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > MAX_VERIFIED_CACHE;
    }
  };

  /** Each replica's newest view change (one per sender bounds what a flood can make us hold). */
  private final Map<String, ViewChange> viewChanges = new HashMap<>();
  private ViewChange myViewChange;
  private NewView lastNewView;
  /** The view changes {@link #lastNewView} names: relayed with it to a replica that lacks them. */
  private List<ViewChange> lastNewViewVotes = List.of();
  /** Per replica: the view of the new-view last relayed to it, and the tick it went. */
  private final Map<String, long[]> newViewRelayed = new HashMap<>();
  /** A valid-looking new-view naming view changes this replica has not got yet, and those it got since. */
  private NewView pendingNewView;
  private final Map<String, ViewChange> pendingVotes = new HashMap<>();

  private Byzantine mode = Byzantine.HONEST;

  private List<Outbound> outbox = new ArrayList<>();
  private List<LogRecord> records = new ArrayList<>();
  private List<Executed> executed = new ArrayList<>();
  private List<String> rejected = new ArrayList<>();
  private StableCheckpoint newlyStable;

  private record LastReply(long timestamp, byte[] result) {}

  private record OwnCheckpoint(String digest, byte[] state) {}

  /** One sequence number's agreement state in the current view, plus what survives view changes. */
  private static final class Slot {
    PrePrepare prePrepare;
    final Map<String, Prepare> prepares = new HashMap<>();
    final Map<String, Commit> commits = new HashMap<>();
    Prepare myPrepare;
    Commit myCommit;
    boolean prepared;
    boolean committed;
    // Survive view changes:
    PreparedProof bestProof;
    String executedDigest;

    void resetFor(PrePrepare pp) {
      prePrepare = pp;
      prepares.values().removeIf(p -> p.view() != pp.view());
      commits.values().removeIf(c -> c.view() != pp.view());
      myPrepare = null;
      myCommit = null;
      prepared = false;
      committed = false;
    }
  }

  public PbftCore(PbftConfig config, String self, Crypto crypto, App app, Random random, Recovered recovered) {
    if (!config.replicas().contains(self)) {
      throw new IllegalArgumentException(self + " is not among the replicas " + config.replicas());
    }
    this.config = config;
    this.self = self;
    this.crypto = crypto;
    this.app = app;
    this.random = random;
    this.f = config.f();
    recover(recovered);
  }

  // ---------------------------------------------------------------- recovery

  private void recover(Recovered recovered) {
    if (recovered.checkpoint() != null) {
      StableCheckpoint c = recovered.checkpoint();
      restoreState(c.state());
      lastExecuted = c.seq();
      lowWater = c.seq();
      nextSeq = c.seq() + 1;
      stable = c;
      ownCheckpoints.put(c.seq(), new OwnCheckpoint(c.digest(), c.state()));
    }
    boolean wasActive = true;
    for (LogRecord r : recovered.records()) {
      if (r instanceof ViewEntered v) {
        if (v.view() < view) {
          throw new IllegalStateException("log goes back from view " + view + " to " + v.view());
        }
        view = v.view();
        wasActive = v.active();
      } else if (r.seq() <= lowWater) {
        continue;
      } else if (r instanceof PrePrepared p) {
        Slot s = slot(p.prePrepare().seq());
        if (s.prePrepare == null || p.prePrepare().view() >= s.prePrepare.view()) {
          s.resetFor(p.prePrepare());
          if (!p.prePrepare().from().equals(self)) {
            s.myPrepare = sign(new Prepare(self, p.prePrepare().view(), p.prePrepare().seq(), p.prePrepare().digest(), null));
            s.prepares.put(self, s.myPrepare);
          }
        }
        nextSeq = Math.max(nextSeq, p.prePrepare().seq() + 1);
      } else if (r instanceof Prepared p) {
        Slot s = slot(p.seq());
        PrePrepare pp = p.proof().prePrepare();
        if (s.bestProof == null || pp.view() >= s.bestProof.prePrepare().view()) {
          s.bestProof = p.proof();
        }
        if (s.prePrepare != null && s.prePrepare.view() == pp.view() && s.prePrepare.digest().equals(pp.digest())) {
          s.prepared = true;
          p.proof().prepares().forEach(q -> s.prepares.put(q.from(), q));
          s.myCommit = sign(new Commit(self, pp.view(), pp.seq(), pp.digest(), null));
          s.commits.put(self, s.myCommit);
        }
      } else if (r instanceof Committed c) {
        Slot s = slots.get(c.seq());
        check(s != null && s.prePrepare != null && s.prePrepare.digest().equals(c.digest()) && s.prepared,
            "log record: seq " + c.seq() + " committed without its prepared pre-prepare");
        if (s.prePrepare.view() == c.view()) {
          s.committed = true;
        }
      }
    }
    active = wasActive;
    if (!active) {
      // Resume the view change we were in: vote again for the same view.
      myViewChange = buildViewChange(view);
      viewChanges.put(self, myViewChange);
      broadcast(myViewChange);
    }
    executeCommitted();
  }

  // ---------------------------------------------------------------- inputs

  /** Feeds one message from a peer or a client. Invalid messages are dropped and counted in {@link Ready#rejected()}. */
  public void step(PbftMessage m) {
    if (m == null || m.from() == null) {
      reject("malformed");
      return;
    }
    if (m instanceof Request r) {
      onRequest(r);
      return;
    }
    if (m.from().equals(self)) {
      return; // our own message relayed back (status answers carry the primary's pre-prepares)
    }
    if (!config.replicas().contains(m.from())) {
      reject("non-member");
      return;
    }
    try {
      if (m instanceof PrePrepare pp) {
        onPrePrepare(pp);
      } else if (m instanceof Prepare p) {
        onPrepare(p);
      } else if (m instanceof Commit c) {
        onCommit(c);
      } else if (m instanceof Checkpoint c) {
        onCheckpoint(c);
      } else if (m instanceof ViewChange vc) {
        onViewChange(vc);
      } else if (m instanceof NewView nv) {
        onNewView(nv);
      } else if (m instanceof Status st) {
        onStatus(st);
      } else if (m instanceof FetchState fs) {
        onFetchState(fs);
      } else if (m instanceof PbftMessage.FetchBatch fb) {
        onFetchBatch(fb);
      } else if (m instanceof PbftMessage.Batch b) {
        onBatch(b);
      } else if (m instanceof StateTransfer st) {
        onStateTransfer(st);
      } else {
        reject("unexpected-" + m.getClass().getSimpleName());
      }
    } catch (NullPointerException | IndexOutOfBoundsException e) {
      // A malformed message from a faulty sender (missing fields) must not stop an honest replica.
      reject("malformed");
    }
  }

  /** Advances time by one tick: view change timers, status (retransmission), state fetches, flooding. */
  public void tick() {
    ticks++;
    // While fetching a state 2f+1 replicas certified, the primary is evidently making progress:
    // a replica that is merely behind must not vote it out.
    if (timerOn && !(active && transfer != null)) {
      timerTicks++;
      if (timerTicks >= viewChangeTimeoutTicks()) {
        if (active && !timerWarned) {
          // First expiry (BFT-SMaRt's two-stage timeout): maybe we are only behind, or the primary
          // never got the requests. Forward them and ask peers for what we lack; vote next time.
          timerWarned = true;
          timerTicks = 0;
          forwardPending();
        } else {
          startViewChange(view + 1);
        }
      }
    }
    if (ticks % config.statusTicks() == 0) {
      statusDuties();
    }
    if (mode == Byzantine.FLOOD) {
      flood();
    }
  }

  /** Changes how this replica behaves (tests, the admin API); its internal state stays honest. */
  public void setByzantine(Byzantine newMode) {
    this.mode = newMode;
  }

  public Byzantine byzantine() {
    return mode;
  }

  /** Proposes what is waiting (primary), then hands out everything to persist, send and observe. */
  public Ready ready() {
    propose();
    Ready rd = new Ready(outbox, records, newlyStable, executed, rejected);
    outbox = new ArrayList<>();
    records = new ArrayList<>();
    executed = new ArrayList<>();
    rejected = new ArrayList<>();
    newlyStable = null;
    return rd;
  }

  public PbftStatus status() {
    return new PbftStatus(self, view, config.primary(view), active, lastExecuted, lowWater,
        lowWater + config.logWindow(), pending.size(), mode.label());
  }

  public long view() {
    return view;
  }

  public boolean isActive() {
    return active;
  }

  public long lastExecuted() {
    return lastExecuted;
  }

  public long lowWater() {
    return lowWater;
  }

  /** How many times this replica installed a state fetched from a peer. */
  public long stateTransfers() {
    return stateTransfers;
  }

  public String id() {
    return self;
  }

  public PbftConfig config() {
    return config;
  }

  /** Answers a read-only operation from this replica's current state (a LOCAL, possibly stale, read). */
  public byte[] queryLocal(byte[] operation) {
    return app.query(operation);
  }

  // ---------------------------------------------------------------- normal case (§4.2)

  private void onRequest(Request r) {
    if (!requestValid(r)) {
      reject("bad-request");
      return;
    }
    LastReply last = lastReplies.get(r.from());
    if (last != null && r.timestamp() <= last.timestamp()) {
      if (r.timestamp() == last.timestamp()) {
        sendReply(r.from(), r.timestamp(), last.result());
      }
      return;
    }
    awaitExecution(r);
  }

  /**
   * Waits for {@code r} (already valid and not yet answered) to execute: the view change timer runs
   * while anything waits (§4.4). A backup also waits for the requests of the pre-prepares it
   * accepts, since clients send new requests to the primary only.
   */
  private void awaitExecution(Request r) {
    Request current = pending.get(r.from());
    if (current != null && current.timestamp() >= r.timestamp()) {
      return;
    }
    if (current != null) {
      pending.remove(r.from());
    }
    pending.put(r.from(), r);
    pendingSinceTick.put(r.from(), ticks);
    if (active && !timerOn) {
      timerOn = true;
      timerTicks = 0;
    }
  }

  /**
   * The primary batches what waits into pre-prepares, within the window (§4.2, batching as in
   * §5.1), and with at most {@code maxInFlightBatches} of its own proposals not yet executed: while
   * they are in flight, new requests accumulate into the next batch (pipelining with a window).
   */
  private void propose() {
    if (!active || !isPrimary() || mode == Byzantine.SILENT) {
      return;
    }
    while (nextSeq <= lowWater + config.logWindow() && nextSeq - 1 - lastExecuted < config.maxInFlightBatches()) {
      List<Request> batch = new ArrayList<>();
      long oldest = Long.MAX_VALUE;
      long bytes = 0;
      for (Request r : pending.values()) {
        if (!assigned.contains(r.key())) {
          bytes += r.operation().length + r.signature().length; // a bundle's proof is up to 577 bytes
          if (!batch.isEmpty() && bytes > config.maxBatchBytes()) {
            break;
          }
          batch.add(r);
          oldest = Math.min(oldest, pendingSinceTick.getOrDefault(r.from(), ticks));
          if (batch.size() == config.maxBatch()) {
            break;
          }
        }
      }
      if (batch.isEmpty()) {
        return;
      }
      if (mode == Byzantine.SLOW_PRIMARY && ticks - oldest < config.viewChangeTimeoutTicks() * 7L / 10) {
        return;
      }
      PrePrepare pp = sign(new PrePrepare(self, view, nextSeq, PbftRules.batchDigest(batch), batch, 0, null));
      nextSeq++;
      acceptPrePrepare(pp);
      if (mode == Byzantine.EQUIVOCATE) {
        equivocate(pp);
      } else {
        broadcast(pp);
      }
    }
  }

  private void onPrePrepare(PrePrepare pp) {
    if (!active || pp.view() != view) {
      reject("wrong-view");
      return;
    }
    if (!PbftRules.inWindow(pp.seq(), lowWater, config.logWindow())) {
      reject("out-of-window");
      return;
    }
    Slot s = slots.get(pp.seq());
    if (s != null && s.prePrepare != null && !PbftRules.stripped(s.prePrepare) && resent(s.prePrepare, pp)) {
      return; // a retransmission of the pre-prepare we accepted: its checks were passed already
    }
    String bad = PbftRules.checkPrePrepare(pp, config, crypto, this::requestValid);
    if (bad != null) {
      reject(bad.startsWith("bad-") ? bad : "bad-pre-prepare");
      return;
    }
    if (s != null && s.prePrepare != null && s.prePrepare.view() == view) {
      if (!s.prePrepare.digest().equals(pp.digest())) {
        reject("conflicting-pre-prepare");
      }
      return;
    }
    if (s != null && s.executedDigest != null && !s.executedDigest.equals(pp.digest())) {
      reject("conflicts-with-executed");
      return;
    }
    acceptPrePrepare(pp);
  }

  /** Takes {@code pp} as this view's proposal for its sequence number: persist it, then prepare. */
  private void acceptPrePrepare(PrePrepare pp) {
    Slot s = slot(pp.seq());
    check(s.prePrepare == null || s.prePrepare.view() < pp.view() || s.prePrepare.digest().equals(pp.digest()),
        "two pre-prepares accepted for view " + pp.view() + " seq " + pp.seq());
    s.resetFor(pp);
    records.add(new PrePrepared(pp));
    for (Request r : pp.batch()) {
      assigned.add(r.key());
      LastReply last = lastReplies.get(r.from());
      if (!pp.from().equals(self) && (last == null || r.timestamp() > last.timestamp())) {
        awaitExecution(r);
      }
    }
    if (!pp.from().equals(self)) {
      s.myPrepare = sign(new Prepare(self, pp.view(), pp.seq(), pp.digest(), null));
      s.prepares.put(self, s.myPrepare);
      if (mode == Byzantine.EQUIVOCATE) {
        equivocate(s.myPrepare);
      } else {
        broadcast(s.myPrepare);
      }
    }
    advance(s);
  }

  private void onPrepare(Prepare p) {
    Slot known = slots.get(p.seq());
    if (known != null && resent(known.prepares.get(p.from()), p)) {
      return;
    }
    if (!checkAgreementMessage(p, p.view(), p.seq())) {
      return;
    }
    if (p.from().equals(config.primary(p.view()))) {
      reject("prepare-from-primary");
      return;
    }
    Slot s = slot(p.seq());
    s.prepares.putIfAbsent(p.from(), p);
    advance(s);
  }

  private void onCommit(Commit c) {
    Slot known = slots.get(c.seq());
    if (known != null && resent(known.commits.get(c.from()), c)) {
      return;
    }
    if (!checkAgreementMessage(c, c.view(), c.seq())) {
      return;
    }
    Slot s = slot(c.seq());
    s.commits.putIfAbsent(c.from(), c);
    advance(s);
  }

  /**
   * Whether {@code m} is the very message {@code known} (same signed bytes and signature, and for a
   * pre-prepare the same requests, which its signature does not cover), which was verified when it
   * was taken: retransmissions skip the signature check, the costliest part.
   */
  private static boolean resent(PbftMessage known, PbftMessage m) {
    return known != null && known.getClass() == m.getClass() && Arrays.equals(known.signature(), m.signature())
        && Arrays.equals(known.signed(), m.signed())
        && (!(known instanceof PrePrepare k) || sameRequests(k.batch(), ((PrePrepare) m).batch()));
  }

  private static boolean sameRequests(List<Request> a, List<Request> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i).signed(), b.get(i).signed())
          || !Arrays.equals(a.get(i).signature(), b.get(i).signature())) {
        return false;
      }
    }
    return true;
  }

  private boolean checkAgreementMessage(PbftMessage m, long msgView, long seq) {
    if (!active || msgView != view) {
      reject("wrong-view");
      return false;
    }
    if (!PbftRules.inWindow(seq, lowWater, config.logWindow())) {
      reject("out-of-window");
      return false;
    }
    if (!crypto.verify(m.from(), m.signed(), m.signature())) {
      reject("bad-signature");
      return false;
    }
    return true;
  }

  /** Moves a slot along: prepared -> send commit (persisted first); committed-local -> execute in order. */
  private void advance(Slot s) {
    PrePrepare pp = s.prePrepare;
    if (pp == null || pp.view() != view || !active) {
      return;
    }
    if (!s.prepared) {
      List<Prepare> cert = PbftRules.preparedCertificate(pp, s.prepares.values(), config);
      if (cert == null) {
        return;
      }
      s.prepared = true;
      s.bestProof = new PreparedProof(pp, cert);
      records.add(new Prepared(s.bestProof));
      s.myCommit = sign(new Commit(self, pp.view(), pp.seq(), pp.digest(), null));
      s.commits.put(self, s.myCommit);
      if (mode == Byzantine.EQUIVOCATE) {
        equivocate(s.myCommit);
      } else {
        broadcast(s.myCommit);
      }
    }
    if (!s.committed && PbftRules.committedLocal(pp, s.prepares.values(), s.commits.values(), config)) {
      s.committed = true;
      records.add(new Committed(pp.view(), pp.seq(), pp.digest()));
      executeCommitted();
    }
  }

  /** Executes committed batches strictly in sequence order (§4.2: after all lower ones). */
  private void executeCommitted() {
    while (true) {
      Slot s = slots.get(lastExecuted + 1);
      if (s == null || !s.committed || s.prePrepare == null || PbftRules.stripped(s.prePrepare)) {
        return; // a stripped batch waits for its requests (fetched on the status tick)
      }
      execute(s.prePrepare);
    }
  }

  private void execute(PrePrepare pp) {
    check(pp.seq() == lastExecuted + 1, "executing " + pp.seq() + " after " + lastExecuted);
    check(!PbftRules.stripped(pp), "executing seq " + pp.seq() + " without its requests");
    Slot s = slots.get(pp.seq());
    check(s.executedDigest == null, "seq " + pp.seq() + " executed twice");
    List<byte[]> results = new ArrayList<>(pp.batch().size());
    // Replies grouped by client node, in batch order: one signature per node instead of per request.
    Map<String, List<PbftMessage.Replies.Entry>> replies = new java.util.TreeMap<>();
    for (int i = 0; i < pp.batch().size(); i++) {
      Request r = pp.batch().get(i);
      LastReply last = lastReplies.get(r.from());
      if (last != null && r.timestamp() <= last.timestamp()) {
        results.add(null);
        continue;
      }
      byte[] result = r.readOnly() ? app.query(r.operation())
          : app.execute(pp.seq() * PbftConfig.INDEX_STRIDE + i + 1, r.operation());
      lastReplies.put(r.from(), new LastReply(r.timestamp(), result));
      Request waiting = pending.get(r.from());
      if (waiting != null && waiting.timestamp() <= r.timestamp()) {
        pending.remove(r.from());
        pendingSinceTick.remove(r.from());
      }
      results.add(result);
      replies.computeIfAbsent(config.clientNode(r.from()), k -> new ArrayList<>())
          .add(new PbftMessage.Replies.Entry(r.from(), r.timestamp(), mode == Byzantine.LIE ? lie(result) : result));
    }
    replies.forEach(this::sendReplies);
    for (Request r : pp.batch()) {
      assigned.remove(r.key());
    }
    s.executedDigest = pp.digest();
    lastExecuted = pp.seq();
    executed.add(new Executed(pp.seq(), pp.view(), pp.digest(), pp.batch(), results));
    // Progress: the primary is doing its job; restart the timer for what still waits (§4.4).
    backoff = 0;
    timerTicks = 0;
    timerWarned = false;
    timerOn = active && !pending.isEmpty();
    if (pp.seq() % config.checkpointInterval() == 0) {
      takeCheckpoint(pp.seq());
    }
  }

  /** Bounds one Replies message well under the transport's frame size; more results go in another. */
  private static final int MAX_REPLIES_BYTES = 64 * 1024;

  private void sendReplies(String node, List<PbftMessage.Replies.Entry> entries) {
    if (entries.size() == 1) {
      PbftMessage.Replies.Entry e = entries.get(0);
      send(new Outbound(e.client(), sign(new Reply(self, view, e.client(), e.timestamp(), e.result(), null))));
      return;
    }
    List<PbftMessage.Replies.Entry> part = new ArrayList<>();
    long bytes = 0;
    for (PbftMessage.Replies.Entry e : entries) {
      if (!part.isEmpty() && bytes + e.result().length > MAX_REPLIES_BYTES) {
        send(new Outbound(part.get(0).client(), sign(new PbftMessage.Replies(self, view, node, part, null))));
        part = new ArrayList<>();
        bytes = 0;
      }
      part.add(e);
      bytes += e.result().length;
    }
    // Addressed to its first client: every transport routes a client id to that client's node.
    send(new Outbound(part.get(0).client(), sign(new PbftMessage.Replies(self, view, node, part, null))));
  }

  private void sendReply(String client, long timestamp, byte[] result) {
    byte[] told = mode == Byzantine.LIE ? lie(result) : result;
    send(new Outbound(client, sign(new Reply(self, view, client, timestamp, told, null))));
  }

  /** The same wrong answer from every liar, so f+1 of them can make a client accept it. */
  public static byte[] lie(byte[] result) {
    byte[] out = new byte[result.length + 4];
    out[0] = 'L';
    out[1] = 'I';
    out[2] = 'E';
    out[3] = ':';
    System.arraycopy(result, 0, out, 4, result.length);
    return out;
  }

  // ---------------------------------------------------------------- checkpoints (§4.3)

  private void takeCheckpoint(long seq) {
    byte[] state = encodeState();
    String digest = Canon.sha256(state);
    ownCheckpoints.put(seq, new OwnCheckpoint(digest, state));
    Checkpoint c = sign(new Checkpoint(self, seq, digest, null));
    storeCheckpoint(c);
    broadcast(c);
    checkStable(seq);
  }

  private void onCheckpoint(Checkpoint c) {
    if (c.seq() <= lowWater) {
      return;
    }
    if (c.seq() % config.checkpointInterval() != 0) {
      reject("malformed");
      return;
    }
    if (!crypto.verify(c.from(), c.signed(), c.signature())) {
      reject("bad-signature");
      return;
    }
    storeCheckpoint(c);
    checkStable(c.seq());
  }

  private void storeCheckpoint(Checkpoint c) {
    TreeMap<Long, Checkpoint> mine = checkpoints.computeIfAbsent(c.from(), k -> new TreeMap<>());
    mine.putIfAbsent(c.seq(), c);
    while (mine.size() > MAX_CHECKPOINTS_PER_SENDER) {
      mine.pollFirstEntry();
    }
  }

  private void checkStable(long seq) {
    if (seq <= lowWater) {
      return;
    }
    List<Checkpoint> atSeq = new ArrayList<>();
    for (TreeMap<Long, Checkpoint> m : checkpoints.values()) {
      Checkpoint c = m.get(seq);
      if (c != null) {
        atSeq.add(c);
      }
    }
    List<Checkpoint> proof = PbftRules.stableProof(seq, atSeq, config);
    if (proof == null) {
      return;
    }
    String digest = proof.get(0).digest();
    if (seq <= lastExecuted) {
      OwnCheckpoint own = ownCheckpoints.get(seq);
      check(own != null, "executed past checkpoint " + seq + " without taking it");
      check(own.digest().equals(digest), "state diverged at checkpoint " + seq + ": mine " + own.digest()
          + ", 2f+1 replicas " + digest);
      makeStable(new StableCheckpoint(seq, digest, own.state(), proof));
    } else if (transfer == null || transfer.seq() < seq) {
      transfer = new PbftRules.StableCheckpointRef(seq, digest, proof);
      timerTicks = 0;
    }
  }

  /** The checkpoint is stable: move the low water mark and discard everything at or below it. */
  private void makeStable(StableCheckpoint c) {
    check(c.seq() > lowWater, "stable checkpoint " + c.seq() + " not above " + lowWater);
    check(c.seq() <= lastExecuted, "stable checkpoint " + c.seq() + " beyond what is executed " + lastExecuted);
    stable = c;
    newlyStable = c;
    lowWater = c.seq();
    nextSeq = Math.max(nextSeq, lowWater + 1);
    slots.headMap(lowWater, true).clear();
    ownCheckpoints.headMap(lowWater, false).clear();
    for (TreeMap<Long, Checkpoint> m : checkpoints.values()) {
      m.headMap(lowWater, true).clear();
    }
    if (transfer != null && transfer.seq() <= lowWater) {
      transfer = null;
    }
  }

  // ---------------------------------------------------------------- state transfer

  private void onFetchState(FetchState fs) {
    if (!crypto.verify(fs.from(), fs.signed(), fs.signature())) {
      reject("bad-signature");
      return;
    }
    OwnCheckpoint own = ownCheckpoints.get(fs.seq());
    if (own == null || fs.offset() < 0 || fs.offset() >= own.state().length) {
      return;
    }
    int from = (int) fs.offset();
    int to = (int) Math.min(own.state().length, from + (long) config.stateChunkBytes());
    byte[] chunk = java.util.Arrays.copyOfRange(own.state(), from, to);
    send(new Outbound(fs.from(), sign(new StateTransfer(self, fs.seq(), from, own.state().length, chunk, null))));
  }

  /** Asks {@code transferSource} for the next chunk of the state at {@code transfer}. */
  private void requestStateChunk() {
    if (transferBufferSeq != transfer.seq()) {
      transferBuffer = new java.io.ByteArrayOutputStream();
      transferBufferSeq = transfer.seq();
    }
    send(new Outbound(transferSource, sign(new FetchState(self, transfer.seq(), transferBuffer.size(), null))));
  }

  private void onStateTransfer(StateTransfer st) {
    if (transfer == null || st.seq() != transfer.seq() || st.seq() <= lastExecuted || !st.from().equals(transferSource)
        || transferBufferSeq != st.seq() || st.offset() != transferBuffer.size()) {
      return;
    }
    if (!crypto.verify(st.from(), st.signed(), st.signature())) {
      reject("bad-signature");
      return;
    }
    if (st.chunk().length == 0 || st.total() > Integer.MAX_VALUE - 8 || st.offset() + st.chunk().length > st.total()) {
      reject("bad-state");
      transferSource = null;
      return;
    }
    transferBuffer.write(st.chunk(), 0, st.chunk().length);
    if (transferBuffer.size() < st.total()) {
      requestStateChunk();
      return;
    }
    byte[] state = transferBuffer.toByteArray();
    transferBuffer = new java.io.ByteArrayOutputStream();
    if (!Canon.sha256(state).equals(transfer.digest())) {
      reject("bad-state");
      transferSource = null; // try another replica on the next status tick
      return;
    }
    installState(state);
  }

  /** Installs a fetched state whose digest 2f+1 replicas certified: it becomes this replica's stable checkpoint. */
  private void installState(byte[] state) {
    PbftRules.StableCheckpointRef target = transfer;
    stateTransfers++;
    restoreState(state);
    lastExecuted = target.seq();
    ownCheckpoints.put(target.seq(), new OwnCheckpoint(target.digest(), state));
    for (Slot s : slots.headMap(target.seq(), true).values()) {
      if (s.prePrepare != null) {
        s.prePrepare.batch().forEach(r -> assigned.remove(r.key()));
      }
    }
    pending.entrySet().removeIf(e -> {
      LastReply last = lastReplies.get(e.getKey());
      return last != null && last.timestamp() >= e.getValue().timestamp();
    });
    pendingSinceTick.keySet().retainAll(pending.keySet());
    makeStable(new StableCheckpoint(target.seq(), target.digest(), state, target.proof()));
    transferSource = null;
    timerTicks = 0;
    timerOn = active && !pending.isEmpty();
    executeCommitted();
  }

  // ---------------------------------------------------------------- batches by digest

  /** {@code pp} with its requests filled in when this replica has the batch with that digest. */
  private PrePrepare withKnownBatch(PrePrepare pp) {
    if (!PbftRules.stripped(pp)) {
      return pp;
    }
    List<Request> batch = findBatch(pp.digest());
    return batch == null ? pp
        : new PrePrepare(pp.from(), pp.view(), pp.seq(), pp.digest(), batch, pp.nonce(), pp.signature());
  }

  private List<Request> findBatch(String digest) {
    for (Slot s : slots.values()) {
      if (s.prePrepare != null && s.prePrepare.digest().equals(digest) && !PbftRules.stripped(s.prePrepare)) {
        return s.prePrepare.batch();
      }
      if (s.bestProof != null && s.bestProof.prePrepare().digest().equals(digest)
          && !PbftRules.stripped(s.bestProof.prePrepare())) {
        return s.bestProof.prePrepare().batch();
      }
    }
    return null;
  }

  private void onFetchBatch(PbftMessage.FetchBatch fb) {
    if (!crypto.verify(fb.from(), fb.signed(), fb.signature())) {
      reject("bad-signature");
      return;
    }
    for (Slot s : slots.values()) {
      for (PrePrepare pp : new PrePrepare[] {s.prePrepare, s.bestProof == null ? null : s.bestProof.prePrepare()}) {
        if (pp != null && pp.digest().equals(fb.digest()) && !PbftRules.stripped(pp)) {
          send(new Outbound(fb.from(), sign(new PbftMessage.Batch(self, pp.digest(), pp.nonce(), pp.batch(), null))));
          return;
        }
      }
    }
  }

  private void onBatch(PbftMessage.Batch b) {
    if (!crypto.verify(b.from(), b.signed(), b.signature())) {
      reject("bad-signature");
      return;
    }
    if (b.batch().size() > config.maxBatch() || !PbftRules.batchDigest(b.batch(), b.nonce()).equals(b.digest())) {
      reject("bad-digest");
      return;
    }
    for (Request r : b.batch()) {
      if (!requestValid(r)) {
        reject("bad-request");
        return;
      }
    }
    for (Slot s : slots.values()) {
      PrePrepare pp = s.prePrepare;
      if (pp != null && pp.digest().equals(b.digest()) && PbftRules.stripped(pp)) {
        s.prePrepare = new PrePrepare(pp.from(), pp.view(), pp.seq(), pp.digest(), b.batch(), pp.nonce(), pp.signature());
        if (s.executedDigest == null) {
          b.batch().forEach(r -> assigned.add(r.key()));
        }
      }
    }
    executeCommitted();
  }

  // ---------------------------------------------------------------- view change (§4.4)

  private long viewChangeTimeoutTicks() {
    return (long) config.viewChangeTimeoutTicks() << Math.min(backoff, config.maxBackoffExponent());
  }

  /** Stops accepting messages of the current view and votes for {@code newView}. */
  private void startViewChange(long newView) {
    check(newView > view || (newView == view && active), "view change back from " + view + " to " + newView);
    view = newView;
    active = false;
    backoff++;
    timerOn = false;
    timerTicks = 0;
    assigned.clear();
    records.add(new ViewEntered(view, false));
    myViewChange = buildViewChange(view);
    viewChanges.put(self, myViewChange);
    viewChanges.values().removeIf(vc -> vc.newView() < view);
    broadcast(myViewChange);
    afterViewChangeVote();
  }

  private ViewChange buildViewChange(long newView) {
    List<PreparedProof> prepared = new ArrayList<>();
    for (Map.Entry<Long, Slot> e : slots.tailMap(lowWater, false).entrySet()) {
      if (e.getValue().bestProof != null && PbftRules.inWindow(e.getKey(), lowWater, config.logWindow())) {
        PreparedProof p = e.getValue().bestProof;
        prepared.add(new PreparedProof(PbftRules.strip(p.prePrepare()), p.prepares()));
      }
    }
    List<Checkpoint> proof = stable == null ? List.of() : stable.proof();
    return sign(new ViewChange(self, newView, stable == null ? 0 : stable.seq(), proof, prepared, null));
  }

  private void onViewChange(ViewChange vc) {
    String bad = PbftRules.checkViewChange(vc, config, crypto, this::requestValid);
    if (bad != null) {
      reject("bad-view-change");
      return;
    }
    keepPendingVote(vc);
    countViewChange(vc);
    retryPendingNewView();
  }

  private void countViewChange(ViewChange vc) {
    if (vc.newView() < view || (vc.newView() == view && active)) {
      // The sender is behind: the new-view of our view proves where everyone went. (Not when this
      // is one of that new-view's own votes, relayed to us along with it.)
      PbftMessage.ViewChangeRef ref = PbftRules.ref(vc);
      if (lastNewViewVotes.stream().map(PbftRules::ref).noneMatch(ref::equals)) {
        sendLastNewView(vc.from());
      }
      return;
    }
    ViewChange previous = viewChanges.get(vc.from());
    if (previous == null || previous.newView() <= vc.newView()) {
      viewChanges.put(vc.from(), vc);
    }
    // §4.5.2: f+1 replicas want a higher view, so the primary is suspect by at least one correct one.
    List<Long> higher = new ArrayList<>();
    for (ViewChange other : viewChanges.values()) {
      if (!other.from().equals(self) && other.newView() > view) {
        higher.add(other.newView());
      }
    }
    if (higher.size() >= f + 1) {
      higher.sort(null);
      startViewChange(higher.get(0));
      return;
    }
    afterViewChangeVote();
  }

  /** Starts the new-view timer once 2f+1 want this view or later; the new primary sends NEW-VIEW. */
  private void afterViewChangeVote() {
    if (active) {
      return;
    }
    long atLeast = viewChanges.values().stream().filter(vc -> vc.newView() >= view).count();
    if (atLeast >= 2L * f + 1 && !timerOn) {
      timerOn = true;
      timerTicks = 0;
    }
    if (config.primary(view).equals(self)) {
      List<ViewChange> votes = new ArrayList<>();
      votes.add(myViewChange);
      viewChanges.values().stream().filter(vc -> vc.newView() == view && !vc.from().equals(self))
          .sorted(java.util.Comparator.comparing(ViewChange::from)).limit(2L * f).forEach(votes::add);
      if (votes.size() == 2 * f + 1) {
        sendNewView(votes);
      }
    }
  }

  private void sendNewView(List<ViewChange> votes) {
    PbftRules.Reproposal o = PbftRules.reproposal(votes);
    List<PrePrepare> prePrepares = new ArrayList<>();
    for (PbftRules.Reproposal.Slot s : o.slots()) {
      prePrepares.add(sign(new PrePrepare(self, view, s.seq(), s.digest(), List.of(), s.nonce(), null)));
    }
    NewView nv = sign(new NewView(self, view, votes.stream().map(PbftRules::ref).toList(), prePrepares, null));
    if (mode != Byzantine.SILENT) {
      broadcast(mode == Byzantine.FORGE ? forge(nv) : nv);
    }
    enterView(nv, votes, o);
  }

  /**
   * Relays our view's new-view to {@code to}, its view changes first, so it can check it even if it
   * lacked them. At most once per half status interval per replica and view: a relayed view change
   * of an older view makes every replica past it relay its own new-view to that view change's
   * signer, whose relays do the same, and without the bound this grew without limit (simulation
   * seed 500364, n = 7: 300,000 view changes in flight by tick 396). A relay that is lost is sent
   * again at the replica's next status.
   */
  private void sendLastNewView(String to) {
    if (lastNewView == null) {
      return;
    }
    long[] last = newViewRelayed.get(to);
    if (last != null && last[0] == lastNewView.view() && ticks - last[1] < Math.max(1, config.statusTicks() / 2)) {
      return;
    }
    newViewRelayed.put(to, new long[] {lastNewView.view(), ticks});
    for (ViewChange vc : lastNewViewVotes) {
      send(new Outbound(to, vc));
    }
    send(new Outbound(to, lastNewView));
  }

  private void onNewView(NewView nv) {
    if (nv.view() < view || (nv.view() == view && active)) {
      return;
    }
    if (!nv.from().equals(config.primary(nv.view())) || !crypto.verify(nv.from(), nv.signed(), nv.signature())
        || nv.viewChanges().size() != 2 * f + 1) {
      reject("bad-new-view");
      return;
    }
    List<ViewChange> votes = resolveVotes(nv);
    if (votes == null) {
      // Wait for the missing view changes: our status asks the primary to relay them.
      if (pendingNewView == null || pendingNewView.view() < nv.view()) {
        pendingNewView = nv;
        pendingVotes.clear();
      }
      send(new Outbound(nv.from(), sign(new Status(self, view, active, lastExecuted, lowWater, null))));
      return;
    }
    if (pendingNewView != null && pendingNewView.view() <= nv.view()) {
      pendingNewView = null;
      pendingVotes.clear();
    }
    String bad = checkNewView(nv, votes);
    if (bad != null) {
      reject("bad-new-view");
      return;
    }
    enterView(nv, votes, PbftRules.reproposal(votes));
  }

  /** The view changes {@code nv} names, from those received, or null while one is missing. */
  private List<ViewChange> resolveVotes(NewView nv) {
    List<ViewChange> votes = new ArrayList<>();
    for (PbftMessage.ViewChangeRef ref : nv.viewChanges()) {
      ViewChange vc = viewChanges.get(ref.from());
      if (vc == null || !PbftRules.ref(vc).equals(ref)) {
        vc = pendingVotes.get(ref.digest());
      }
      if (vc == null || !vc.from().equals(ref.from())) {
        return null;
      }
      votes.add(vc);
    }
    return votes;
  }

  /** Keeps {@code vc} (already checked) when the pending new-view names it: at most 2f+1 are kept. */
  private void keepPendingVote(ViewChange vc) {
    PbftMessage.ViewChangeRef ref = PbftRules.ref(vc);
    if (pendingNewView != null && pendingNewView.viewChanges().contains(ref)) {
      pendingVotes.put(ref.digest(), vc);
    }
  }

  private void retryPendingNewView() {
    NewView nv = pendingNewView;
    if (nv != null && (nv.view() < view || (nv.view() == view && active))) {
      pendingNewView = null;
      pendingVotes.clear();
    } else if (nv != null && resolveVotes(nv) != null) {
      onNewView(nv);
    }
  }

  /** Null when {@code nv} with its resolved {@code votes} is a valid NEW-VIEW: 2f+1 valid votes, and O recomputed from them. */
  private String checkNewView(NewView nv, List<ViewChange> votes) {
    Set<String> voters = new HashSet<>();
    for (ViewChange vc : votes) {
      if (vc.newView() != nv.view() || !voters.add(vc.from())
          || PbftRules.checkViewChange(vc, config, crypto, this::requestValid) != null) {
        return "bad view change inside";
      }
    }
    if (voters.size() < 2 * f + 1) {
      return "fewer than 2f+1 view changes";
    }
    PbftRules.Reproposal o = PbftRules.reproposal(votes);
    if (o.slots().size() != nv.prePrepares().size()) {
      return "pre-prepares differ from O";
    }
    for (int i = 0; i < o.slots().size(); i++) {
      PbftRules.Reproposal.Slot want = o.slots().get(i);
      PrePrepare got = nv.prePrepares().get(i);
      if (got.view() != nv.view() || got.seq() != want.seq() || !got.digest().equals(want.digest())
          || !got.from().equals(nv.from()) || !crypto.verify(got.from(), got.signed(), got.signature())
          || (!got.batch().isEmpty() && !PbftRules.batchDigest(got.batch(), got.nonce()).equals(got.digest()))) {
        return "pre-prepares differ from O";
      }
    }
    return null;
  }

  /** Enters {@code nv.view()}: adopt its checkpoint, accept its pre-prepares, resume the normal case. */
  private void enterView(NewView nv, List<ViewChange> votes, PbftRules.Reproposal o) {
    view = nv.view();
    active = true;
    lastNewView = nv;
    lastNewViewVotes = List.copyOf(votes);
    records.add(new ViewEntered(view, true));
    timerWarned = false;
    viewChanges.values().removeIf(vc -> vc.newView() <= view);
    myViewChange = null;
    assigned.clear();
    if (o.checkpoint() != null && o.minS() > lowWater) {
      PbftRules.StableCheckpointRef ref = o.checkpoint();
      if (ref.seq() <= lastExecuted) {
        OwnCheckpoint own = ownCheckpoints.get(ref.seq());
        check(own != null && own.digest().equals(ref.digest()), "state diverged at checkpoint " + ref.seq());
        makeStable(new StableCheckpoint(ref.seq(), ref.digest(), own.state(), ref.proof()));
      } else if (transfer == null || transfer.seq() < ref.seq()) {
        transfer = ref;
      }
    }
    long maxS = o.minS();
    for (PrePrepare pp : nv.prePrepares()) {
      maxS = Math.max(maxS, pp.seq());
      if (pp.seq() <= lowWater) {
        continue;
      }
      Slot s = slots.get(pp.seq());
      if (s != null && s.executedDigest != null) {
        check(s.executedDigest.equals(pp.digest()), "new view " + view + " re-proposes seq " + pp.seq()
            + " with digest " + pp.digest() + " but this replica executed " + s.executedDigest);
      }
      acceptPrePrepare(withKnownBatch(pp));
    }
    nextSeq = Math.max(Math.max(maxS, lowWater) + 1, nextSeq);
    if (isPrimary()) {
      nextSeq = Math.max(maxS, lowWater) + 1;
      // Slots above max-s from older views are void in this view; only O's survive.
      slots.tailMap(nextSeq, true).values().forEach(s -> s.prePrepare = null);
    }
    timerTicks = 0;
    timerOn = !pending.isEmpty();
    executeCommitted();
  }

  // ---------------------------------------------------------------- status: retransmission

  private void forwardPending() {
    String primary = config.primary(view);
    if (!primary.equals(self)) {
      for (Request r : pending.values()) {
        send(new Outbound(primary, r));
      }
    }
    broadcast(sign(new Status(self, view, active, lastExecuted, lowWater, null)));
  }

  private void statusDuties() {
    if (!active && myViewChange != null) {
      broadcast(myViewChange);
    }
    // Checkpoint messages are sent once; resend ours until they are stable, or a lost one could
    // leave the window full for good (§4.3 leaves retransmission to the implementation).
    for (Map.Entry<Long, OwnCheckpoint> e : ownCheckpoints.tailMap(lowWater, false).entrySet()) {
      broadcast(sign(new Checkpoint(self, e.getKey(), e.getValue().digest(), null)));
    }
    boolean work = !pending.isEmpty() || (!slots.isEmpty() && slots.lastKey() > lastExecuted);
    // Ask only when stuck: peers answer a Status with every slot above our last executed, so
    // asking while execution advances would resend the whole pipeline each interval (it did:
    // 1.7 pre-prepares per batch under load). A lost message stalls execution, which asks.
    boolean stuck = work && lastExecuted == lastExecutedAtStatus;
    lastExecutedAtStatus = lastExecuted;
    if (stuck || transfer != null || !active) {
      broadcast(sign(new Status(self, view, active, lastExecuted, lowWater, null)));
    }
    Slot next = slots.get(lastExecuted + 1);
    if (next != null && next.prePrepare != null && PbftRules.stripped(next.prePrepare)) {
      broadcast(sign(new PbftMessage.FetchBatch(self, next.prePrepare.digest(), null)));
    }
    if (transfer != null && transfer.seq() > lastExecuted) {
      // Keep a source that made progress since the last tick; otherwise try another signer afresh.
      long progress = transferBufferSeq == transfer.seq() ? transferBuffer.size() : -1;
      if (transferSource == null || progress <= transferProgressAtLastTick) {
        List<Checkpoint> proof = transfer.proof();
        String from = proof.get(random.nextInt(proof.size())).from();
        if (!from.equals(self)) {
          transferSource = from;
          transferBuffer = new java.io.ByteArrayOutputStream();
          transferBufferSeq = transfer.seq();
          requestStateChunk();
        }
      }
      transferProgressAtLastTick = transferBufferSeq == transfer.seq() ? transferBuffer.size() : -1;
    }
  }

  private void onStatus(Status st) {
    if (!crypto.verify(st.from(), st.signed(), st.signature())) {
      reject("bad-signature");
      return;
    }
    String to = st.from();
    if (st.view() < view || (st.view() == view && !st.active() && active)) {
      sendLastNewView(to);
    }
    if (stable != null && st.lastExecuted() < stable.seq()) {
      for (Checkpoint c : stable.proof()) {
        send(new Outbound(to, c));
      }
    }
    if (!active || st.view() != view || !st.active()) {
      return;
    }
    long from = Math.max(st.lastExecuted(), lowWater);
    for (Slot s : slots.subMap(from, false, from + config.logWindow(), true).values()) {
      if (s.prePrepare == null || s.prePrepare.view() != view) {
        continue;
      }
      if (!PbftRules.stripped(s.prePrepare)) {
        send(new Outbound(to, s.prePrepare));
      }
      if (s.myPrepare != null) {
        send(new Outbound(to, s.myPrepare));
      }
      if (s.myCommit != null) {
        send(new Outbound(to, s.myCommit));
      }
    }
  }

  // ---------------------------------------------------------------- byzantine behaviours

  private void equivocate(PbftMessage m) {
    int i = 0;
    for (String to : config.replicas()) {
      if (to.equals(self)) {
        continue;
      }
      PbftMessage out = m;
      if (++i > 1) {
        if (m instanceof PrePrepare pp) {
          out = sign(new PrePrepare(self, pp.view(), pp.seq(), PbftRules.batchDigest(pp.batch(), i), pp.batch(), i, null));
        } else if (m instanceof Prepare p) {
          out = sign(new Prepare(self, p.view(), p.seq(), randomDigest(), null));
        } else if (m instanceof Commit c) {
          out = sign(new Commit(self, c.view(), c.seq(), randomDigest(), null));
        }
      }
      emit(new Outbound(to, out));
    }
  }

  private void flood() {
    for (int i = 0; i < FLOOD_PER_TICK; i++) {
      String to = config.replicas().get(random.nextInt(config.n()));
      if (to.equals(self)) {
        continue;
      }
      long seq = lowWater + 1 + random.nextInt(config.logWindow() * 2);
      byte[] junkSig = new byte[8];
      random.nextBytes(junkSig);
      PbftMessage junk = switch (random.nextInt(5)) {
        case 0 -> new Request(self + "/0", ticks + 1_000_000L * (i + 1), false, junkSig, junkSig);
        case 1 -> new Prepare(self, view, seq, randomDigest(), junkSig);
        case 2 -> sign(new Commit(self, view + 1 + random.nextInt(5), seq, randomDigest(), null));
        case 3 -> sign(new Checkpoint(self, seq * config.checkpointInterval(), randomDigest(), null));
        default -> new ViewChange(self, view + 1 + random.nextInt(1000), 0, List.of(), List.of(), junkSig);
      };
      outbox.add(new Outbound(to, junk));
    }
  }

  private String randomDigest() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return Canon.sha256(b);
  }

  private PbftMessage forge(PbftMessage m) {
    byte[] sig = m.signature() == null ? new byte[8] : m.signature().clone();
    if (sig.length > 0) {
      sig[random.nextInt(sig.length)] ^= 0x5A;
    }
    if (m instanceof PrePrepare pp) {
      boolean badDigest = random.nextBoolean();
      return new PrePrepare(pp.from(), pp.view(), pp.seq(), badDigest ? randomDigest() : pp.digest(),
          pp.batch(), pp.nonce(), badDigest ? pp.signature() : sig);
    }
    return withSignature(m, sig);
  }

  // ---------------------------------------------------------------- plumbing

  private boolean isPrimary() {
    return config.primary(view).equals(self);
  }

  private Slot slot(long seq) {
    return slots.computeIfAbsent(seq, k -> new Slot());
  }

  /**
   * Whether {@code r} was signed by its client's node, alone or in a {@link RequestBundle}. A
   * signature checked once is remembered: a request arrives from its client and again in the
   * pre-prepare, and the requests of one bundle share one signature.
   */
  private boolean requestValid(Request r) {
    String node = config.clientNode(r.from());
    if (node == null || r.operation() == null || r.signature() == null) {
      return false;
    }
    if (!RequestBundle.isProof(r.signature())) {
      return checkedOnce(r.digest() + Canon.sha256(r.signature()), () -> crypto.verify(node, r.signed(), r.signature()));
    }
    byte[][] digests = RequestBundle.digests(r.signature());
    return digests != null && RequestBundle.lists(digests, r)
        && checkedOnce("bundle:" + node + ":" + Canon.sha256(r.signature()),
            () -> RequestBundle.signatureValid(node, r.signature(), digests, crypto));
  }

  private boolean checkedOnce(String key, java.util.function.BooleanSupplier check) {
    if (verifiedRequests.containsKey(key)) {
      return true;
    }
    boolean ok = check.getAsBoolean();
    if (ok) {
      verifiedRequests.put(key, Boolean.TRUE);
    }
    return ok;
  }

  private void broadcast(PbftMessage m) {
    for (String to : config.replicas()) {
      if (!to.equals(self)) {
        send(new Outbound(to, m));
      }
    }
  }

  private void send(Outbound o) {
    PbftMessage m = o.message();
    if (mode == Byzantine.FORGE && m.from().equals(self)) {
      o = new Outbound(o.to(), forge(m));
    }
    emit(o);
  }

  private void emit(Outbound o) {
    if (mode == Byzantine.SILENT) {
      return;
    }
    outbox.add(o);
  }

  private void reject(String reason) {
    rejected.add(reason);
  }

  @SuppressWarnings("unchecked")
  private <T extends PbftMessage> T sign(T m) {
    return (T) withSignature(m, crypto.sign(m.signed()));
  }

  private static PbftMessage withSignature(PbftMessage m, byte[] sig) {
    if (m instanceof Request r) {
      return new Request(r.from(), r.timestamp(), r.readOnly(), r.operation(), sig);
    } else if (m instanceof PrePrepare pp) {
      return new PrePrepare(pp.from(), pp.view(), pp.seq(), pp.digest(), pp.batch(), pp.nonce(), sig);
    } else if (m instanceof Prepare p) {
      return new Prepare(p.from(), p.view(), p.seq(), p.digest(), sig);
    } else if (m instanceof Commit c) {
      return new Commit(c.from(), c.view(), c.seq(), c.digest(), sig);
    } else if (m instanceof Reply r) {
      return new Reply(r.from(), r.view(), r.client(), r.timestamp(), r.result(), sig);
    } else if (m instanceof PbftMessage.Replies r) {
      return new PbftMessage.Replies(r.from(), r.view(), r.node(), r.entries(), sig);
    } else if (m instanceof Checkpoint c) {
      return new Checkpoint(c.from(), c.seq(), c.digest(), sig);
    } else if (m instanceof ViewChange vc) {
      return new ViewChange(vc.from(), vc.newView(), vc.stableSeq(), vc.stableProof(), vc.prepared(), sig);
    } else if (m instanceof NewView nv) {
      return new NewView(nv.from(), nv.view(), nv.viewChanges(), nv.prePrepares(), sig);
    } else if (m instanceof Status st) {
      return new Status(st.from(), st.view(), st.active(), st.lastExecuted(), st.lowWater(), sig);
    } else if (m instanceof FetchState fs) {
      return new FetchState(fs.from(), fs.seq(), fs.offset(), sig);
    } else if (m instanceof PbftMessage.FetchBatch fb) {
      return new PbftMessage.FetchBatch(fb.from(), fb.digest(), sig);
    } else if (m instanceof PbftMessage.Batch b) {
      return new PbftMessage.Batch(b.from(), b.digest(), b.nonce(), b.batch(), sig);
    } else if (m instanceof StateTransfer st) {
      return new StateTransfer(st.from(), st.seq(), st.offset(), st.total(), st.chunk(), sig);
    }
    throw new IllegalArgumentException("unknown message " + m);
  }

  /** Signs {@code m} with {@code crypto}: for clients, which sign requests with their node's key. */
  public static Request signRequest(Request r, Crypto crypto) {
    return new Request(r.from(), r.timestamp(), r.readOnly(), r.operation(), crypto.sign(r.signed()));
  }

  private static void check(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("PBFT invariant violated: " + what);
    }
  }

  /** The replicated state: the application's snapshot and every client's last reply (deterministic order). */
  private byte[] encodeState() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      byte[] snapshot = app.snapshot();
      out.writeInt(snapshot.length);
      out.write(snapshot);
      out.writeInt(lastReplies.size());
      for (Map.Entry<String, LastReply> e : lastReplies.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue().timestamp());
        out.writeInt(e.getValue().result().length);
        out.write(e.getValue().result());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private void restoreState(byte[] state) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
      byte[] snapshot = in.readNBytes(in.readInt());
      int clients = in.readInt();
      TreeMap<String, LastReply> replies = new TreeMap<>();
      for (int i = 0; i < clients; i++) {
        String client = in.readUTF();
        long ts = in.readLong();
        byte[] result = in.readNBytes(in.readInt());
        replies.put(client, new LastReply(ts, result));
      }
      check(in.available() == 0, "trailing bytes after the state");
      app.restore(snapshot);
      lastReplies.clear();
      lastReplies.putAll(replies);
    } catch (IOException e) {
      throw new IllegalStateException("PBFT invariant violated: state with the right digest does not decode", e);
    }
  }

  /** For tests: the digests this replica executed, by sequence number, still in its log. */
  public Map<Long, String> executedDigests() {
    Map<Long, String> out = new TreeMap<>();
    for (Map.Entry<Long, Slot> e : slots.entrySet()) {
      if (e.getValue().executedDigest != null) {
        out.put(e.getKey(), e.getValue().executedDigest);
      }
    }
    return out;
  }

}
