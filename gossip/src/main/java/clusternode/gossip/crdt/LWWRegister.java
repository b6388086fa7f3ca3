package clusternode.gossip.crdt;

import java.util.Comparator;

/**
 * A last-writer-wins register. The write with the greatest hybrid logical clock timestamp wins;
 * equal timestamps are broken by the writer's replica id, then by the value, so merge is a total
 * order's maximum and every law holds even for malformed inputs. The empty register holds null.
 */
public record LWWRegister(String value, HybridTimestamp timestamp, String replica) implements Crdt<LWWRegister> {
  public static final LWWRegister EMPTY = new LWWRegister(null, HybridTimestamp.ZERO, "");
  private static final Comparator<LWWRegister> ORDER = Comparator.comparing(LWWRegister::timestamp)
      .thenComparing(LWWRegister::replica)
      .thenComparing(LWWRegister::value, Comparator.nullsFirst(Comparator.naturalOrder()));

  public LWWRegister {
    if (timestamp == null || replica == null) {
      throw new IllegalArgumentException("a register needs a timestamp and a replica");
    }
  }

  /** The delta of writing {@code newValue} at {@code replica}, stamped by the caller's {@link HybridClock}. */
  public LWWRegister writeDelta(String replica, String newValue, HybridTimestamp at) {
    return new LWWRegister(newValue, at, replica);
  }

  @Override
  public LWWRegister merge(LWWRegister other) {
    return ORDER.compare(this, other) >= 0 ? this : other;
  }
}
