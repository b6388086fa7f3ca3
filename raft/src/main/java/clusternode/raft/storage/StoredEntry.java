package clusternode.raft.storage;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One Raft log entry as the storage layer sees it: position, term, an opaque type byte and opaque
 * payload bytes. The payload array is not copied; callers must not modify it after handing it over
 * or after receiving it from a read.
 *
 * @param index log index, at least 1
 * @param term term of the entry, at least 0
 * @param type opaque tag chosen by the Raft core (command, no-op, configuration, ...)
 * @param payload opaque bytes, never null
 */
public record StoredEntry(long index, long term, byte type, byte[] payload) {

  public StoredEntry {
    if (index < 1) {
      throw new IllegalArgumentException("entry index must be >= 1, got " + index);
    }
    if (term < 0) {
      throw new IllegalArgumentException("entry term must be >= 0, got " + term);
    }
    Objects.requireNonNull(payload, "payload");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof StoredEntry that
        && index == that.index
        && term == that.term
        && type == that.type
        && Arrays.equals(payload, that.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, term, type) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    String bytes =
        payload.length <= 16
            ? HexFormat.of().formatHex(payload)
            : HexFormat.of().formatHex(payload, 0, 16) + "...";
    return "StoredEntry[index=" + index + ", term=" + term + ", type=" + type
        + ", payload(" + payload.length + ")=" + bytes + "]";
  }
}
