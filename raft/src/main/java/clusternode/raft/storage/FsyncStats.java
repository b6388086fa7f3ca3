package clusternode.raft.storage;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Counts every fsync the storage classes issue (file data and directories) and reports the
 * duration of each to an optional listener, e.g. an HdrHistogram recorder in the node shell.
 *
 * <p>The listener runs on the thread that called the storage method. The counters may be read
 * from any thread.
 */
public final class FsyncStats {
  private final LongConsumer onSyncNanos;
  private final AtomicLong syncCount = new AtomicLong();
  private final AtomicLong syncNanosTotal = new AtomicLong();
  private final AtomicLong syncNanosMax = new AtomicLong();

  /** Stats without a listener. */
  public FsyncStats() {
    this(nanos -> {});
  }

  /** @param onSyncNanos called once per fsync with its duration in nanoseconds */
  public FsyncStats(LongConsumer onSyncNanos) {
    this.onSyncNanos = Objects.requireNonNull(onSyncNanos, "onSyncNanos");
  }

  /** Number of fsyncs (files and directories) since creation. */
  public long syncCount() {
    return syncCount.get();
  }

  public long syncNanosTotal() {
    return syncNanosTotal.get();
  }

  public long syncNanosMax() {
    return syncNanosMax.get();
  }

  void record(long nanos) {
    long clamped = Math.max(0, nanos);
    syncCount.incrementAndGet();
    syncNanosTotal.addAndGet(clamped);
    syncNanosMax.accumulateAndGet(clamped, Math::max);
    onSyncNanos.accept(clamped);
  }
}
