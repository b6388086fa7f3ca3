package clusternode.raft.core;

/**
 * What Raft must persist before it answers (Raft §5, Figure 2): the current term and the vote in
 * that term. {@code commitIndex} is persisted too so a restarted server can re-apply committed
 * entries at once, but losing it is safe.
 */
public record HardState(long term, String votedFor, long commitIndex) {
  public static final HardState EMPTY = new HardState(0, null, 0);

  public HardState {
    if (term < 0 || commitIndex < 0) {
      throw new IllegalArgumentException("negative term or commit index");
    }
  }
}
