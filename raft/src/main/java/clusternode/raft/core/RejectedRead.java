package clusternode.raft.core;

/**
 * A read that this server cannot confirm. The shell forwards it to {@code leaderHint} (null when
 * unknown) or fails it.
 */
public record RejectedRead(long requestId, Reason reason, String leaderHint) {
  public enum Reason {
    NOT_LEADER,
    LEADERSHIP_LOST,
    TOO_MANY_PENDING
  }
}
