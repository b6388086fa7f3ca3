package clusternode.node.check;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of a recorded history ({@code history.jsonl}), in Jepsen's shape: a client operation
 * is an {@code invoke} followed by exactly one completion of the same process, {@code ok} (it took
 * effect), {@code fail} (it certainly did not) or {@code info} (unknown: it may take effect at any
 * time after its invocation, or never). Nemesis actions use the same shape with process
 * {@code nemesis}.
 *
 * @param index position in the history, from 0
 * @param type invoke, ok, fail or info
 * @param process who: {@code c0}, {@code c1}, ... (clients), {@code nemesis}, {@code final}
 * @param f what: read, write, cas (register); transfer (ledger); a nemesis fault's name
 * @param key the register key, or the ledger transfer id
 * @param value the value written (write, cas), or the transfer as {@code from>to:amount}; a
 *     nemesis event's description
 * @param expected the value a cas expects ({@code null}: the key must be absent)
 * @param result what a completed read saw, or the current value a refused cas reported
 *     ({@code null}: absent)
 * @param node the node the request went to
 * @param timeNs monotonic nanoseconds since the run started
 * @param error why a completion is fail or info ({@code mismatch} for a refused cas)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(long index, String type, String process, String f, String key, String value, String expected,
    String result, String node, long timeNs, String error) {
  public static final String INVOKE = "invoke";
  public static final String OK = "ok";
  public static final String FAIL = "fail";
  public static final String INFO = "info";
  /** The error of a cas refused because the current value was not the expected one. */
  public static final String MISMATCH = "mismatch";
  public static final String NEMESIS = "nemesis";

  public Event {
    if (!type.equals(INVOKE) && !type.equals(OK) && !type.equals(FAIL) && !type.equals(INFO)) {
      throw new IllegalArgumentException("event type must be invoke, ok, fail or info: " + type);
    }
    if (process == null || f == null || timeNs < 0) {
      throw new IllegalArgumentException("event needs a process, an f and a time >= 0");
    }
  }

  @JsonIgnore
  public boolean isInvoke() {
    return type.equals(INVOKE);
  }

  public Event withIndex(long i) {
    return new Event(i, type, process, f, key, value, expected, result, node, timeNs, error);
  }

  /** The completion of this invocation. */
  public Event complete(String completionType, String resultValue, String why, long atNs) {
    return new Event(-1, completionType, process, f, key, value, expected, resultValue, node, atNs, why);
  }

  public static Event invoke(String process, String f, String key, String value, String expected, String node,
      long timeNs) {
    return new Event(-1, INVOKE, process, f, key, value, expected, null, node, timeNs, null);
  }
}
