package clusternode.protocols.kv.core;

/**
 * Every bound of the coordination store. All replicas must use the same values (they come from
 * the deployment's config, {@code cluster-node.kv}): compaction and refusals depend on them.
 *
 * @param retainRevisions revisions of history kept for older reads and resuming watchers
 * @param historyMaxEvents events kept at most, whatever their revisions
 * @param historyMaxBytes approximate heap bytes of the kept events at most
 * @param maxTxnOps comparisons, and ops per branch, in one txn at most
 * @param maxRangeLimit keys one range read returns at most
 * @param maxLeases leases alive at once at most
 * @param maxKeysPerLease keys attached to one lease at most
 * @param maxQueue waiters in one lock's or election's queue at most
 * @param leasesEnabled false where the ordering protocol cannot order time safely (PBFT): lease,
 *     lock and election commands are refused with 501
 */
public record KvLimits(long retainRevisions, int historyMaxEvents, long historyMaxBytes, int maxTxnOps, int maxRangeLimit,
    int maxLeases, int maxKeysPerLease, int maxQueue, boolean leasesEnabled) {
  public static final long MIN_TTL_MS = 100;
  public static final long MAX_TTL_MS = 3_600_000;

  public static KvLimits defaults() {
    return new KvLimits(10_000, 100_000, 64L << 20, 128, 10_000, 100_000, 10_000, 1_024, true);
  }

  public KvLimits {
    if (retainRevisions < 1 || historyMaxEvents < 1 || historyMaxBytes < 1 || maxTxnOps < 1 || maxRangeLimit < 1
        || maxLeases < 1 || maxKeysPerLease < 1 || maxQueue < 1) {
      throw new IllegalArgumentException("every KV limit must be at least 1");
    }
  }

  public KvLimits withLeases(boolean enabled) {
    return new KvLimits(retainRevisions, historyMaxEvents, historyMaxBytes, maxTxnOps, maxRangeLimit, maxLeases,
        maxKeysPerLease, maxQueue, enabled);
  }

  public KvLimits withRetainRevisions(long n) {
    return new KvLimits(n, historyMaxEvents, historyMaxBytes, maxTxnOps, maxRangeLimit, maxLeases, maxKeysPerLease,
        maxQueue, leasesEnabled);
  }
}
