package clusternode.protocols.ledger.core;

/** The machine-readable reasons a command is rejected or a query cannot be answered. */
public final class Reasons {
  public static final String MALFORMED_COMMAND = "malformed_command";
  public static final String INVALID_ID = "invalid_id";
  public static final String INVALID_LIMIT = "invalid_limit";
  public static final String INVALID_TIMEOUT = "invalid_timeout";
  public static final String AMOUNT_MUST_BE_POSITIVE = "amount_must_be_positive";
  public static final String ACCOUNT_EXISTS = "account_exists";
  public static final String UNKNOWN_ACCOUNT = "unknown_account";
  public static final String SAME_ACCOUNT = "same_account";
  public static final String INSUFFICIENT_FUNDS = "insufficient_funds";
  public static final String EXCEEDS_LIMIT = "exceeds_limit";
  public static final String OVERFLOW = "overflow";
  public static final String UNKNOWN_TRANSFER = "unknown_transfer";
  public static final String NOT_PENDING = "not_pending";
  public static final String ALREADY_POSTED = "already_posted";
  public static final String ALREADY_VOIDED = "already_voided";
  public static final String PENDING_EXPIRED = "pending_expired";
  public static final String POST_AMOUNT_EXCEEDS_PENDING = "post_amount_exceeds_pending";
  public static final String INVALID_BATCH = "invalid_batch";
  public static final String ID_ALREADY_USED = "id_already_used";
  public static final String LINKED_EVENT_FAILED = "linked_event_failed";
  public static final String ID_REUSED_WITH_DIFFERENT_BODY = "id_reused_with_different_body";
  /** Queries. */
  public static final String MALFORMED_QUERY = "malformed_query";
  public static final String HISTORY_TRUNCATED = "history_truncated";

  private Reasons() {}
}
