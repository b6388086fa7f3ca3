package clusternode.raft.core;

import clusternode.protocols.CborSerializable;
import java.util.List;
import java.util.Objects;

/**
 * Every message Raft servers exchange (Raft Figure 2, §7, dissertation §3.10 and §9.6). Flat
 * records so they serialize with Jackson CBOR. Each carries the sender, the receiver and the
 * sender's term.
 */
public sealed interface RaftMessage extends CborSerializable {
  String from();

  String to();

  long term();

  /**
   * A vote request. With {@code preVote} it asks "would you vote for me at {@code term}?" without
   * anyone changing term; with {@code leadershipTransfer} it overrides leader stickiness.
   */
  record RequestVote(
      String from, String to, long term, long lastLogIndex, long lastLogTerm, boolean preVote,
      boolean leadershipTransfer) implements RaftMessage {
    public RequestVote {
      check(from, to, term);
    }
  }

  record RequestVoteResponse(String from, String to, long term, boolean granted, boolean preVote)
      implements RaftMessage {
    public RequestVoteResponse {
      check(from, to, term);
    }
  }

  /**
   * Replicates {@code entries} after (prevLogIndex, prevLogTerm); with no entries it is a heartbeat.
   * {@code context} is the leader's latest ReadIndex round; the response echoes it.
   */
  record AppendEntries(
      String from, String to, long term, long prevLogIndex, long prevLogTerm, List<Entry> entries,
      long leaderCommit, long context) implements RaftMessage {
    public AppendEntries {
      check(from, to, term);
      entries = List.copyOf(entries);
      for (int i = 0; i < entries.size(); i++) {
        if (entries.get(i).index() != prevLogIndex + 1 + i) {
          throw new IllegalArgumentException("entries not contiguous after " + prevLogIndex);
        }
      }
    }
  }

  /**
   * On success {@code matchIndex} is the last index known to match the leader. On failure
   * {@code rejectedIndex} is the prevLogIndex that did not match, and (conflictTerm, conflictIndex)
   * let the leader skip a whole term at once: conflictTerm is the follower's term at
   * rejectedIndex (0 if its log is shorter), conflictIndex the first index it has of that term (or
   * its lastIndex + 1).
   */
  record AppendEntriesResponse(
      String from, String to, long term, boolean success, long matchIndex, long rejectedIndex,
      long conflictTerm, long conflictIndex, long context) implements RaftMessage {
    public AppendEntriesResponse {
      check(from, to, term);
    }
  }

  /** One chunk of the leader's snapshot; {@code done} marks the last chunk. */
  record InstallSnapshot(
      String from, String to, long term, long lastIncludedIndex, long lastIncludedTerm,
      Membership membership, long offset, byte[] chunk, boolean done) implements RaftMessage {
    public InstallSnapshot {
      check(from, to, term);
      Objects.requireNonNull(membership, "membership");
      chunk = chunk == null ? new byte[0] : chunk;
      if (offset < 0) {
        throw new IllegalArgumentException("negative snapshot offset");
      }
    }
  }

  /**
   * Acknowledges a chunk: {@code nextOffset} is the offset the follower expects next (0 means
   * "start again"); {@code done} means the follower now holds the snapshot at lastIncludedIndex.
   */
  record InstallSnapshotResponse(
      String from, String to, long term, long lastIncludedIndex, long nextOffset, boolean done)
      implements RaftMessage {
    public InstallSnapshotResponse {
      check(from, to, term);
    }
  }

  /** Leadership transfer: the receiver starts an election at once (dissertation §3.10). */
  record TimeoutNow(String from, String to, long term) implements RaftMessage {
    public TimeoutNow {
      check(from, to, term);
    }
  }

  private static void check(String from, String to, long term) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (term < 0) {
      throw new IllegalArgumentException("negative term");
    }
  }
}
