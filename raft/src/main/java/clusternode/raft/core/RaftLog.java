package clusternode.raft.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The in-memory view of one server's log: the latest snapshot plus the entries after it. Pure
 * bookkeeping; the decisions (what to truncate, when to compact) belong to {@link RaftCore}.
 * Every mutation checks the log invariants: indexes contiguous, terms never decreasing.
 */
final class RaftLog {
  /** Returned by {@link #term} for an index this log cannot answer for (compacted or beyond). */
  static final long UNKNOWN = -1;

  private Snapshot snapshot;
  private final ArrayList<Entry> entries = new ArrayList<>();

  RaftLog(Snapshot snapshot, List<Entry> recovered) {
    this.snapshot = snapshot;
    for (Entry e : recovered) {
      append(e);
    }
  }

  Snapshot snapshot() {
    return snapshot;
  }

  long snapshotIndex() {
    return snapshot.index();
  }

  long firstIndex() {
    return snapshot.index() + 1;
  }

  long lastIndex() {
    return snapshot.index() + entries.size();
  }

  long lastTerm() {
    return term(lastIndex());
  }

  long term(long index) {
    if (index == snapshot.index()) {
      return snapshot.term();
    }
    if (index < snapshot.index() || index > lastIndex()) {
      return UNKNOWN;
    }
    return entry(index).term();
  }

  Entry entry(long index) {
    if (index < firstIndex() || index > lastIndex()) {
      throw new IllegalArgumentException(
          "no entry " + index + " in log [" + firstIndex() + ", " + lastIndex() + "]");
    }
    return entries.get((int) (index - firstIndex()));
  }

  void append(Entry e) {
    if (e.index() != lastIndex() + 1) {
      throw new IllegalStateException("log gap: appending " + e.index() + " after " + lastIndex());
    }
    if (e.term() < lastTerm()) {
      throw new IllegalStateException(
          "log term decreases: " + e + " after term " + lastTerm());
    }
    entries.add(e);
  }

  /** Removes entries at index and above. */
  void truncateFrom(long index) {
    if (index < firstIndex() || index > lastIndex()) {
      throw new IllegalStateException(
          "truncate at " + index + " outside [" + firstIndex() + ", " + lastIndex() + "]");
    }
    entries.subList((int) (index - firstIndex()), entries.size()).clear();
  }

  /**
   * Entries from {@code from} to {@code to} inclusive, at most maxCount of them and within
   * maxBytes, but always at least one so that a large entry still makes progress.
   */
  List<Entry> slice(long from, long to, int maxCount, long maxBytes) {
    List<Entry> out = new ArrayList<>();
    long bytes = 0;
    for (long i = from; i <= to && out.size() < maxCount; i++) {
      Entry e = entry(i);
      bytes += e.sizeBytes();
      if (!out.isEmpty() && bytes > maxBytes) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  /** Replaces the prefix up to s.index() by the snapshot the local state machine took. */
  void compact(Snapshot s) {
    if (s.index() <= snapshot.index() || s.index() > lastIndex()) {
      throw new IllegalStateException("cannot compact to " + s.index() + ", log is ["
          + firstIndex() + ", " + lastIndex() + "]");
    }
    if (term(s.index()) != s.term()) {
      throw new IllegalStateException("snapshot term " + s.term() + " differs from log term "
          + term(s.index()) + " at " + s.index());
    }
    entries.subList(0, (int) (s.index() - snapshot.index())).clear();
    snapshot = s;
  }

  /** Replaces the whole log by a snapshot received from the leader (Raft §7). */
  void restore(Snapshot s) {
    entries.clear();
    snapshot = s;
  }

  /** Raft §5.4.1: is (lastIndex, lastTerm) at least as up-to-date as this log? */
  boolean isUpToDate(long otherLastIndex, long otherLastTerm) {
    return otherLastTerm > lastTerm() || (otherLastTerm == lastTerm() && otherLastIndex >= lastIndex());
  }

  /** The last index <= atMost whose term is {@code t}, or UNKNOWN. Scans back, stops early. */
  long lastIndexOfTerm(long t, long atMost) {
    for (long i = Math.min(atMost, lastIndex()); i >= snapshot.index(); i--) {
      long ti = term(i);
      if (ti == t) {
        return i;
      }
      if (ti < t) {
        return UNKNOWN;
      }
    }
    return UNKNOWN;
  }

  /** The membership in force at {@code index}: the latest config entry at or before it. */
  Membership membershipAt(long index) {
    for (long i = Math.min(index, lastIndex()); i >= firstIndex(); i--) {
      Entry e = entry(i);
      if (e.type() == EntryType.CONFIG) {
        return Membership.decode(e.data());
      }
    }
    return snapshot.membership();
  }

  /** Index of the latest config entry, or the snapshot index if none is in the log. */
  long lastConfigIndex() {
    for (long i = lastIndex(); i >= firstIndex(); i--) {
      if (entry(i).type() == EntryType.CONFIG) {
        return i;
      }
    }
    return snapshot.index();
  }
}
