package clusternode.protocols.kv.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The coordination store's pure core: an MVCC key space (revision = log index of the last change),
 * txns, leases on a lease clock that only ticks move, and lock and election queues built on keys
 * and leases (etcd's {@code concurrency.Mutex} and {@code Election}, server side). Deterministic:
 * no clock, no threads, no I/O; every answer, including every refusal, is decided from the
 * command and the state, so every replica gives the same. A refused command changes nothing.
 */
public final class KvCore {
  private final KvLimits limits;
  Mvcc mvcc;
  Leases leases = new Leases();
  /** Per live queue prefix, the highest fencing token its holders ever had: tokens only grow. */
  TreeMap<String, Long> highestToken = new TreeMap<>();
  private final Set<String> touchedQueues = new HashSet<>();
  long lastApplied;

  public KvCore(KvLimits limits) {
    this.limits = limits;
    this.mvcc = new Mvcc(limits);
  }

  public KvLimits limits() {
    return limits;
  }

  public long lastApplied() {
    return lastApplied;
  }

  public long revision() {
    return mvcc.revision();
  }

  public long compacted() {
    return mvcc.compacted();
  }

  public int liveKeys() {
    return mvcc.liveKeys();
  }

  public int leaseCount() {
    return leases.size();
  }

  /** Takes over a restored core's state (same limits). */
  void adopt(KvCore restored) {
    mvcc = restored.mvcc;
    leases = restored.leases;
    highestToken = restored.highestToken;
    lastApplied = restored.lastApplied;
    touchedQueues.clear();
  }

  /** Marks log index {@code index} as applied; every command goes through here first. */
  public void begin(long index) {
    if (index <= lastApplied) {
      throw new IllegalStateException("KV index " + index + " applied after " + lastApplied);
    }
    lastApplied = index;
  }

  /** Runs after every command: history limits, queue invariants. */
  public void end() {
    for (String prefix : touchedQueues) {
      checkQueue(prefix);
    }
    touchedQueues.clear();
    mvcc.enforceLimits();
    if (mvcc.revision() > lastApplied || mvcc.compacted() > mvcc.revision()) {
      throw new IllegalStateException("revision " + mvcc.revision() + " compacted " + mvcc.compacted()
          + " applied " + lastApplied);
    }
  }

  public KeyValue get(String key) {
    return mvcc.get(key);
  }

  /** A plain put (the binary op), no lease: detaches the key from any lease it had. */
  public long plainPut(String key, byte[] value) {
    write(key, value, 0, lastApplied, "put");
    return lastApplied;
  }

  public boolean plainDelete(String key) {
    return remove(key, lastApplied, "delete");
  }

  public List<Event> eventsFrom(long from, String prefix, int max) {
    return mvcc.eventsFrom(from, prefix, max);
  }

  // ---- commands ----

  public Reply execute(KvCommand c) {
    if (c instanceof KvCommand.Put p) {
      return put(p);
    } else if (c instanceof KvCommand.Delete d) {
      return delete(d);
    } else if (c instanceof KvCommand.Txn t) {
      return Txns.run(this, t);
    } else if (c instanceof KvCommand.Compact k) {
      return compact(k);
    } else if (c instanceof KvCommand.LeaseGrant g) {
      return grant(g);
    } else if (c instanceof KvCommand.LeaseKeepAlive k) {
      return keepAlive(k);
    } else if (c instanceof KvCommand.LeaseRevoke r) {
      return revoke(r);
    } else if (c instanceof KvCommand.Tick t) {
      return tick(t);
    } else if (c instanceof KvCommand.Enqueue e) {
      return Queues.enqueue(this, e);
    } else if (c instanceof KvCommand.Dequeue d) {
      return Queues.dequeue(this, d);
    }
    throw new IllegalStateException("unknown KV command " + c.getClass());
  }

  private Reply put(KvCommand.Put p) {
    String bad = Keys.unwritableReason(p.key());
    if (bad == null) {
      bad = Keys.invalidValue(p.value());
    }
    if (bad != null) {
      return Reply.error(Reply.BAD_REQUEST, bad);
    }
    Reply leaseProblem = leaseProblem(p.lease(), p.key());
    if (leaseProblem != null) {
      return leaseProblem;
    }
    if (p.fenceLock() != null) {
      Reply fenced = Queues.fence(this, p.fenceLock(), p.fenceToken());
      if (fenced != null) {
        return fenced;
      }
    }
    write(p.key(), p.value().getBytes(StandardCharsets.UTF_8), p.lease(), lastApplied, "put");
    return Reply.ok(object().put("revision", lastApplied));
  }

  private Reply delete(KvCommand.Delete d) {
    String bad = Keys.unwritableReason(d.key());
    if (bad != null) {
      return Reply.error(Reply.BAD_REQUEST, bad);
    }
    if (!remove(d.key(), lastApplied, "delete")) {
      return Reply.error(Reply.NOT_FOUND, "no such key: " + d.key());
    }
    return Reply.ok(object().put("deleted", true).put("revision", lastApplied));
  }

  private Reply compact(KvCommand.Compact k) {
    if (k.revision() <= 0 || k.revision() > mvcc.revision()) {
      return Reply.error(Reply.BAD_REQUEST, "compact to a revision from 1 to the current " + mvcc.revision());
    }
    mvcc.compact(k.revision());
    return Reply.ok(object().put("compacted", mvcc.compacted()).put("revision", mvcc.revision()));
  }

  /** Null when a put of {@code key} may attach lease {@code lease} (0: none), else the refusal. */
  Reply leaseProblem(long lease, String key) {
    if (lease == 0) {
      return null;
    }
    if (!limits.leasesEnabled()) {
      return leasesOff();
    }
    Leases.Lease l = leases.get(lease);
    if (l == null) {
      return Reply.error(Reply.NOT_FOUND, "no such lease: " + lease + " (never granted, revoked or expired)");
    }
    if (!l.keys.contains(key) && l.keys.size() >= limits.maxKeysPerLease()) {
      return Reply.error(Reply.TOO_MANY, "lease " + lease + " already holds " + limits.maxKeysPerLease() + " keys");
    }
    return null;
  }

  Reply leasesOff() {
    return Reply.error(Reply.NOT_IMPLEMENTED, "leases, locks and elections need a lease clock that only the Raft leader"
        + " moves; this deployment orders the KV store with PBFT, where no single node may be trusted with time");
  }

  private Reply grant(KvCommand.LeaseGrant g) {
    if (!limits.leasesEnabled()) {
      return leasesOff();
    }
    if (g.ttlMs() < KvLimits.MIN_TTL_MS || g.ttlMs() > KvLimits.MAX_TTL_MS) {
      return Reply.error(Reply.BAD_REQUEST, "ttlMs must be from " + KvLimits.MIN_TTL_MS + " to " + KvLimits.MAX_TTL_MS);
    }
    if (leases.size() >= limits.maxLeases()) {
      return Reply.error(Reply.TOO_MANY, "already " + limits.maxLeases() + " leases; revoke some first");
    }
    Leases.Lease l = leases.grant(lastApplied, g.ttlMs()); // the log index is a unique, deterministic id
    return Reply.ok(object().put("id", l.id).put("ttlMs", l.ttlMs));
  }

  private Reply keepAlive(KvCommand.LeaseKeepAlive k) {
    if (!limits.leasesEnabled()) {
      return leasesOff();
    }
    Leases.Lease l = leases.get(k.id());
    if (l == null) {
      return Reply.error(Reply.NOT_FOUND, "no such lease: " + k.id() + " (never granted, revoked or expired)");
    }
    leases.keepAlive(l);
    return Reply.ok(object().put("id", l.id).put("ttlMs", l.ttlMs));
  }

  private Reply revoke(KvCommand.LeaseRevoke r) {
    if (!limits.leasesEnabled()) {
      return leasesOff();
    }
    Leases.Lease l = leases.get(r.id());
    if (l == null) {
      return Reply.error(Reply.NOT_FOUND, "no such lease: " + r.id());
    }
    int keys = dropLease(l, "lease-revoked:" + l.id);
    return Reply.ok(object().put("revoked", true).put("id", l.id).put("keys", keys).put("revision", mvcc.revision()));
  }

  private Reply tick(KvCommand.Tick t) {
    if (!limits.leasesEnabled()) {
      return leasesOff();
    }
    if (t.proposer() == null || t.proposer().isEmpty() || t.proposer().length() > 256 || t.nowMs() < 0
        || t.intervalMs() < 1 || t.intervalMs() > 60_000 || t.extendMs() < 0 || t.extendMs() > 600_000) {
      return Reply.error(Reply.BAD_REQUEST, "a tick names its proposer, nowMs >= 0, intervalMs 1-60000, extendMs 0-600000");
    }
    ArrayNode expired = KvCodec.MAPPER.createArrayNode();
    for (Leases.Lease l : leases.tick(t.proposer(), t.nowMs(), t.intervalMs(), t.extendMs())) {
      dropLease(l, "lease-expired:" + l.id);
      expired.add(l.id);
    }
    ObjectNode body = object();
    body.set("expired", expired);
    return Reply.ok(body.put("revision", mvcc.revision()));
  }

  /** Deletes the lease's keys (in key order) at this revision, then the lease. */
  private int dropLease(Leases.Lease l, String cause) {
    List<String> keys = new ArrayList<>(l.keys);
    for (String key : keys) {
      if (!remove(key, lastApplied, cause)) {
        throw new IllegalStateException("lease " + l.id + " held key " + key + " that is absent");
      }
    }
    if (!l.keys.isEmpty() || leases.revoke(l.id) != l) {
      throw new IllegalStateException("lease " + l.id + " still holds keys after they were deleted");
    }
    return keys.size();
  }

  // ---- primitives every write goes through: they keep leases and queue checks in step ----

  void write(String key, byte[] value, long lease, long rev, String cause) {
    KeyValue prev = mvcc.put(key, value, lease, rev, cause);
    if (prev != null && prev.lease() != 0 && prev.lease() != lease) {
      detach(prev.lease(), key);
    }
    if (lease != 0) {
      leases.get(lease).keys.add(key);
    }
    touched(key);
  }

  boolean remove(String key, long rev, String cause) {
    KeyValue prev = mvcc.delete(key, rev, cause);
    if (prev == null) {
      return false;
    }
    if (prev.lease() != 0) {
      detach(prev.lease(), key);
    }
    touched(key);
    return true;
  }

  private void detach(long lease, String key) {
    Leases.Lease l = leases.get(lease);
    if (l == null || !l.keys.remove(key)) {
      throw new IllegalStateException("key " + key + " was attached to lease " + lease + " that does not hold it");
    }
  }

  private void touched(String key) {
    if (key.startsWith(Keys.RESERVED_PREFIX)) {
      int slash = key.lastIndexOf('/');
      touchedQueues.add(key.substring(0, slash + 1));
    }
  }

  /** A queue's holder may change only to a member with a larger create revision: tokens only grow. */
  private void checkQueue(String prefix) {
    KeyValue holder = Queues.holderOf(this, prefix);
    if (holder == null) {
      highestToken.remove(prefix); // a later member is created at a later revision, so tokens still grow
      return;
    }
    Long highest = highestToken.get(prefix);
    if (highest != null && holder.createRevision() < highest) {
      throw new IllegalStateException("fencing token of " + prefix + " went back from " + highest + " to "
          + holder.createRevision());
    }
    highestToken.put(prefix, holder.createRevision());
  }

  // ---- queries ----

  public Reply query(KvQuery q) {
    if (q instanceof KvQuery.Range r) {
      return range(r);
    } else if (q instanceof KvQuery.LeaseInfo i) {
      return leaseInfo(i.id());
    } else if (q instanceof KvQuery.Holder h) {
      return Queues.holder(this, h);
    } else if (q instanceof KvQuery.Position p) {
      return Queues.position(this, p);
    }
    return Reply.ok(object().put("revision", mvcc.revision()).put("compacted", mvcc.compacted())
        .put("leases", leases.size()).put("leaseClockMs", leases.clockMs()));
  }

  private Reply range(KvQuery.Range r) {
    String from;
    String to;
    if (r.prefix() != null) {
      if (r.from() != null || r.to() != null) {
        return Reply.error(Reply.BAD_REQUEST, "give either prefix or from/to, not both");
      }
      from = r.prefix();
      to = Keys.prefixEnd(r.prefix());
    } else {
      if (r.from() == null) {
        return Reply.error(Reply.BAD_REQUEST, "a range needs a prefix or a from key");
      }
      from = r.from();
      to = r.to();
      if (to != null && to.compareTo(from) < 0) {
        return Reply.error(Reply.BAD_REQUEST, "to sorts before from");
      }
    }
    if (from.length() > Keys.MAX_KEY_BYTES || (to != null && to.length() > Keys.MAX_KEY_BYTES)) {
      return Reply.error(Reply.BAD_REQUEST, "range bounds are keys of at most " + Keys.MAX_KEY_BYTES + " bytes");
    }
    if (r.limit() < 0 || r.limit() > limits.maxRangeLimit()) {
      return Reply.error(Reply.BAD_REQUEST, "limit must be from 1 to " + limits.maxRangeLimit() + " (0 or absent: the most)");
    }
    long at = r.revision() == 0 ? mvcc.revision() : r.revision();
    if (r.revision() < 0 || at > mvcc.revision()) {
      return Reply.error(Reply.BAD_REQUEST, "revision " + r.revision() + " is in the future; the store is at " + mvcc.revision());
    }
    if (at < mvcc.compacted()) {
      return Reply.error(Reply.GONE, "revision " + at + " was compacted; the oldest readable is " + mvcc.compacted());
    }
    Mvcc.Range found = mvcc.range(from, to, r.limit() == 0 ? limits.maxRangeLimit() : r.limit(), at);
    ArrayNode kvs = KvCodec.MAPPER.createArrayNode();
    for (KeyValue kv : found.kvs()) {
      kvs.add(view(kv));
    }
    ObjectNode body = object().put("revision", at);
    body.set("kvs", kvs);
    return Reply.ok(body.put("more", found.more()));
  }

  private Reply leaseInfo(long id) {
    if (!limits.leasesEnabled()) {
      return leasesOff();
    }
    Leases.Lease l = leases.get(id);
    if (l == null) {
      return Reply.error(Reply.NOT_FOUND, "no such lease: " + id);
    }
    ArrayNode keys = KvCodec.MAPPER.createArrayNode();
    l.keys.forEach(keys::add);
    ObjectNode body = object().put("id", l.id).put("ttlMs", l.ttlMs).put("remainingMs", leases.remainingMs(l));
    body.set("keys", keys);
    return Reply.ok(body);
  }

  /** A key version as the API shows it. */
  public static ObjectNode view(KeyValue kv) {
    ObjectNode n = object().put("key", kv.key());
    if (!kv.tombstone()) {
      n.put("value", new String(kv.value(), StandardCharsets.UTF_8));
    }
    n.put("createRevision", kv.createRevision()).put("modRevision", kv.modRevision()).put("version", kv.version());
    if (kv.lease() != 0) {
      n.put("lease", kv.lease());
    }
    return n;
  }

  static ObjectNode object() {
    return KvCodec.MAPPER.createObjectNode();
  }

  /** Every invariant, O(state): tests call it after each step; restore calls it once. */
  public void checkInvariants() {
    mvcc.checkInvariants();
    int attached = 0;
    for (Leases.Lease l : leases.all()) {
      for (String key : l.keys) {
        KeyValue kv = mvcc.get(key);
        if (kv == null || kv.lease() != l.id) {
          throw new IllegalStateException("lease " + l.id + " holds " + key + " which is not attached to it");
        }
      }
      attached += l.keys.size();
    }
    int withLease = 0;
    for (Map.Entry<String, ArrayList<KeyValue>> e : mvcc.allVersions()) {
      KeyValue kv = mvcc.get(e.getKey());
      if (kv != null && kv.lease() != 0) {
        withLease++;
      }
    }
    if (withLease != attached) {
      throw new IllegalStateException(withLease + " keys carry a lease but leases hold " + attached);
    }
    if (mvcc.revision() > lastApplied) {
      throw new IllegalStateException("revision beyond the last applied index");
    }
  }

  static List<KeyValue> byCreateRevision(List<KeyValue> members) {
    members.sort(Comparator.comparingLong(KeyValue::createRevision));
    return members;
  }

  static JsonNode text(String s) {
    return KvCodec.MAPPER.getNodeFactory().textNode(s);
  }

  static TreeSet<String> sorted(Set<String> s) {
    return new TreeSet<>(s);
  }
}
