package clusternode.raft.core;

import clusternode.raft.core.RaftMessage.AppendEntries;
import clusternode.raft.core.RaftMessage.InstallSnapshot;
import clusternode.raft.core.RaftMessage.RequestVote;
import clusternode.raft.core.RaftMessage.RequestVoteResponse;
import clusternode.raft.core.RaftMessage.TimeoutNow;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link RaftCore} owes the shell until the next {@link Ready}: messages, read results, and
 * cursors into the log saying what was already handed out for persisting and for applying.
 * "Sending" only appends here (etcd's msgs), so the core itself never does I/O.
 */
final class Outputs {
  private final List<RaftMessage> outbox = new ArrayList<>();
  private final List<ReadState> readStates = new ArrayList<>();
  private final List<RejectedRead> rejectedReads = new ArrayList<>();
  /** First log index not yet handed out to be persisted. */
  private long unstableFrom;
  /** Lowest index whose handed-out entry was since truncated; 0 if none. */
  private long truncateFrom;
  private Snapshot installed;
  private Snapshot compacted;
  /** Last index handed out to be applied. */
  private long applyCursor;
  private HardState reportedHardState;
  private SoftState reportedSoftState;

  Outputs(long lastIndex, long snapshotIndex, HardState hs, SoftState ss) {
    unstableFrom = lastIndex + 1;
    applyCursor = snapshotIndex;
    reportedHardState = hs;
    reportedSoftState = ss;
  }

  void send(RaftMessage m) {
    outbox.add(m);
  }

  void readState(ReadState rs) {
    readStates.add(rs);
  }

  void rejectRead(RejectedRead rr) {
    rejectedReads.add(rr);
  }

  long unstableFrom() {
    return unstableFrom;
  }

  long applyCursor() {
    return applyCursor;
  }

  /** Entries from {@code from} on left the log; the shell must delete those it already wrote. */
  void truncated(long from) {
    if (from < unstableFrom) {
      unstableFrom = from;
      truncateFrom = truncateFrom == 0 ? from : Math.min(truncateFrom, from);
    }
  }

  /** A snapshot from the leader replaced the whole log and the state machine. */
  void installed(Snapshot s) {
    installed = s;
    compacted = null;
    truncateFrom = 0;
    unstableFrom = s.index() + 1;
    applyCursor = s.index();
  }

  void compacted(Snapshot s) {
    compacted = s;
  }

  boolean hasReady(RaftLog log, long commitIndex, HardState hs, SoftState ss) {
    return !outbox.isEmpty()
        || !readStates.isEmpty()
        || !rejectedReads.isEmpty()
        || unstableFrom <= log.lastIndex()
        || truncateFrom != 0
        || installed != null
        || compacted != null
        || commitIndex > applyCursor
        || !hs.equals(reportedHardState)
        || !ss.equals(reportedSoftState);
  }

  Ready build(RaftLog log, long commitIndex, HardState hs, SoftState ss, int maxCommitted) {
    HardState hsOut = hs.equals(reportedHardState) ? null : hs;
    // Once term or vote changed, every message may depend on it: all wait for the fsync.
    boolean voteChanged = hsOut != null
        && (hs.term() != reportedHardState.term()
            || !Objects.equals(hs.votedFor(), reportedHardState.votedFor()));
    reportedHardState = hs;
    SoftState ssOut = ss.equals(reportedSoftState) ? null : ss;
    reportedSoftState = ss;

    List<Entry> toPersist = unstableFrom <= log.lastIndex()
        ? log.slice(unstableFrom, log.lastIndex(), Integer.MAX_VALUE, Long.MAX_VALUE)
        : List.of();
    long truncate = truncateFrom;
    unstableFrom = log.lastIndex() + 1;
    truncateFrom = 0;

    List<RaftMessage> now = new ArrayList<>();
    List<RaftMessage> after = new ArrayList<>();
    for (RaftMessage m : outbox) {
      (!voteChanged && sendableBeforePersist(m) ? now : after).add(m);
    }
    Ready rd = new Ready(hsOut, ssOut, installed, compacted, truncate, toPersist, now, after,
        takeCommitted(log, commitIndex, maxCommitted), readStates, rejectedReads);
    outbox.clear();
    readStates.clear();
    rejectedReads.clear();
    installed = null;
    compacted = null;
    return rd;
  }

  /** Committed entries not yet applied, only among those already handed out to be persisted. */
  private List<Entry> takeCommitted(RaftLog log, long commitIndex, int maxCommitted) {
    long to = Math.min(commitIndex, applyCursor + maxCommitted);
    to = Math.min(to, unstableFrom - 1);
    if (to <= applyCursor) {
      return List.of();
    }
    List<Entry> out = log.slice(applyCursor + 1, to, Integer.MAX_VALUE, Long.MAX_VALUE);
    applyCursor = to;
    return out;
  }

  /** Replication traffic of a leader promises nothing about the sender's disk (§10.2.1). */
  private static boolean sendableBeforePersist(RaftMessage m) {
    return m instanceof AppendEntries
        || m instanceof InstallSnapshot
        || m instanceof TimeoutNow
        || (m instanceof RequestVote rv && rv.preVote())
        || (m instanceof RequestVoteResponse r && r.preVote());
  }
}
