package clusternode.protocols.statemachine.ticks;

import clusternode.protocols.statemachine.Replicated;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Puts time into a replicated state machine the only deterministic way: as a command. A state
 * machine never reads a clock; when something in it depends on time (a pending ledger transfer's
 * timeout, a KV lease), a node asks its {@link Policy} at every interval whether a tick is due
 * and, if so, proposes the tick command the policy built (carrying this node's clock) through the
 * ordering protocol, so that every replica applies the same time at the same log position.
 *
 * <p>The policy decides who ticks and when (the ledger: any node, staggered by rank, only past a
 * deadline; the KV leases: only the Raft leader, while leases exist). At most one check or
 * proposal is in flight per instance; a failure (no quorum) is retried at the next interval.
 */
public final class ProposedTicks implements Runnable {
  /** Decides, from this replica's state and the clock reading {@code nowMs}, whether to tick. */
  public interface Policy {
    /** The tick command to propose now, or empty. */
    CompletionStage<Optional<byte[]>> due(long nowMs);
  }

  private final Replicated ordering;
  private final String machine;
  private final LongSupplier clockMs;
  private final Policy policy;
  private final AtomicBoolean inFlight = new AtomicBoolean();

  public ProposedTicks(Replicated ordering, String machine, LongSupplier clockMs, Policy policy) {
    this.ordering = ordering;
    this.machine = machine;
    this.clockMs = clockMs;
    this.policy = policy;
  }

  @Override
  public void run() {
    if (!inFlight.compareAndSet(false, true)) {
      return;
    }
    CompletionStage<?> done;
    try {
      done = policy.due(clockMs.getAsLong()).thenCompose(tick -> tick.isPresent()
          ? ordering.command(machine, tick.get()) : CompletableFuture.completedFuture(null));
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    done.whenComplete((result, failure) -> inFlight.set(false));
  }

  /** Whether a check or proposal is under way (for tests). */
  public boolean busy() {
    return inFlight.get();
  }
}
