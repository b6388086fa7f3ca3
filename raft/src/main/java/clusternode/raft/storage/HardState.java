package clusternode.raft.storage;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Raft's persistent per-server state besides the log (Raft paper, figure 2).
 *
 * @param currentTerm latest term the server has seen, at least 0
 * @param votedFor node id voted for in {@code currentTerm}, or null if none; at most
 *     {@link #VOTED_FOR_BYTES_MAX} bytes of UTF-8
 */
public record HardState(long currentTerm, String votedFor) {
  public static final int VOTED_FOR_BYTES_MAX = 1024;

  /** The state of a server that has never run: term 0, no vote. */
  public static final HardState INITIAL = new HardState(0, null);

  public HardState {
    if (currentTerm < 0) {
      throw new IllegalArgumentException("currentTerm must be >= 0, got " + currentTerm);
    }
    if (votedFor != null) {
      int bytes = votedFor.getBytes(StandardCharsets.UTF_8).length;
      if (bytes == 0 || bytes > VOTED_FOR_BYTES_MAX) {
        throw new IllegalArgumentException(
            "votedFor must be 1.." + VOTED_FOR_BYTES_MAX + " UTF-8 bytes, got " + bytes);
      }
    }
  }

  /** Whether going from {@code this} to {@code next} can be legal in Raft. */
  boolean mayBeFollowedBy(HardState next) {
    if (next.currentTerm != currentTerm) {
      return next.currentTerm > currentTerm;
    }
    return votedFor == null || Objects.equals(votedFor, next.votedFor);
  }
}
