package clusternode.gossip.crdt;

/**
 * A hybrid logical clock. Pure: the caller passes the physical time, so it never reads a clock.
 * Owned by one replica (not thread-safe). Timestamps it issues strictly increase and are greater
 * than every timestamp it has observed.
 */
public final class HybridClock {
  private HybridTimestamp last = HybridTimestamp.ZERO;

  /** A timestamp for a local event (a send or a write) at physical time {@code physicalMs}. */
  public HybridTimestamp now(long physicalMs) {
    last = physicalMs > last.physicalMs()
        ? new HybridTimestamp(physicalMs, 0)
        : new HybridTimestamp(last.physicalMs(), Math.addExact(last.logical(), 1));
    return last;
  }

  /** Takes a remote timestamp into account (on receive); returns the timestamp of the receive event. */
  public HybridTimestamp observe(HybridTimestamp remote, long physicalMs) {
    long pt = Math.max(physicalMs, Math.max(last.physicalMs(), remote.physicalMs()));
    long logical;
    if (pt == last.physicalMs() && pt == remote.physicalMs()) {
      logical = Math.max(last.logical(), remote.logical()) + 1;
    } else if (pt == last.physicalMs()) {
      logical = last.logical() + 1;
    } else if (pt == remote.physicalMs()) {
      logical = remote.logical() + 1;
    } else {
      logical = 0;
    }
    last = new HybridTimestamp(pt, logical);
    return last;
  }

  public HybridTimestamp last() {
    return last;
  }
}
