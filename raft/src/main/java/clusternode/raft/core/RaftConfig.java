package clusternode.raft.core;

import java.util.HashSet;
import java.util.List;

/**
 * Tuning of one Raft server, all times in ticks. Checked for consistency at construction so a bad
 * deployment fails at start-up with a message naming the setting.
 *
 * @param initialVoters voters of a brand-new cluster; empty for a server that joins an existing one
 * @param electionTimeoutMinTicks lower bound (inclusive) of the randomized election timeout
 * @param electionTimeoutMaxTicks upper bound (inclusive) of the randomized election timeout
 * @param heartbeatIntervalTicks how often the leader sends heartbeats
 * @param maxEntriesPerAppend bound on entries in one AppendEntries
 * @param maxBytesPerAppend bound on entry bytes in one AppendEntries (one larger entry still goes)
 * @param maxInflightAppends unacknowledged AppendEntries per follower while pipelining
 * @param snapshotChunkBytes size of one InstallSnapshot chunk
 * @param preVote run a pre-vote round before bumping the term (dissertation §9.6)
 * @param checkQuorum a leader steps down when a majority was silent for an election timeout
 * @param leaseReads answer reads without a heartbeat round while the leader lease holds (from the
 *     send of a heartbeat a majority acknowledged, electionTimeoutMinTicks - 2 ticks); needs
 *     checkQuorum, and tick rates that drift apart by less than a tick per election timeout.
 *     Servers then also refuse votes for electionTimeoutMinTicks after they boot
 * @param learnerPromotionLagEntries a learner is promoted once its log is this close to the leader's
 * @param maxUncommittedEntries bound on entries the leader accepts beyond its commit index
 * @param maxPendingReads bound on reads waiting for leadership confirmation
 * @param maxCommittedEntriesPerReady bound on entries handed to the shell for apply in one Ready
 */
public record RaftConfig(
    List<String> initialVoters,
    int electionTimeoutMinTicks,
    int electionTimeoutMaxTicks,
    int heartbeatIntervalTicks,
    int maxEntriesPerAppend,
    long maxBytesPerAppend,
    int maxInflightAppends,
    int snapshotChunkBytes,
    boolean preVote,
    boolean checkQuorum,
    boolean leaseReads,
    long learnerPromotionLagEntries,
    int maxUncommittedEntries,
    int maxPendingReads,
    int maxCommittedEntriesPerReady) {

  public RaftConfig {
    initialVoters = List.copyOf(initialVoters);
    if (new HashSet<>(initialVoters).size() != initialVoters.size()) {
      throw new IllegalArgumentException("initialVoters has duplicates: " + initialVoters);
    }
    positive("heartbeatIntervalTicks", heartbeatIntervalTicks);
    if (electionTimeoutMinTicks <= heartbeatIntervalTicks) {
      throw new IllegalArgumentException(
          "electionTimeoutMinTicks (" + electionTimeoutMinTicks + ") must exceed heartbeatIntervalTicks ("
              + heartbeatIntervalTicks + "), or followers time out between heartbeats");
    }
    if (electionTimeoutMaxTicks <= electionTimeoutMinTicks) {
      throw new IllegalArgumentException(
          "electionTimeoutMaxTicks (" + electionTimeoutMaxTicks + ") must exceed electionTimeoutMinTicks ("
              + electionTimeoutMinTicks + ") so that timeouts are randomized");
    }
    positive("maxEntriesPerAppend", maxEntriesPerAppend);
    positive("maxBytesPerAppend", maxBytesPerAppend);
    positive("maxInflightAppends", maxInflightAppends);
    positive("snapshotChunkBytes", snapshotChunkBytes);
    positive("maxUncommittedEntries", maxUncommittedEntries);
    positive("maxPendingReads", maxPendingReads);
    positive("maxCommittedEntriesPerReady", maxCommittedEntriesPerReady);
    if (learnerPromotionLagEntries < 0) {
      throw new IllegalArgumentException("learnerPromotionLagEntries must be >= 0");
    }
    if (leaseReads && !checkQuorum) {
      throw new IllegalArgumentException(
          "leaseReads requires checkQuorum: without it a deposed leader does not know its lease ended");
    }
  }

  /** Sensible defaults for a 10 ms tick: election 150-300 ms, heartbeat 30 ms. */
  public static RaftConfig defaults(List<String> initialVoters) {
    return new RaftConfig(
        initialVoters, 15, 30, 3, 256, 1 << 20, 8, 256 * 1024, true, true, false, 16, 10_000, 10_000,
        1024);
  }

  public RaftConfig withTimeouts(int electionMin, int electionMax, int heartbeat) {
    return new RaftConfig(initialVoters, electionMin, electionMax, heartbeat, maxEntriesPerAppend,
        maxBytesPerAppend, maxInflightAppends, snapshotChunkBytes, preVote, checkQuorum, leaseReads,
        learnerPromotionLagEntries, maxUncommittedEntries, maxPendingReads, maxCommittedEntriesPerReady);
  }

  public RaftConfig withFlags(boolean preVote, boolean checkQuorum, boolean leaseReads) {
    return new RaftConfig(initialVoters, electionTimeoutMinTicks, electionTimeoutMaxTicks,
        heartbeatIntervalTicks, maxEntriesPerAppend, maxBytesPerAppend, maxInflightAppends,
        snapshotChunkBytes, preVote, checkQuorum, leaseReads, learnerPromotionLagEntries,
        maxUncommittedEntries, maxPendingReads, maxCommittedEntriesPerReady);
  }

  public RaftConfig withLimits(int entriesPerAppend, long bytesPerAppend, int inflight, int chunkBytes) {
    return new RaftConfig(initialVoters, electionTimeoutMinTicks, electionTimeoutMaxTicks,
        heartbeatIntervalTicks, entriesPerAppend, bytesPerAppend, inflight, chunkBytes, preVote,
        checkQuorum, leaseReads, learnerPromotionLagEntries, maxUncommittedEntries, maxPendingReads,
        maxCommittedEntriesPerReady);
  }

  public RaftConfig withInitialVoters(List<String> voters) {
    return new RaftConfig(voters, electionTimeoutMinTicks, electionTimeoutMaxTicks,
        heartbeatIntervalTicks, maxEntriesPerAppend, maxBytesPerAppend, maxInflightAppends,
        snapshotChunkBytes, preVote, checkQuorum, leaseReads, learnerPromotionLagEntries,
        maxUncommittedEntries, maxPendingReads, maxCommittedEntriesPerReady);
  }

  public RaftConfig withLearnerPromotionLag(long entries) {
    return new RaftConfig(initialVoters, electionTimeoutMinTicks, electionTimeoutMaxTicks,
        heartbeatIntervalTicks, maxEntriesPerAppend, maxBytesPerAppend, maxInflightAppends,
        snapshotChunkBytes, preVote, checkQuorum, leaseReads, entries, maxUncommittedEntries,
        maxPendingReads, maxCommittedEntriesPerReady);
  }

  private static void positive(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }
}
