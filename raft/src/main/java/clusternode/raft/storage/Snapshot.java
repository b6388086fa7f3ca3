package clusternode.raft.storage;

import java.util.Arrays;
import java.util.Objects;

/**
 * A state machine snapshot as stored: the last log position it covers, the cluster membership at
 * that point and the state machine's bytes. The arrays are not copied; do not modify them.
 *
 * @param lastIncludedIndex index of the last entry the snapshot covers, at least 1
 * @param lastIncludedTerm term of that entry, at least 0
 * @param membership opaque membership bytes, never null
 * @param state opaque state machine bytes, never null
 */
public record Snapshot(long lastIncludedIndex, long lastIncludedTerm, byte[] membership,
    byte[] state) {

  public Snapshot {
    if (lastIncludedIndex < 1) {
      throw new IllegalArgumentException("lastIncludedIndex must be >= 1, got " + lastIncludedIndex);
    }
    if (lastIncludedTerm < 0) {
      throw new IllegalArgumentException("lastIncludedTerm must be >= 0, got " + lastIncludedTerm);
    }
    Objects.requireNonNull(membership, "membership");
    Objects.requireNonNull(state, "state");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Snapshot that
        && lastIncludedIndex == that.lastIncludedIndex
        && lastIncludedTerm == that.lastIncludedTerm
        && Arrays.equals(membership, that.membership)
        && Arrays.equals(state, that.state);
  }

  @Override
  public int hashCode() {
    return Objects.hash(lastIncludedIndex, lastIncludedTerm) * 31 * 31
        + Arrays.hashCode(membership) * 31 + Arrays.hashCode(state);
  }

  @Override
  public String toString() {
    return "Snapshot[lastIncludedIndex=" + lastIncludedIndex + ", lastIncludedTerm="
        + lastIncludedTerm + ", membership=" + membership.length + " bytes, state=" + state.length
        + " bytes]";
  }
}
