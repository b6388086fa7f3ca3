package clusternode.protocols.ledger.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** What the ledger's reads return. */
public final class Views {
  private Views() {}

  /**
   * An account as of {@code asOfIndex}: {@code balance} is posted, {@code pending} is reserved by
   * pending transfers out of it, {@code available = balance - pending}, which may go down to
   * {@code -limit}; {@code pendingIncoming} is pending transfers into it.
   */
  public record Balance(String id, long balance, long pending, long available, long pendingIncoming, long limit,
      long asOfIndex) {}

  /** One event in an account's history with the account's state right after it. */
  public record HistoryEntry(Event event, long balance, long pending, long available) {}

  /**
   * A page of an account's history, oldest first, events with {@code seq > after}. {@code next}:
   * pass it as {@code after} for the next page; null at the end. {@code truncated}: older entries
   * were dropped from this replica's retained history.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record HistoryPage(String id, List<HistoryEntry> events, Long next, boolean truncated) {}

  /** The invariants re-checked from scratch on this replica, and a digest of its whole state. */
  public record Audit(boolean ok, long totalBalance, long deposits, long withdrawals, int accounts, long pendingTotal,
      int pendingCount, long eventCount, int retainedEvents, long lastAppliedIndex, long ledgerTimeMs, String digest,
      List<String> problems) {}

  /** A read that cannot be answered: {@code reason} is one of {@link Reasons}. */
  public static final class Rejected extends RuntimeException {
    private final String reason;

    public Rejected(String reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }
}
