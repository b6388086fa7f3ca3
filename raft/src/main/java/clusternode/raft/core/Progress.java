package clusternode.raft.core;

import java.util.ArrayDeque;

/**
 * The leader's view of one follower (etcd's Progress): what matches, what to send next, and how.
 *
 * <ul>
 *   <li>PROBE: we do not know where the logs diverge; send one AppendEntries at a time and wait.
 *   <li>REPLICATE: the logs match up to matchIndex; send optimistically, up to maxInflight
 *       unacknowledged AppendEntries (pipelining).
 *   <li>SNAPSHOT: the follower needs entries we compacted; send the pinned snapshot chunk by chunk.
 * </ul>
 */
final class Progress {
  enum State {
    PROBE,
    REPLICATE,
    SNAPSHOT
  }

  long match;
  long next;
  State state = State.PROBE;
  /** In PROBE: a probe is outstanding, wait for its answer or the next heartbeat. */
  boolean probeSent;
  /** In REPLICATE: last index of each unacknowledged AppendEntries, oldest first. */
  final ArrayDeque<Long> inflight = new ArrayDeque<>();
  /** Ticks since the follower last advanced matchIndex while something was in flight. */
  int ticksWithoutProgress;
  /** Heard from this follower since the last check-quorum round. */
  boolean recentActive;
  /** Highest ReadIndex context this follower echoed in the current term. */
  long ackedContext;
  /** Highest commit index this follower can have learned from what we sent it. */
  long commitSent;
  /** In SNAPSHOT: the snapshot being sent (pinned, so compaction does not change it mid-way). */
  Snapshot pendingSnapshot;
  /** In SNAPSHOT: offset of the chunk in flight. */
  long snapshotOffset;

  Progress(long next) {
    this.next = next;
  }

  boolean isPaused(int maxInflight) {
    return switch (state) {
      case PROBE -> probeSent;
      case REPLICATE -> inflight.size() >= maxInflight;
      case SNAPSHOT -> true;
    };
  }

  /** Records a successful acknowledgement; false if it told us nothing new. */
  boolean maybeUpdate(long index) {
    if (index <= match) {
      return false;
    }
    match = index;
    next = Math.max(next, index + 1);
    probeSent = false;
    ticksWithoutProgress = 0;
    while (!inflight.isEmpty() && inflight.peekFirst() <= index) {
      inflight.pollFirst();
    }
    return true;
  }

  /**
   * Handles a rejection of prevLogIndex {@code rejected}; {@code hintNext} is where the leader
   * thinks the logs may match again. False if the rejection is stale.
   */
  boolean maybeDecrease(long rejected, long hintNext) {
    if (state == State.SNAPSHOT) {
      return false;
    }
    if (state == State.REPLICATE) {
      if (rejected <= match) {
        return false;
      }
      becomeProbe();
    } else if (rejected != next - 1) {
      return false;
    }
    next = Math.max(match + 1, Math.min(hintNext, rejected));
    probeSent = false;
    return true;
  }

  void becomeProbe() {
    long floor = state == State.SNAPSHOT && pendingSnapshot != null ? pendingSnapshot.index() : 0;
    state = State.PROBE;
    next = Math.max(match, floor) + 1;
    probeSent = false;
    inflight.clear();
    pendingSnapshot = null;
    ticksWithoutProgress = 0;
  }

  void becomeReplicate() {
    state = State.REPLICATE;
    next = match + 1;
    probeSent = false;
    inflight.clear();
    pendingSnapshot = null;
    ticksWithoutProgress = 0;
  }

  void becomeSnapshot(Snapshot s) {
    state = State.SNAPSHOT;
    pendingSnapshot = s;
    snapshotOffset = 0;
    inflight.clear();
    ticksWithoutProgress = 0;
  }

  /** Bookkeeping after sending entries up to {@code lastSent} (lastSent = next - 1 if none). */
  void sent(long lastSent, boolean hadEntries) {
    if (state == State.REPLICATE && hadEntries) {
      next = lastSent + 1;
      inflight.addLast(lastSent);
    } else if (state == State.PROBE) {
      probeSent = true;
    }
  }

  @Override
  public String toString() {
    return state + "[match=" + match + " next=" + next + " inflight=" + inflight.size() + "]";
  }
}
