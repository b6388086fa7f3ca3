package clusternode.protocols.ledger;

import clusternode.protocols.ledger.core.Command;
import clusternode.protocols.ledger.core.LedgerCodec;
import clusternode.protocols.ledger.core.Query;
import clusternode.protocols.statemachine.Replicated;
import clusternode.protocols.statemachine.Replicated.ReadConsistency;
import clusternode.protocols.statemachine.ticks.ProposedTicks;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * When the ledger ticks (see {@link ProposedTicks}): once a pending transfer's deadline has passed
 * on this node's clock (as this replica's state says), a {@code tick} carrying the clock expires
 * it on every replica.
 *
 * <p>Nothing is proposed while no pending transfer with a timeout is due, so an idle cluster's log
 * does not grow. Every node runs one, but the {@code k}-th node in id order waits {@code k} extra
 * intervals past a deadline: normally only the first proposes, and when it is down or cut off the
 * next one does. A redundant tick is harmless (it expires nothing twice).
 */
final class LedgerTicks implements ProposedTicks.Policy {
  private static final byte[] NEXT_DEADLINE = encode(new Query.NextDeadline());

  private final Replicated ordering;
  private final long graceMs;

  /**
   * @param graceMs how long past a deadline this node waits before it proposes (its rank times the interval)
   */
  LedgerTicks(Replicated ordering, long graceMs) {
    this.ordering = ordering;
    this.graceMs = graceMs;
  }

  static ProposedTicks create(Replicated ordering, java.util.function.LongSupplier clockMs, long graceMs) {
    return new ProposedTicks(ordering, LedgerStateMachine.NAME, clockMs, new LedgerTicks(ordering, graceMs));
  }

  @Override
  public CompletionStage<Optional<byte[]>> due(long nowMs) {
    return ordering.query(LedgerStateMachine.NAME, NEXT_DEADLINE, ReadConsistency.LOCAL).thenApply(answer -> {
      Long deadline = deadline(answer);
      return deadline == null || nowMs - graceMs < deadline ? Optional.empty() : Optional.of(encode(new Command.Tick(nowMs)));
    });
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
