package clusternode.gossip.crdt;

import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The causal context of a dot-based CRDT: every dot it has seen, as a version vector (all dots
 * {@code 1..n} of a replica) plus a cloud of dots beyond the vector (deltas bring such gaps).
 * Kept compact: a cloud dot that extends the vector is folded into it.
 */
public record DotContext(SortedMap<String, Long> versions, SortedSet<Dot> cloud) {
  public static final DotContext EMPTY = new DotContext(new TreeMap<>(), new TreeSet<>());

  public DotContext {
    TreeMap<String, Long> v = new TreeMap<>();
    versions.forEach((k, n) -> {
      if (k == null || n == null || n < 0) {
        throw new IllegalArgumentException("bad version entry " + k + "=" + n);
      }
      if (n > 0) {
        v.put(k, n);
      }
    });
    TreeSet<Dot> rest = new TreeSet<>();
    for (Dot d : new TreeSet<>(cloud)) { // ascending per replica, so one pass compacts
      long have = v.getOrDefault(d.replica(), 0L);
      if (d.counter() == have + 1) {
        v.put(d.replica(), d.counter());
      } else if (d.counter() > have) {
        rest.add(d);
      }
    }
    versions = Collections.unmodifiableSortedMap(v);
    cloud = Collections.unmodifiableSortedSet(rest);
  }

  public static DotContext ofDots(SortedSet<Dot> dots) {
    return new DotContext(new TreeMap<>(), dots);
  }

  public boolean contains(Dot d) {
    return versions.getOrDefault(d.replica(), 0L) >= d.counter() || cloud.contains(d);
  }

  /** The next dot {@code replica} may create: one past every dot of it seen so far. */
  public Dot nextDot(String replica) {
    long max = versions.getOrDefault(replica, 0L);
    for (Dot d : cloud) {
      if (d.replica().equals(replica)) {
        max = Math.max(max, d.counter());
      }
    }
    return new Dot(replica, max + 1);
  }

  public DotContext merge(DotContext other) {
    TreeMap<String, Long> v = new TreeMap<>(versions);
    other.versions.forEach((k, n) -> v.merge(k, n, Math::max));
    TreeSet<Dot> c = new TreeSet<>(cloud);
    c.addAll(other.cloud);
    return new DotContext(v, c);
  }

  @Override
  public String toString() {
    return cloud.isEmpty() ? versions.toString() : versions + "+" + cloud;
  }

}
