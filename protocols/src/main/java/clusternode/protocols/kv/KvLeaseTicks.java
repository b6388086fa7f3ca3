package clusternode.protocols.kv;

import clusternode.protocols.kv.core.KvCommand;
import clusternode.protocols.statemachine.ticks.ProposedTicks;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * When the KV leases tick (see {@link ProposedTicks}): only the Raft leader proposes, every
 * interval while this replica knows of any lease, with a proposer name made of node id, process
 * incarnation and Raft term, so that the state machine sees a new proposer at every leader change
 * (and after a restart) and applies its leader-change rule instead of comparing two clocks. The
 * clock is this process's monotonic clock: a wall-clock step cannot expire a lease.
 */
public final class KvLeaseTicks implements ProposedTicks.Policy {
  private static final long BASE_NANOS = System.nanoTime();
  private static final String INCARNATION = Long.toString(System.currentTimeMillis(), 36);

  private final KvStore local;
  private final String nodeId;
  private final Supplier<CompletionStage<OptionalLong>> leaderTerm;
  private final long intervalMs;
  private final long extendMs;

  /**
   * @param leaderTerm this node's Raft term while it is leader, empty otherwise
   * @param extendMs what a new leader adds to every lease's remaining time: the longest election
   */
  public KvLeaseTicks(KvStore local, String nodeId, Supplier<CompletionStage<OptionalLong>> leaderTerm, long intervalMs,
      long extendMs) {
    this.local = local;
    this.nodeId = nodeId;
    this.leaderTerm = leaderTerm;
    this.intervalMs = intervalMs;
    this.extendMs = extendMs;
  }

  /** Milliseconds on this process's monotonic clock, from 1. */
  public static long monotonicMs() {
    return (System.nanoTime() - BASE_NANOS) / 1_000_000 + 1;
  }

  @Override
  public CompletionStage<Optional<byte[]>> due(long nowMs) {
    if (local.leaseCount() == 0) {
      return CompletableFuture.completedFuture(Optional.empty()); // an idle store's log does not grow
    }
    return leaderTerm.get().thenApply(term -> term.isEmpty() ? Optional.empty()
        : Optional.of(KvStore.encode(new KvCommand.Tick(nodeId + "@" + INCARNATION + "#" + term.getAsLong(), nowMs,
            intervalMs, extendMs))));
  }
}
