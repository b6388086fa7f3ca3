package clusternode.raft.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * One log entry. Indexes start at 1; terms start at 1. The data is owned by the entry: callers
 * must not mutate the array after handing it over (copying every entry would double the cost of
 * replication).
 */
public record Entry(long index, long term, EntryType type, byte[] data) {

  public Entry {
    if (index < 1) {
      throw new IllegalArgumentException("entry index must be >= 1, got " + index);
    }
    if (term < 1) {
      throw new IllegalArgumentException("entry term must be >= 1, got " + term);
    }
    Objects.requireNonNull(type, "type");
    data = data == null ? new byte[0] : data;
  }

  /** Approximate size on the wire, used to bound batches. */
  public long sizeBytes() {
    return data.length + 24L;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entry e
        && e.index == index
        && e.term == term
        && e.type == type
        && Arrays.equals(e.data, data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, term, type) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Entry[" + index + "@" + term + " " + type + " " + data.length + "B]";
  }
}
