package clusternode.raft.core;

/** The answer to a proposal: appended at (index, term), or rejected with a reason. */
public sealed interface Proposal {

  /** Appended to the leader's log; it is committed once it appears in committedEntries. */
  record Accepted(long index, long term) implements Proposal {}

  /** Not appended. {@code leaderHint} is the known leader for NOT_LEADER, else null. */
  record Rejected(Reason reason, String leaderHint) implements Proposal {}

  enum Reason {
    NOT_LEADER,
    TRANSFER_IN_PROGRESS,
    CONFIG_CHANGE_PENDING,
    INVALID_CONFIG_CHANGE,
    TOO_LARGE,
    TOO_MANY_UNCOMMITTED
  }

  default boolean accepted() {
    return this instanceof Accepted;
  }
}
