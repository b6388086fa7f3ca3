package clusternode.protocols.ledger;

import clusternode.protocols.ledger.core.Command;
import clusternode.protocols.ledger.core.LedgerCodec;
import clusternode.protocols.ledger.core.Query;
import clusternode.protocols.statemachine.Replicated;
import clusternode.protocols.statemachine.Replicated.ReadConsistency;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Lets pending transfers expire on a quiet ledger. Ledger time only moves with ordered commands,
 * so once a pending transfer's deadline has passed on this node's clock (as this replica's state
 * says) this node proposes a {@code tick} carrying its clock, which expires it on every replica.
 *
 * <p>Nothing is proposed while no pending transfer with a timeout is due, so an idle cluster's log
 * does not grow. Every node runs one, but the {@code k}-th node in id order waits {@code k} extra
 * intervals past a deadline: normally only the first proposes, and when it is down or cut off the
 * next one does. A redundant tick is harmless (it expires nothing twice). At most one check or
 * proposal is in flight per node; a failure (no quorum) is retried at the next interval.
 */
final class ExpiryTicks implements Runnable {
  private static final byte[] NEXT_DEADLINE = encode(new Query.NextDeadline());

  private final Replicated ordering;
  private final LongSupplier clockMs;
  private final long graceMs;
  private final AtomicBoolean inFlight = new AtomicBoolean();

  /**
   * @param graceMs how long past a deadline this node waits before it proposes (its rank times the interval)
   */
  ExpiryTicks(Replicated ordering, LongSupplier clockMs, long graceMs) {
    this.ordering = ordering;
    this.clockMs = clockMs;
    this.graceMs = graceMs;
  }

  @Override
  public void run() {
    if (!inFlight.compareAndSet(false, true)) {
      return;
    }
    CompletionStage<?> done;
    try {
      done = ordering.query(LedgerStateMachine.NAME, NEXT_DEADLINE, ReadConsistency.LOCAL).thenCompose(this::tickIfDue);
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    done.whenComplete((result, failure) -> inFlight.set(false));
  }

  private CompletionStage<?> tickIfDue(byte[] answer) {
    long now = clockMs.getAsLong();
    Long deadline = deadline(answer);
    if (deadline == null || now - graceMs < deadline) {
      return CompletableFuture.completedFuture(null);
    }
    return ordering.command(LedgerStateMachine.NAME, encode(new Command.Tick(now)));
  }

  /** The earliest deadline in a {@link Query.NextDeadline} answer; null when there is none. */
  private static Long deadline(byte[] answer) {
    try {
      JsonNode value = LedgerCodec.MAPPER.readTree(answer).path("value");
      return value.canConvertToLong() ? value.asLong() : null;
    } catch (IOException e) {
      throw new IllegalStateException("unreadable ledger answer to nextDeadline", e);
    }
  }

  private static byte[] encode(Object value) {
    try {
      return LedgerCodec.MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
