package clusternode.raft.core;

import clusternode.raft.core.RaftMessage.AppendEntries;
import clusternode.raft.core.RaftMessage.AppendEntriesResponse;
import clusternode.raft.core.RaftMessage.InstallSnapshot;
import clusternode.raft.core.RaftMessage.InstallSnapshotResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The leader's side of log replication (Raft §5.3, §7; etcd's Progress tracker and send logic):
 * for each follower, which entries or snapshot chunk to send next, with pipelining, batching,
 * probing and fast back-tracking. It decides what to send; {@link RaftCore} decides what the
 * acknowledgements mean (commit, reads, transfer).
 */
final class Replicator {
  /** What every message of the current leadership carries, read from the core when sending. */
  interface Leadership {
    long term();

    long commitIndex();

    /** The latest ReadIndex context; followers echo it (dissertation §6.4). */
    long readContext();
  }

  private final RaftConfig config;
  private final String selfId;
  private final RaftLog log;
  private final Outputs out;
  private final Leadership leadership;
  private final Map<String, Progress> progress = new TreeMap<>();

  Replicator(RaftConfig config, String selfId, RaftLog log, Outputs out, Leadership leadership) {
    this.config = config;
    this.selfId = selfId;
    this.log = log;
    this.out = out;
    this.leadership = leadership;
  }

  void clear() {
    progress.clear();
  }

  Progress get(String peer) {
    return progress.get(peer);
  }

  Collection<String> peers() {
    return progress.keySet();
  }

  Map<String, Progress> all() {
    return progress;
  }

  /** The leader tracks every member but itself; a fresh peer starts probing at our log end. */
  void sync(Membership membership) {
    progress.keySet().removeIf(id -> !membership.isMember(id));
    for (String id : membership.members()) {
      if (!id.equals(selfId) && !progress.containsKey(id)) {
        progress.put(id, new Progress(log.lastIndex() + 1));
      }
    }
  }

  /** Counts voters heard from since the last round (ourselves included), and starts a new round. */
  boolean quorumActive(Membership membership) {
    List<String> active = new ArrayList<>();
    active.add(selfId);
    for (Map.Entry<String, Progress> e : progress.entrySet()) {
      if (e.getValue().recentActive) {
        active.add(e.getKey());
      }
      e.getValue().recentActive = false;
    }
    return membership.hasQuorum(active);
  }

  void tick() {
    for (Progress pr : progress.values()) {
      if (pr.state == Progress.State.REPLICATE && !pr.inflight.isEmpty()) {
        pr.ticksWithoutProgress++;
      }
    }
  }

  /** One heartbeat to everyone; also where lost messages are noticed and resent. */
  void heartbeatRound() {
    // Two heartbeat intervals without an acknowledgement while appends are in flight: assume they
    // were lost and resend from matchIndex (a false alarm only costs a retransmission).
    int stallTicks = 2 * config.heartbeatIntervalTicks();
    for (Map.Entry<String, Progress> e : progress.entrySet()) {
      String peer = e.getKey();
      Progress pr = e.getValue();
      switch (pr.state) {
        case SNAPSHOT -> sendSnapshotChunk(peer, pr); // resend: the chunk or its answer may be lost
        case PROBE -> {
          pr.probeSent = false; // the probe may be lost; probe again
          if (!sendAppend(peer)) {
            sendHeartbeat(peer);
          }
        }
        case REPLICATE -> {
          if (pr.ticksWithoutProgress >= stallTicks) {
            pr.becomeProbe(); // acknowledgements stopped: messages were lost, find the match again
            sendAppend(peer);
          } else {
            sendHeartbeat(peer);
          }
        }
      }
    }
  }

  void heartbeatAll() {
    for (String peer : progress.keySet()) {
      sendHeartbeat(peer);
    }
  }

  /**
   * An empty AppendEntries anchored at matchIndex, which the follower is known to hold, so it
   * cannot be rejected for a gap while optimistic appends are in flight.
   */
  void sendHeartbeat(String peer) {
    Progress pr = progress.get(peer);
    long prev = log.term(pr.match) == RaftLog.UNKNOWN ? 0 : pr.match;
    long prevTerm = prev == 0 ? 0 : log.term(prev);
    long commit = Math.min(leadership.commitIndex(), prev);
    pr.commitSent = Math.max(pr.commitSent, commit);
    out.send(new AppendEntries(selfId, peer, leadership.term(), prev, prevTerm, List.of(), commit,
        leadership.readContext()));
  }

  void sendAppendsToAll() {
    for (String peer : progress.keySet()) {
      sendAppends(peer);
    }
  }

  /** Sends as many AppendEntries as the follower's state allows (pipelining in REPLICATE). */
  void sendAppends(String peer) {
    for (int i = 0; i <= config.maxInflightAppends() && sendAppend(peer); i++) {
      // each iteration sends one batch
    }
  }

  /** Sends one AppendEntries (or starts a snapshot); false if paused or nothing to send. */
  boolean sendAppend(String peer) {
    Progress pr = progress.get(peer);
    if (pr == null || pr.isPaused(config.maxInflightAppends())) {
      return false;
    }
    long prev = pr.next - 1;
    long prevTerm = log.term(prev);
    if (prevTerm == RaftLog.UNKNOWN) {
      if (prev > log.lastIndex()) {
        throw new IllegalStateException("next index " + pr.next + " beyond log end for " + peer);
      }
      pr.becomeSnapshot(log.snapshot()); // Raft §7: the entries it needs are compacted
      sendSnapshotChunk(peer, pr);
      return false;
    }
    List<Entry> entries = pr.next <= log.lastIndex()
        ? log.slice(pr.next, log.lastIndex(), config.maxEntriesPerAppend(), config.maxBytesPerAppend())
        : List.of();
    if (entries.isEmpty() && pr.state == Progress.State.REPLICATE) {
      return false;
    }
    long commit = leadership.commitIndex();
    out.send(new AppendEntries(selfId, peer, leadership.term(), prev, prevTerm, entries, commit,
        leadership.readContext()));
    pr.commitSent = Math.max(pr.commitSent, Math.min(commit, prev + entries.size()));
    pr.sent(prev + entries.size(), !entries.isEmpty());
    return true;
  }

  /** A follower that holds committed entries but was not told they are committed yet. */
  void sendCommitIfBehind(String peer) {
    Progress pr = progress.get(peer);
    if (pr.state != Progress.State.SNAPSHOT
        && Math.min(leadership.commitIndex(), pr.match) > pr.commitSent) {
      sendHeartbeat(peer);
    }
  }

  private void sendSnapshotChunk(String peer, Progress pr) {
    Snapshot s = pr.pendingSnapshot;
    int from = (int) pr.snapshotOffset;
    int to = (int) Math.min(s.data().length, from + (long) config.snapshotChunkBytes());
    out.send(new InstallSnapshot(selfId, peer, leadership.term(), s.index(), s.term(),
        s.membership(), from, Arrays.copyOfRange(s.data(), from, to), to == s.data().length));
  }

  /**
   * Handles an acknowledgement or rejection. Returns true if the follower's matchIndex advanced;
   * the caller then commits and calls {@link #afterAck}.
   */
  boolean onAppendResponse(String peer, AppendEntriesResponse r) {
    Progress pr = progress.get(peer);
    if (!r.success()) {
      if (pr.maybeDecrease(r.rejectedIndex(), nextHint(r))) {
        sendAppend(peer);
      }
      return false;
    }
    if (r.matchIndex() > log.lastIndex()) {
      // A follower of our term can only hold what we sent it, or committed entries we hold (§5.4).
      throw new IllegalStateException(peer + " claims match " + r.matchIndex() + " beyond our last "
          + log.lastIndex() + " in term " + leadership.term());
    }
    if (pr.maybeUpdate(r.matchIndex())) {
      if (pr.state != Progress.State.REPLICATE) {
        pr.becomeReplicate();
      }
      return true;
    }
    if (pr.state == Progress.State.PROBE && r.matchIndex() == pr.match && pr.match == pr.next - 1) {
      pr.becomeReplicate(); // our probe at matchIndex was confirmed (e.g. an empty follower)
    }
    return false;
  }

  /** After a successful acknowledgement: keep the pipeline full and the commit index known. */
  void afterAck(String peer) {
    sendAppends(peer);
    sendCommitIfBehind(peer);
  }

  /** Fast back-tracking: skip the follower's whole conflicting term at once. */
  private long nextHint(AppendEntriesResponse r) {
    if (r.conflictTerm() == 0) {
      return r.conflictIndex();
    }
    long last = log.lastIndexOfTerm(r.conflictTerm(), r.rejectedIndex());
    return last == RaftLog.UNKNOWN ? r.conflictIndex() : last + 1;
  }

  /** Returns true if the follower's matchIndex advanced (it now holds the snapshot). */
  boolean onSnapshotResponse(String peer, InstallSnapshotResponse r) {
    Progress pr = progress.get(peer);
    if (pr.state != Progress.State.SNAPSHOT || r.lastIncludedIndex() != pr.pendingSnapshot.index()) {
      if (r.done() && pr.maybeUpdate(r.lastIncludedIndex())) {
        pr.becomeProbe();
        sendAppend(peer);
        return true;
      }
      return false;
    }
    if (r.done()) {
      boolean advanced = pr.maybeUpdate(r.lastIncludedIndex());
      pr.becomeProbe();
      sendAppend(peer);
      return advanced;
    }
    if (r.nextOffset() > pr.snapshotOffset && r.nextOffset() < pr.pendingSnapshot.data().length) {
      pr.snapshotOffset = r.nextOffset(); // progress: send the next chunk at once
      sendSnapshotChunk(peer, pr);
    } else if (r.nextOffset() < pr.snapshotOffset) {
      // The follower wants an earlier chunk (or the answer is stale). Do not answer at once, or
      // duplicated answers would multiply into parallel transfers; the next heartbeat resends.
      pr.snapshotOffset = r.nextOffset();
    }
    return false;
  }
}
