package clusternode.gossip.core;

import clusternode.gossip.core.SyncMessage.Delta;
import clusternode.gossip.core.SyncMessage.Digest;
import clusternode.gossip.core.SyncMessage.Read;
import clusternode.gossip.core.SyncMessage.ReadReply;
import clusternode.gossip.core.SyncMessage.Replicate;
import clusternode.gossip.core.SyncMessage.States;
import clusternode.gossip.core.SyncMessage.WriteAck;
import clusternode.gossip.crdt.Crdt;
import clusternode.gossip.crdt.VectorClock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A replica of the CRDT store, as a pure state machine: local writes, delta replication with
 * acknowledgements (for write quorums), quorum reads with read repair, and periodic push-pull
 * anti-entropy with a random live peer in which only the states the other side lacks travel.
 *
 * <p>Each key's state has a version vector ({@link Versioned}). Anti-entropy compares vectors: a
 * key whose vector is not covered by the peer's is pushed, one whose peer vector is not covered
 * is pulled. Deltas are merged only where they apply causally (the receiver's vector covers the
 * writer's vector before the write); otherwise the writer falls back to the whole state, so the
 * vectors never claim more than the state holds.
 */
public final class AntiEntropyCore {
  /** A write or read finished: enough replicas answered ({@code ok}) or the timeout passed. */
  public record Done(long requestId, boolean ok, int answered, int needed, Versioned state) {}

  /** Limits: keys held, states per message, tracked convergences. */
  public record Limits(int maxKeys, int maxStatesPerMessage, int maxPendingRequests) {
    public Limits {
      if (maxKeys < 1 || maxStatesPerMessage < 1 || maxPendingRequests < 1) {
        throw new IllegalArgumentException("limits must be positive");
      }
    }
  }

  private static final class Pending {
    final long id;
    final String key;
    final boolean write;
    final int needed;
    final long deadlineTick;
    final Set<String> answered = new HashSet<>();

    Pending(long id, String key, boolean write, int needed, long deadlineTick) {
      this.id = id;
      this.key = key;
      this.write = write;
      this.needed = needed;
      this.deadlineTick = deadlineTick;
    }
  }

  private record Tracked(VectorClock version, long startTick) {}

  private static final int MAX_TRACKED = 1024;

  private final String selfId;
  private final String replicaId;
  private final int periodTicks;
  private final Limits limits;
  private final Random random;
  private final TreeMap<String, Versioned> store = new TreeMap<>();
  private final Map<String, Map<String, VectorClock>> peerVersions = new TreeMap<>();
  private final Map<Long, Pending> pending = new LinkedHashMap<>();
  private final LinkedHashMap<String, Tracked> tracked = new LinkedHashMap<>();
  private final List<Outbound<SyncMessage>> outbox = new ArrayList<>();
  private final List<Done> done = new ArrayList<>();
  private List<String> alivePeers = List.of();
  private long tick;
  private long nextExchangeTick;
  private long lastConvergenceTicks = -1;
  private long rejected;

  /**
   * @param replicaId this replica's id inside CRDT states and version vectors: unique per process
   *     life (e.g. node id plus a start-up nonce), so a restarted node never reuses its old counts
   * @param periodTicks a push-pull exchange every this many ticks
   */
  public AntiEntropyCore(String selfId, String replicaId, int periodTicks, Limits limits, Random random) {
    if (periodTicks < 1) {
      throw new IllegalArgumentException("anti-entropy period must be at least 1 tick");
    }
    this.selfId = selfId;
    this.replicaId = replicaId;
    this.periodTicks = periodTicks;
    this.limits = limits;
    this.random = random;
    this.nextExchangeTick = 1 + random.nextInt(periodTicks);
  }

  // ---------------------------------------------------------------- local reads and writes

  public Versioned get(String key) {
    return store.get(key);
  }

  public Set<String> keys() {
    return Collections.unmodifiableSet(store.keySet());
  }

  public String replicaId() {
    return replicaId;
  }

  /**
   * Applies {@code delta} to {@code key} here and replicates it to {@code targets}; {@link Done}
   * comes when {@code needed} replicas (this one included) hold it, or after {@code timeoutTicks}.
   *
   * @throws IllegalArgumentException if the key holds another CRDT type
   * @throws IllegalStateException if the key is new and the store is full
   * @throws Busy if too many requests wait for replicas (nothing was applied)
   */
  public void write(long requestId, String key, Crdt<?> delta, List<String> targets, int needed, long timeoutTicks) {
    requireRoomForRequest(); // before anything changes: a refused write must not be applied here
    Versioned current = store.get(key);
    if (current == null && store.size() >= limits.maxKeys()) {
      throw new IllegalStateException("the store holds " + limits.maxKeys() + " keys, its limit");
    }
    VectorClock since = current == null ? VectorClock.EMPTY : current.version();
    VectorClock after = since.increment(replicaId);
    Crdt<?> data = current == null ? delta : Crdt.mergeAny(current.data(), delta);
    store.put(key, new Versioned(data, after));
    track(key, after);
    Pending p = admit(requestId, key, true, needed, timeoutTicks);
    for (String t : targets) {
      send(t, new Delta(selfId, requestId, key, delta, since, after));
    }
    finishIfDone(p);
  }

  /** Asks {@code targets} for their state of {@code key}; {@link Done} carries the merge of the replies and ours. */
  public void read(long requestId, String key, List<String> targets, int needed, long timeoutTicks) {
    requireRoomForRequest();
    Pending p = admit(requestId, key, false, needed, timeoutTicks);
    for (String t : targets) {
      send(t, new Read(selfId, requestId, key));
    }
    finishIfDone(p);
  }

  /** Thrown when {@code maxPendingRequests} requests already wait for replicas; nothing was changed. */
  public static final class Busy extends IllegalStateException {
    Busy(String message) {
      super(message);
    }
  }

  private void requireRoomForRequest() {
    if (pending.size() >= limits.maxPendingRequests()) {
      throw new Busy(pending.size() + " requests are waiting for replicas (cluster-node.gossip.max-pending-requests);"
          + " nothing was changed, retry later");
    }
  }

  private Pending admit(long requestId, String key, boolean write, int needed, long timeoutTicks) {
    requireRoomForRequest();
    Pending p = new Pending(requestId, key, write, needed, tick + timeoutTicks);
    p.answered.add(selfId);
    pending.put(requestId, p);
    return p;
  }

  private void finishIfDone(Pending p) {
    if (p.answered.size() >= p.needed && pending.remove(p.id) != null) {
      done.add(new Done(p.id, true, p.answered.size(), p.needed, store.get(p.key)));
    }
  }

  // ---------------------------------------------------------------- time and messages

  /** Time passes by one tick; {@code alive} are the peers membership believes alive. */
  public void tick(List<String> alive) {
    tick++;
    alivePeers = List.copyOf(alive);
    Iterator<Pending> it = pending.values().iterator();
    while (it.hasNext()) {
      Pending p = it.next();
      if (tick >= p.deadlineTick) {
        it.remove();
        done.add(new Done(p.id, false, p.answered.size(), p.needed, store.get(p.key)));
      }
    }
    if (tick >= nextExchangeTick) {
      nextExchangeTick = tick + periodTicks;
      if (!alivePeers.isEmpty()) {
        send(alivePeers.get(random.nextInt(alivePeers.size())), new Digest(selfId, digest()));
      }
    }
  }

  public void receive(SyncMessage message) {
    if (message.from().equals(selfId)) {
      return;
    }
    try {
      if (message instanceof Digest d) {
        onDigest(d);
      } else if (message instanceof States s) {
        onStates(s);
      } else if (message instanceof Delta d) {
        onDelta(d);
      } else if (message instanceof Replicate r) {
        merge(r.key(), r.state());
        send(r.from(), new WriteAck(selfId, r.requestId(), r.key(), versionOf(r.key()), true));
      } else if (message instanceof WriteAck a) {
        onWriteAck(a);
      } else if (message instanceof Read r) {
        send(r.from(), new ReadReply(selfId, r.requestId(), r.key(), store.get(r.key())));
      } else if (message instanceof ReadReply r) {
        onReadReply(r);
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      rejected++; // a type mismatch or a full store: dropped, never half-merged
    }
  }

  private void onDigest(Digest d) {
    notePeer(d.from(), d.versions());
    Map<String, Versioned> push = new TreeMap<>();
    List<String> wanted = new ArrayList<>();
    TreeSet<String> keys = new TreeSet<>(store.keySet());
    keys.addAll(d.versions().keySet());
    for (String key : keys) {
      Versioned mine = store.get(key);
      VectorClock theirs = d.versions().get(key);
      if (mine != null && (theirs == null || !mine.version().leq(theirs)) && push.size() < limits.maxStatesPerMessage()) {
        push.put(key, mine);
      }
      if (theirs != null && (mine == null || !theirs.leq(mine.version())) && wanted.size() < limits.maxStatesPerMessage()) {
        wanted.add(key);
      }
    }
    send(d.from(), new States(selfId, push, wanted, digest()));
    push.forEach((k, v) -> notePeerKey(d.from(), k, v.version()));
  }

  private void onStates(States s) {
    if (s.versions() != null) {
      notePeer(s.from(), s.versions());
    }
    s.states().forEach((k, v) -> {
      merge(k, v);
      notePeerKey(s.from(), k, v.version());
    });
    if (!s.wanted().isEmpty()) {
      Map<String, Versioned> reply = new TreeMap<>();
      for (String k : s.wanted()) {
        Versioned v = store.get(k);
        if (v != null && reply.size() < limits.maxStatesPerMessage()) {
          reply.put(k, v);
          notePeerKey(s.from(), k, v.version());
        }
      }
      send(s.from(), new States(selfId, reply, List.of(), null));
    }
  }

  private void onDelta(Delta d) {
    Versioned current = store.get(d.key());
    VectorClock have = current == null ? VectorClock.EMPTY : current.version();
    if (!d.since().leq(have)) {
      send(d.from(), new WriteAck(selfId, d.requestId(), d.key(), have, false));
      return;
    }
    if (current == null && store.size() >= limits.maxKeys()) {
      throw new IllegalStateException("store full");
    }
    Crdt<?> data = current == null ? d.delta() : Crdt.mergeAny(current.data(), d.delta());
    store.put(d.key(), new Versioned(data, have.merge(d.after())));
    send(d.from(), new WriteAck(selfId, d.requestId(), d.key(), versionOf(d.key()), true));
  }

  private void onWriteAck(WriteAck a) {
    if (!a.applied()) {
      Versioned mine = store.get(a.key());
      if (mine != null) {
        send(a.from(), new Replicate(selfId, a.requestId(), a.key(), mine));
      }
      return;
    }
    notePeerKey(a.from(), a.key(), a.version());
    Pending p = pending.get(a.requestId());
    if (p != null && p.write) {
      p.answered.add(a.from());
      finishIfDone(p);
    }
  }

  private void onReadReply(ReadReply r) {
    if (r.state() != null) {
      merge(r.key(), r.state()); // read repair: what the replica knew is now known here too
      notePeerKey(r.from(), r.key(), r.state().version());
    }
    Pending p = pending.get(r.requestId());
    if (p != null && !p.write && p.key.equals(r.key())) {
      p.answered.add(r.from());
      finishIfDone(p);
    }
  }

  private void merge(String key, Versioned incoming) {
    Versioned current = store.get(key);
    if (current == null && store.size() >= limits.maxKeys()) {
      throw new IllegalStateException("store full");
    }
    store.put(key, current == null ? incoming : current.merge(incoming));
  }

  private VectorClock versionOf(String key) {
    Versioned v = store.get(key);
    return v == null ? VectorClock.EMPTY : v.version();
  }

  private Map<String, VectorClock> digest() {
    Map<String, VectorClock> d = new TreeMap<>();
    store.forEach((k, v) -> d.put(k, v.version()));
    return d;
  }

  // ---------------------------------------------------------------- what others hold

  private void notePeer(String peer, Map<String, VectorClock> versions) {
    if (versions.size() > limits.maxKeys()) {
      return;
    }
    Map<String, VectorClock> known = peerVersions.computeIfAbsent(peer, p -> new TreeMap<>());
    versions.forEach((k, v) -> known.merge(k, v, VectorClock::merge));
    checkConvergence();
  }

  private void notePeerKey(String peer, String key, VectorClock version) {
    Map<String, VectorClock> known = peerVersions.computeIfAbsent(peer, p -> new TreeMap<>());
    if (known.size() < limits.maxKeys() || known.containsKey(key)) {
      known.merge(key, version, VectorClock::merge);
    }
    checkConvergence();
  }

  private void track(String key, VectorClock version) {
    tracked.remove(key);
    tracked.put(key, new Tracked(version, tick));
    if (tracked.size() > MAX_TRACKED) {
      tracked.remove(tracked.keySet().iterator().next());
    }
  }

  /** A local write has converged when every live peer is known to hold it. */
  private void checkConvergence() {
    Iterator<Map.Entry<String, Tracked>> it = tracked.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Tracked> e = it.next();
      boolean all = true;
      for (String peer : alivePeers) {
        VectorClock v = peerVersions.getOrDefault(peer, Map.of()).get(e.getKey());
        if (v == null || !e.getValue().version().leq(v)) {
          all = false;
          break;
        }
      }
      if (all) {
        lastConvergenceTicks = tick - e.getValue().startTick();
        it.remove();
      }
    }
  }

  /**
   * Per key, the newest version this replica knows of (the merge of its own and its peers' last
   * reported vectors) and which members hold it, as far as this replica knows.
   */
  public Map<String, List<String>> holdersOfNewest(List<String> members) {
    Map<String, List<String>> out = new TreeMap<>();
    TreeSet<String> keys = new TreeSet<>(store.keySet());
    peerVersions.values().forEach(m -> keys.addAll(m.keySet()));
    for (String key : keys) {
      VectorClock newest = versionOf(key);
      for (Map<String, VectorClock> m : peerVersions.values()) {
        newest = newest.merge(m.getOrDefault(key, VectorClock.EMPTY));
      }
      List<String> holders = new ArrayList<>();
      for (String member : members) {
        VectorClock v = member.equals(selfId) ? versionOf(key)
            : peerVersions.getOrDefault(member, Map.of()).getOrDefault(key, VectorClock.EMPTY);
        if (newest.leq(v)) {
          holders.add(member);
        }
      }
      out.put(key, holders);
    }
    return out;
  }

  /** Ticks from the last local write that converged until every live peer held it; -1 if none yet. */
  public long lastConvergenceTicks() {
    return lastConvergenceTicks;
  }

  /** Messages dropped because they did not fit: a CRDT type mismatch or a full store. */
  public long rejected() {
    return rejected;
  }

  public long tickCount() {
    return tick;
  }

  public List<Outbound<SyncMessage>> takeOutbox() {
    List<Outbound<SyncMessage>> out = List.copyOf(outbox);
    outbox.clear();
    return out;
  }

  public List<Done> takeDone() {
    List<Done> out = List.copyOf(done);
    done.clear();
    return out;
  }

  private void send(String to, SyncMessage m) {
    outbox.add(new Outbound<>(to, m));
  }
}
