package clusternode.raft.shell;

import clusternode.protocols.metrics.Metrics;
import clusternode.raft.core.RaftCore;
import clusternode.raft.core.Role;
import clusternode.raft.core.SoftState;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/** Raft's figures on {@code /metrics}: elections, term changes, commit and fsync latency, batches, log size. */
public final class RaftMetrics {
  private final Metrics metrics;
  private final LongAdder leaderElected;
  private final LongAdder campaigns;
  private final LongAdder preVoteCampaigns;
  private final LongAdder termChanges;
  private long campaignsSeen;
  private long preVoteCampaignsSeen;
  private final LongAdder snapshotsTaken;
  private final LongAdder snapshotsInstalled;
  private final Metrics.LatencySummary commitLatency;
  private final Metrics.LatencySummary persistLatency;
  private final Metrics.LatencySummary batchEntries;
  private volatile long term;
  private volatile int role;

  public RaftMetrics(Metrics metrics) {
    this.metrics = metrics;
    leaderElected = metrics.counter("raft_leader_elections_total",
        "Elections this server won (times it became leader); raft_elections_started_total counts campaigns");
    campaigns = metrics.counter("raft_elections_started_total",
        "Elections this server started as a candidate, each in a new term (leadership transfers included)");
    preVoteCampaigns = metrics.counter("raft_pre_votes_started_total",
        "Pre-vote rounds this server started; one that wins becomes an election");
    termChanges = metrics.counter("raft_term_changes_total", "Times this server's term advanced");
    snapshotsTaken = metrics.counter("raft_snapshots_taken_total", "State machine snapshots taken and log compactions");
    snapshotsInstalled = metrics.counter("raft_snapshots_installed_total", "Snapshots installed from a leader");
    commitLatency = metrics.summary("raft_commit_latency_ms", "Proposal to apply on the leader, milliseconds");
    persistLatency = metrics.summary("raft_persist_latency_ms", "Writing one Ready to disk incl. fsync, milliseconds");
    batchEntries = metrics.distribution("raft_persist_batch_entries", "Entries made durable per fsync");
    metrics.gauge("raft_term", "Current term", () -> term);
    metrics.gauge("raft_role", "0 follower, 1 pre-candidate, 2 candidate, 3 leader", () -> role);
  }

  /** Per-fsync latency from the storage layer. */
  public Metrics.LatencySummary fsyncLatency() {
    return metrics.summary("raft_fsync_latency_ms", "One fsync of the Raft log, hard state or snapshot, milliseconds");
  }

  void watch(RaftCore core, IntSupplier pending, RaftStorage storage) {
    metrics.gauge("raft_pending_requests", "Client requests waiting for commit", pending::getAsInt);
    metrics.gauge("raft_log_entries", "Entries in the on-disk log (after the snapshot)",
        () -> Math.max(0, storage.logLastIndex() - storage.logFirstIndex() + 1));
    term = core.term();
    campaignsSeen = core.campaigns();
    preVoteCampaignsSeen = core.preVoteCampaigns();
  }

  /** Counts the campaigns the core started since the last call (the actor's thread only). */
  void campaigns(RaftCore core) {
    campaigns.add(core.campaigns() - campaignsSeen);
    preVoteCampaigns.add(core.preVoteCampaigns() - preVoteCampaignsSeen);
    campaignsSeen = core.campaigns();
    preVoteCampaignsSeen = core.preVoteCampaigns();
  }

  void softState(SoftState s) {
    if (s.term() != term) {
      termChanges.increment();
    }
    term = s.term();
    role = switch (s.role()) {
      case FOLLOWER -> 0;
      case PRE_CANDIDATE -> 1;
      case CANDIDATE -> 2;
      case LEADER -> 3;
    };
    if (s.role() == Role.LEADER) {
      leaderElected.increment();
    }
  }

  void committed(long latencyNanos) {
    commitLatency.recordNanos(latencyNanos);
  }

  void persisted(int entries, long nanos) {
    if (entries > 0) {
      persistLatency.recordNanos(nanos);
      batchEntries.recordMicros(entries);
    }
  }

  void snapshotTaken() {
    snapshotsTaken.increment();
  }

  void snapshotInstalled() {
    snapshotsInstalled.increment();
  }
}
