package clusternode.gossip.crdt;

import java.util.Comparator;

/**
 * A hybrid logical clock timestamp (Kulkarni et al.): physical milliseconds, and a logical count
 * that orders events within the same millisecond or when a remote clock ran ahead.
 */
public record HybridTimestamp(long physicalMs, long logical) implements Comparable<HybridTimestamp> {
  public static final HybridTimestamp ZERO = new HybridTimestamp(0, 0);
  private static final Comparator<HybridTimestamp> ORDER =
      Comparator.comparingLong(HybridTimestamp::physicalMs).thenComparingLong(HybridTimestamp::logical);

  public HybridTimestamp {
    if (physicalMs < 0 || logical < 0) {
      throw new IllegalArgumentException("timestamp parts must be >= 0");
    }
  }

  @Override
  public int compareTo(HybridTimestamp o) {
    return ORDER.compare(this, o);
  }
}
