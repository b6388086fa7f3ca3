package clusternode.gossip.crdt;

/** A counter that goes up and down: two grow-only counters, increments and decrements. */
public record PNCounter(GCounter increments, GCounter decrements) implements Crdt<PNCounter> {
  public static final PNCounter EMPTY = new PNCounter(GCounter.EMPTY, GCounter.EMPTY);

  public PNCounter {
    if (increments == null || decrements == null) {
      throw new IllegalArgumentException("a PNCounter needs both halves");
    }
  }

  public long value() {
    return Math.subtractExact(increments.value(), decrements.value());
  }

  /** The value without overflow. */
  public java.math.BigInteger exactValue() {
    return increments.exactValue().subtract(decrements.exactValue());
  }

  /** The delta that adds {@code amount} (negative to subtract) on behalf of {@code replica}. */
  public PNCounter addDelta(String replica, long amount) {
    if (amount == Long.MIN_VALUE) {
      throw new IllegalArgumentException("amount out of range");
    }
    return amount >= 0
        ? new PNCounter(increments.incrementDelta(replica, amount), GCounter.EMPTY)
        : new PNCounter(GCounter.EMPTY, decrements.incrementDelta(replica, -amount));
  }

  public PNCounter add(String replica, long amount) {
    return merge(addDelta(replica, amount));
  }

  @Override
  public PNCounter merge(PNCounter other) {
    return new PNCounter(increments.merge(other.increments), decrements.merge(other.decrements));
  }
}
