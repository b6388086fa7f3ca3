package clusternode.protocols.ledger.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The answer to one command, identical on every replica. A rejection has {@code ok = false} and
 * a {@link Reasons reason}. A repeated id returns the first result with {@code duplicate = true},
 * and with {@code conflict = "id_reused_with_different_body"} when the repeat asked something else.
 *
 * @param index the log index at which the command was (first) applied
 * @param timeMs the ledger time at which it was (first) applied
 * @param items for a batch: each item's own result
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Result(String id, String type, boolean ok, long index, long timeMs, String reason, String detail,
    List<Result> items, boolean duplicate, String conflict) {

  public Result {
    items = items == null ? null : List.copyOf(items);
  }

  static Result accepted(Command c, long index, long timeMs) {
    return new Result(c.id(), c.type(), true, index, timeMs, null, null, null, false, null);
  }

  static Result rejected(Command c, long index, long timeMs, String reason, String detail) {
    return new Result(c == null ? null : c.id(), c == null ? null : c.type(), false, index, timeMs, reason, detail,
        null, false, null);
  }

  Result withItems(List<Result> items) {
    return new Result(id, type, ok, index, timeMs, reason, detail, items, duplicate, conflict);
  }

  Result asDuplicate(boolean sameBody) {
    return new Result(id, type, ok, index, timeMs, reason, detail, items, true,
        sameBody ? null : Reasons.ID_REUSED_WITH_DIFFERENT_BODY);
  }
}
