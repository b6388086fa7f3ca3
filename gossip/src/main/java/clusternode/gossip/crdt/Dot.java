package clusternode.gossip.crdt;

import java.util.Comparator;

/** One event of one replica: the {@code counter}-th event that {@code replica} created. */
public record Dot(String replica, long counter) implements Comparable<Dot> {
  private static final Comparator<Dot> ORDER = Comparator.comparing(Dot::replica).thenComparingLong(Dot::counter);

  public Dot {
    if (replica == null || counter < 1) {
      throw new IllegalArgumentException("a dot needs a replica and a counter >= 1");
    }
  }

  @Override
  public int compareTo(Dot o) {
    return ORDER.compare(this, o);
  }
}
