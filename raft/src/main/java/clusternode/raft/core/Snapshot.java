package clusternode.raft.core;

import java.util.Objects;

/**
 * A state machine snapshot with the Raft metadata needed to replace the log prefix it covers
 * (Raft §7): the last included index and term, and the membership as of that index.
 */
public record Snapshot(long index, long term, Membership membership, byte[] data) {
  public Snapshot {
    if (index < 0 || term < 0 || (index == 0) != (term == 0)) {
      throw new IllegalArgumentException("bad snapshot position " + index + "@" + term);
    }
    Objects.requireNonNull(membership, "membership");
    data = data == null ? new byte[0] : data;
  }

  @Override
  public String toString() {
    return "Snapshot[" + index + "@" + term + " " + membership + " " + data.length + "B]";
  }
}
