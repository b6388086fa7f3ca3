package clusternode.raft.core;

import java.io.ByteArrayOutputStream;

/**
 * A follower's partly received snapshot (Raft §7, Figure 13): chunks must arrive in order; a
 * chunk at offset 0 starts over. Lives only in memory: after a crash the leader starts again.
 */
final class SnapshotAssembler {
  /** Java arrays cannot grow past this; a larger snapshot must be refused, not corrupted. */
  static final long MAX_SNAPSHOT_BYTES = Integer.MAX_VALUE - 64;

  private final long index;
  private final long term;
  private final Membership membership;
  private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

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
        && is.offset() == buf.size()
        && buf.size() + (long) is.chunk().length <= MAX_SNAPSHOT_BYTES;
  }

  void add(byte[] chunk) {
    buf.write(chunk, 0, chunk.length);
  }

  long size() {
    return buf.size();
  }

  Snapshot build() {
    return new Snapshot(index, term, membership, buf.toByteArray());
  }
}
