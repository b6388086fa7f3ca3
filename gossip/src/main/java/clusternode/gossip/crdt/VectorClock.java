package clusternode.gossip.crdt;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A vector clock (or version vector): for each replica id, how many of its events are included.
 * Missing entries are zero; zero entries are never stored, so equal clocks are equal records.
 */
public record VectorClock(SortedMap<String, Long> entries) {
  public static final VectorClock EMPTY = new VectorClock(new TreeMap<>());

  /** How two clocks relate: this one happened BEFORE, AFTER, is EQUAL to, or is CONCURRENT with the other. */
  public enum Order { BEFORE, AFTER, EQUAL, CONCURRENT }

  public VectorClock {
    TreeMap<String, Long> copy = new TreeMap<>();
    for (Map.Entry<String, Long> e : entries.entrySet()) {
      long v = e.getValue();
      if (e.getKey() == null || v < 0) {
        throw new IllegalArgumentException("vector clock entries need a replica id and a count >= 0: " + entries);
      }
      if (v > 0) {
        copy.put(e.getKey(), v);
      }
    }
    entries = Collections.unmodifiableSortedMap(copy);
  }

  public static VectorClock of(Map<String, Long> entries) {
    return new VectorClock(new TreeMap<>(entries));
  }

  public long get(String replica) {
    return entries.getOrDefault(replica, 0L);
  }

  public VectorClock increment(String replica) {
    TreeMap<String, Long> copy = new TreeMap<>(entries);
    copy.put(replica, Math.addExact(get(replica), 1));
    return new VectorClock(copy);
  }

  /** The pointwise maximum. */
  public VectorClock merge(VectorClock other) {
    TreeMap<String, Long> copy = new TreeMap<>(entries);
    other.entries.forEach((k, v) -> copy.merge(k, v, Math::max));
    return new VectorClock(copy);
  }

  /** Whether every entry of this clock is at most the other's ({@code BEFORE} or {@code EQUAL}). */
  public boolean leq(VectorClock other) {
    for (Map.Entry<String, Long> e : entries.entrySet()) {
      if (e.getValue() > other.get(e.getKey())) {
        return false;
      }
    }
    return true;
  }

  public Order compare(VectorClock other) {
    boolean le = leq(other);
    boolean ge = other.leq(this);
    if (le && ge) {
      return Order.EQUAL;
    }
    if (le) {
      return Order.BEFORE;
    }
    return ge ? Order.AFTER : Order.CONCURRENT;
  }

  @Override
  public String toString() {
    return entries.toString();
  }
}
