package clusternode.raft.core;

import java.util.Arrays;

/**
 * A follower's partly received snapshot (Raft §7, Figure 13): chunks must arrive in order; the
 * first chunk of a different snapshot starts over. Lives only in memory: after a crash the
 * follower answers "offset 0" and the leader starts again.
 */
final class SnapshotAssembler {
  /** Java arrays cannot grow past this; a larger snapshot must be refused, not corrupted. */
  static final long MAX_SNAPSHOT_BYTES = Integer.MAX_VALUE - 64;

  private final long index;
  private final long term;
  private final Membership membership;
  /** Received bytes (a plain growable array: the core imports nothing from java.io). */
  private byte[] buf = new byte[0];
  private int size;

  SnapshotAssembler(long index, long term, Membership membership) {
    this.index = index;
    this.term = term;
    this.membership = membership;
  }

  boolean sameSnapshot(RaftMessage.InstallSnapshot is) {
    return is.lastIncludedIndex() == index && is.lastIncludedTerm() == term;
  }

  boolean accepts(RaftMessage.InstallSnapshot is) {
    return sameSnapshot(is)
        && is.offset() == size
        && size + (long) is.chunk().length <= MAX_SNAPSHOT_BYTES;
  }

  void add(byte[] chunk) {
    if (size + chunk.length > buf.length) {
      long grown = Math.max((long) size + chunk.length, 2L * buf.length);
      buf = Arrays.copyOf(buf, (int) Math.min(grown, MAX_SNAPSHOT_BYTES));
    }
    System.arraycopy(chunk, 0, buf, size, chunk.length);
    size += chunk.length;
  }

  long size() {
    return size;
  }

  Snapshot build() {
    return new Snapshot(index, term, membership, Arrays.copyOf(buf, size));
  }
}
