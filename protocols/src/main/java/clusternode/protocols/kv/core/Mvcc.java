package clusternode.protocols.kv.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The multi-version key space (etcd's {@code mvcc} in miniature): every key keeps its versions
 * since the compacted revision, and the events of every revision since then, in order. The events
 * serve watchers that resume from a revision; the versions serve reads at an older revision.
 *
 * <p>History is bounded by three limits (revisions, events, bytes); beyond any of them the oldest
 * revisions are compacted. Every replica applies the same commands with the same limits, so every
 * replica compacts at the same revisions. Pure: no clock, no threads.
 */
final class Mvcc {
  private final TreeMap<String, ArrayList<KeyValue>> versions = new TreeMap<>();
  private final ArrayDeque<Event> events = new ArrayDeque<>();
  private final KvLimits limits;
  private long revision;
  private long compacted;
  private long historyBytes;
  private int live;

  Mvcc(KvLimits limits) {
    this.limits = limits;
  }

  long revision() {
    return revision;
  }

  long compacted() {
    return compacted;
  }

  int liveKeys() {
    return live;
  }

  /** The current version of {@code key}, null if absent. */
  KeyValue get(String key) {
    ArrayList<KeyValue> vs = versions.get(key);
    if (vs == null) {
      return null;
    }
    KeyValue last = vs.get(vs.size() - 1);
    return last.tombstone() ? null : last;
  }

  /** {@code key} as of revision {@code at} (caller checked compacted <= at <= revision). */
  KeyValue getAt(String key, long at) {
    ArrayList<KeyValue> vs = versions.get(key);
    if (vs == null) {
      return null;
    }
    for (int i = vs.size() - 1; i >= 0; i--) {
      KeyValue v = vs.get(i);
      if (v.modRevision() <= at) {
        return v.tombstone() ? null : v;
      }
    }
    return null;
  }

  /**
   * Keys in [from, to) (to null: no upper end) as of revision {@code at}, at most {@code limit};
   * {@code more} says whether more keys were in range.
   */
  Range range(String from, String to, int limit, long at) {
    NavigableMap<String, ArrayList<KeyValue>> span = to == null ? versions.tailMap(from, true) : versions.subMap(from, true, to, false);
    List<KeyValue> kvs = new ArrayList<>();
    boolean more = false;
    for (String key : span.keySet()) {
      KeyValue kv = at == revision ? get(key) : getAt(key, at);
      if (kv == null) {
        continue;
      }
      if (kvs.size() == limit) {
        more = true;
        break;
      }
      kvs.add(kv);
    }
    return new Range(kvs, more);
  }

  record Range(List<KeyValue> kvs, boolean more) {}

  /** Live keys in [from, to), all of them (callers bound the span: lock and election queues). */
  List<KeyValue> live(String from, String to) {
    List<KeyValue> out = new ArrayList<>();
    for (String key : versions.subMap(from, true, to, false).keySet()) {
      KeyValue kv = get(key);
      if (kv != null) {
        out.add(kv);
      }
    }
    return out;
  }

  /** Writes {@code key} at revision {@code rev}; returns the previous version (null if none). */
  KeyValue put(String key, byte[] value, long lease, long rev, String cause) {
    advance(rev);
    KeyValue prev = get(key);
    KeyValue kv = new KeyValue(key, value, prev == null ? rev : prev.createRevision(), rev,
        prev == null ? 1 : prev.version() + 1, lease);
    if (prev != null && prev.modRevision() == rev) {
      throw new IllegalStateException("key " + key + " written twice at revision " + rev);
    }
    versions.computeIfAbsent(key, k -> new ArrayList<>(2)).add(kv);
    if (prev == null) {
      live++;
    }
    record(new Event(rev, Event.Type.PUT, kv, cause));
    return prev;
  }

  /** Deletes {@code key} at revision {@code rev}; returns the deleted version, null if it was absent. */
  KeyValue delete(String key, long rev, String cause) {
    KeyValue prev = get(key);
    if (prev == null) {
      return null;
    }
    if (prev.modRevision() == rev) {
      throw new IllegalStateException("key " + key + " changed twice at revision " + rev);
    }
    advance(rev);
    KeyValue tomb = new KeyValue(key, null, prev.createRevision(), rev, 0, 0);
    versions.get(key).add(tomb);
    live--;
    record(new Event(rev, Event.Type.DELETE, tomb, cause));
    return prev;
  }

  private void advance(long rev) {
    if (rev < revision) {
      throw new IllegalStateException("revision " + rev + " after " + revision);
    }
    revision = rev;
  }

  private void record(Event e) {
    events.addLast(e);
    historyBytes += e.bytes();
  }

  /** Compacts what the limits no longer allow; called once per command, after it. */
  void enforceLimits() {
    if (revision - compacted > limits.retainRevisions()) {
      compact(newestChangeAtOrBefore(revision - limits.retainRevisions()));
    }
    while (!events.isEmpty() && (events.size() > limits.historyMaxEvents() || historyBytes > limits.historyMaxBytes())) {
      compact(events.peekFirst().revision());
    }
  }

  /**
   * The revision of the newest change at or before {@code bound}, or {@link #compacted} if none.
   * Retention counts log indices, and commands that change nothing (lease keep-alives, ticks) take
   * indices too: compacting to the bound itself would refuse watchers and reads just past the last
   * change for revisions that held nothing to forget.
   */
  private long newestChangeAtOrBefore(long bound) {
    long newest = compacted;
    for (Event e : events) {
      if (e.revision() > bound) {
        break;
      }
      newest = e.revision();
    }
    return newest;
  }

  /**
   * Forgets every revision up to {@code to}: reads at an older revision and watches from
   * {@code to} or earlier are refused afterwards. The current state is untouched.
   */
  void compact(long to) {
    if (to <= compacted) {
      return;
    }
    if (to > revision) {
      throw new IllegalStateException("compaction to " + to + " beyond revision " + revision);
    }
    compacted = to;
    while (!events.isEmpty() && events.peekFirst().revision() <= to) {
      Event e = events.pollFirst();
      historyBytes -= e.bytes();
      prune(e.kv().key(), to);
    }
  }

  /** Drops the versions of {@code key} that no read at {@code compacted} or later can see. */
  private void prune(String key, long to) {
    ArrayList<KeyValue> vs = versions.get(key);
    if (vs == null) {
      return;
    }
    int newestAtOrBefore = -1;
    for (int i = 0; i < vs.size() && vs.get(i).modRevision() <= to; i++) {
      newestAtOrBefore = i;
    }
    if (newestAtOrBefore > 0) {
      vs.subList(0, newestAtOrBefore).clear();
    }
    if (newestAtOrBefore >= 0 && vs.get(0).tombstone()) {
      vs.remove(0);
    }
    if (vs.isEmpty()) {
      versions.remove(key);
    }
  }

  /**
   * Events with revision >= {@code from} whose key starts with {@code prefix}: about {@code max},
   * never splitting a revision (a watcher sees each revision's events together), so a revision's
   * events may take it a little past {@code max} (bounded by the txn and lease limits).
   */
  List<Event> eventsFrom(long from, String prefix, int max) {
    ArrayDeque<Event> tail = new ArrayDeque<>();
    Iterator<Event> back = events.descendingIterator();
    while (back.hasNext()) { // watchers mostly want the newest: walk back to `from`, then forward
      Event e = back.next();
      if (e.revision() < from) {
        break;
      }
      tail.addFirst(e);
    }
    List<Event> out = new ArrayList<>();
    for (Event e : tail) {
      if (out.size() >= max && out.get(out.size() - 1).revision() != e.revision()) {
        break;
      }
      if (e.kv().key().startsWith(prefix)) {
        out.add(e);
      }
    }
    return out;
  }

  Iterable<Map.Entry<String, ArrayList<KeyValue>>> allVersions() {
    return versions.entrySet();
  }

  Iterable<Event> allEvents() {
    return events;
  }

  /** Restores state read from a snapshot; the caller checked each piece. */
  void restore(long revision, long compacted, Map<String, ArrayList<KeyValue>> versions, List<Event> events) {
    this.versions.clear();
    this.versions.putAll(versions);
    this.events.clear();
    this.historyBytes = 0;
    for (Event e : events) {
      record(e);
    }
    this.revision = revision;
    this.compacted = compacted;
    this.live = 0;
    for (String key : versions.keySet()) {
      if (get(key) != null) {
        live++;
      }
    }
  }

  /** O(keys + events): for tests and after restore. */
  void checkInvariants() {
    int liveCount = 0;
    for (Map.Entry<String, ArrayList<KeyValue>> e : versions.entrySet()) {
      long prevRev = 0;
      if (e.getValue().isEmpty()) {
        throw new IllegalStateException("key " + e.getKey() + " without versions");
      }
      for (KeyValue kv : e.getValue()) {
        if (!kv.key().equals(e.getKey()) || kv.modRevision() <= prevRev || kv.modRevision() > revision) {
          throw new IllegalStateException("versions of " + e.getKey() + " out of order");
        }
        prevRev = kv.modRevision();
      }
      if (get(e.getKey()) != null) {
        liveCount++;
      }
    }
    if (liveCount != live) {
      throw new IllegalStateException("live key count " + live + " but " + liveCount + " keys are live");
    }
    long prev = compacted;
    for (Event ev : events) {
      if (ev.revision() < prev || ev.revision() <= compacted || ev.revision() > revision) {
        throw new IllegalStateException("event history out of order at " + ev.revision());
      }
      prev = ev.revision();
    }
  }
}
