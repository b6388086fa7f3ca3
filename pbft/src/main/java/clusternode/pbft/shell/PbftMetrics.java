package clusternode.pbft.shell;

import clusternode.pbft.core.PbftStatus;
import clusternode.protocols.metrics.Metrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/** PBFT's figures in the node's Prometheus registry. */
public final class PbftMetrics {
  private final Metrics metrics;
  private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
  private final LongAdder executedBatches;
  private final LongAdder executedRequests;
  private final LongAdder requestsTimedOut;
  private final LongAdder requestsCompleted;
  private final Metrics.LatencySummary requestLatency;
  private final Metrics.LatencySummary fsyncLatency;
  private final LongAdder persistedRecords;
  private final Metrics.LatencySummary batchSize;
  private final LongAdder groupCommits;
  private final LongAdder groupCommitReadies;

  public PbftMetrics(Metrics metrics) {
    this.metrics = metrics;
    this.executedBatches = metrics.counter("pbft_executed_batches_total", "Sequence numbers executed");
    this.executedRequests = metrics.counter("pbft_executed_requests_total", "Client requests executed");
    this.requestsTimedOut = metrics.counter("pbft_client_requests_timed_out_total", "Requests with no f+1 matching replies in time");
    this.requestsCompleted = metrics.counter("pbft_client_requests_completed_total", "Requests answered by f+1 matching replies");
    this.requestLatency = metrics.summary("pbft_client_request_latency", "Latency of a client request, submit to f+1 replies");
    this.fsyncLatency = metrics.summary("pbft_fsync_latency", "Latency of one group commit (write and fsync)");
    this.batchSize = metrics.distribution("pbft_batch_size", "Requests per executed sequence number");
    this.persistedRecords = metrics.counter("pbft_persisted_records_total", "Log records made durable");
    this.groupCommits = metrics.counter("pbft_group_commits_total", "Group commits of the disk thread with records");
    this.groupCommitReadies = metrics.counter("pbft_group_commit_readies_total", "Readys covered by those group commits");
  }

  /** A message that never counted: bad signature, non-member, wrong view, out of window, ... */
  public void rejected(String reason) {
    String label = reason.length() > 40 ? reason.substring(0, 40) : reason;
    rejected.computeIfAbsent(label, r -> metrics.counter("pbft_rejected_messages_total",
        "Messages dropped without counting toward any quorum, by reason", "reason", r)).increment();
  }

  public long rejectedCount(String reason) {
    LongAdder a = rejected.get(reason);
    return a == null ? 0 : a.sum();
  }

  public long rejectedTotal() {
    return rejected.values().stream().mapToLong(LongAdder::sum).sum();
  }

  public void executed(int requests) {
    executedBatches.increment();
    executedRequests.add(requests);
    batchSize.recordMicros(requests);
  }

  public void completed(long nanos) {
    requestsCompleted.increment();
    requestLatency.recordNanos(nanos);
  }

  public void timedOut() {
    requestsTimedOut.increment();
  }

  /** One group commit: {@code readies} Readys with {@code records} records in {@code nanos}. */
  public void persisted(long nanos, int readies, int records) {
    fsyncLatency.recordNanos(nanos);
    groupCommits.increment();
    groupCommitReadies.add(readies);
    persistedRecords.add(records);
  }

  /** Where a request's CPU goes: signatures made and checked, fsyncs (profiled in issue 4). */
  public void watchCrypto(Ed25519Crypto crypto, PbftStorage storage) {
    metrics.gauge("pbft_signatures_made_total", "Ed25519 signatures made", crypto::signs);
    metrics.gauge("pbft_signatures_verified_total", "Ed25519 signatures checked by arithmetic", crypto::verifies);
    metrics.gauge("pbft_signature_checks_skipped_total", "Checks of this node's own signatures, answered from memory",
        crypto::verifiesSkipped);
    metrics.gauge("pbft_fsyncs_total", "fsyncs of the PBFT log and checkpoint", storage::fsyncs);
  }

  /** Gauges read the status the actor publishes after each Ready. */
  public void watch(Supplier<PbftStatus> status) {
    metrics.gauge("pbft_view", "Current view", () -> status.get().view());
    metrics.gauge("pbft_last_executed", "Last executed sequence number", () -> status.get().lastExecuted());
    metrics.gauge("pbft_stable_checkpoint", "Sequence number of the stable checkpoint", () -> status.get().stableCheckpoint());
    metrics.gauge("pbft_pending_requests", "Requests received and not yet executed", () -> status.get().pendingRequests());
  }
}
