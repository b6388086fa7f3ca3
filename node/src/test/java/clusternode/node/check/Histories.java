package clusternode.node.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Builds register histories for the checker's tests; times are plain numbers (nanoseconds). */
final class Histories {
  private record Timed(Event event, long seq) {}

  private final List<Timed> events = new ArrayList<>();
  private long seq;
  private String node = "n1";

  /** The node the operations added from now on go to (n1 until told otherwise). */
  Histories on(String nodeId) {
    node = nodeId;
    return this;
  }

  /** An operation with a definite completion of {@code type} (ok or fail) at {@code end}. */
  Histories op(String process, String f, String key, String value, String expected, long start, long end,
      String type, String result, String error) {
    Event in = Event.invoke(process, f, key, value, expected, node, start);
    events.add(new Timed(in, seq++));
    if (end >= 0) {
      events.add(new Timed(in.complete(type, result, error, end), seq++));
    }
    return this;
  }

  Histories write(String p, String key, String value, long start, long end) {
    return op(p, "write", key, value, null, start, end, Event.OK, null, null);
  }

  Histories read(String p, String key, String result, long start, long end) {
    return op(p, "read", key, null, null, start, end, Event.OK, result, null);
  }

  Histories cas(String p, String key, String expected, String value, long start, long end) {
    return op(p, "cas", key, value, expected, start, end, Event.OK, null, null);
  }

  Histories casRefused(String p, String key, String expected, String value, String current, long start, long end) {
    return op(p, "cas", key, value, expected, start, end, Event.FAIL, current, Event.MISMATCH);
  }

  /** Unknown outcome: the client stopped waiting at {@code end}. */
  Histories info(String p, String f, String key, String value, String expected, long start, long end) {
    return op(p, f, key, value, expected, start, end, Event.INFO, null, "timeout");
  }

  Histories failed(String p, String f, String key, String value, long start, long end) {
    return op(p, f, key, value, null, start, end, Event.FAIL, null, "connection refused");
  }

  History history() {
    List<Timed> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparingLong((Timed t) -> t.event.timeNs()).thenComparingLong(t -> t.seq));
    return History.of(sorted.stream().map(Timed::event).toList());
  }

  Linearizability.Result check() {
    return Linearizability.check(history().operations());
  }
}
