package clusternode.protocols.ledger.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A read of the ledger: changes nothing. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Query.Balance.class, name = "balance"),
    @JsonSubTypes.Type(value = Query.History.class, name = "history"),
    @JsonSubTypes.Type(value = Query.Audit.class, name = "audit"),
    @JsonSubTypes.Type(value = Query.NextDeadline.class, name = "nextDeadline")})
public sealed interface Query {
  int DEFAULT_HISTORY_PAGE = 100;

  /** An account now, or as of a log index, or as of a ledger time (at most one of the two). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Balance(String account, Long asOfIndex, Long asOfTimeMs) implements Query {}

  /**
   * An account's events with seq greater than {@code after}; {@code limit} 0 means the default
   * page. With an as-of (at most one of the two) only the events up to that log index or ledger time.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record History(String account, long after, int limit, Long asOfIndex, Long asOfTimeMs) implements Query {
    public History(String account, long after, int limit) {
      this(account, after, limit, null, null);
    }
  }

  /** The invariants re-checked on this replica. */
  record Audit() implements Query {}

  /**
   * When the first pending transfer with a timeout is due (ms since the epoch): the answer's value,
   * absent when none has a timeout. Cheap, for the node that proposes ticks only when one is due.
   */
  record NextDeadline() implements Query {}

  /** {@code {ok: true, value}} or {@code {ok: false, reason, detail}}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Answer(boolean ok, Object value, String reason, String detail) {
    static Answer of(Object value) {
      return new Answer(true, value, null, null);
    }

    static Answer rejected(String reason, String detail) {
      return new Answer(false, null, reason, detail);
    }
  }
}
