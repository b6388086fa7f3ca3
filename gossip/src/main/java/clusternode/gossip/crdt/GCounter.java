package clusternode.gossip.crdt;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** A grow-only counter: one non-decreasing count per replica; the value is their sum. */
public record GCounter(SortedMap<String, Long> counts) implements Crdt<GCounter> {
  public static final GCounter EMPTY = new GCounter(new TreeMap<>());

  public GCounter {
    TreeMap<String, Long> copy = new TreeMap<>();
    for (var e : counts.entrySet()) {
      if (e.getKey() == null || e.getValue() == null || e.getValue() < 0) {
        throw new IllegalArgumentException("counts must be >= 0 per replica: " + counts);
      }
      if (e.getValue() > 0) {
        copy.put(e.getKey(), e.getValue());
      }
    }
    counts = Collections.unmodifiableSortedMap(copy);
  }

  public long value() {
    long sum = 0;
    for (long v : counts.values()) {
      sum = Math.addExact(sum, v);
    }
    return sum;
  }

  /** The value without overflow: the sum of many replicas' counts may exceed a long. */
  public java.math.BigInteger exactValue() {
    java.math.BigInteger sum = java.math.BigInteger.ZERO;
    for (long v : counts.values()) {
      sum = sum.add(java.math.BigInteger.valueOf(v));
    }
    return sum;
  }

  /** The delta that adds {@code amount} (>= 0) on behalf of {@code replica}. */
  public GCounter incrementDelta(String replica, long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("a grow-only counter cannot decrease: " + amount);
    }
    TreeMap<String, Long> d = new TreeMap<>();
    d.put(replica, Math.addExact(counts.getOrDefault(replica, 0L), amount));
    return new GCounter(d);
  }

  public GCounter increment(String replica, long amount) {
    return merge(incrementDelta(replica, amount));
  }

  @Override
  public GCounter merge(GCounter other) {
    TreeMap<String, Long> m = new TreeMap<>(counts);
    other.counts.forEach((k, v) -> m.merge(k, v, Math::max));
    return new GCounter(m);
  }
}
