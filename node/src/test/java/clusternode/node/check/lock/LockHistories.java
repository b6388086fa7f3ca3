package clusternode.node.check.lock;

import clusternode.node.check.Event;
import clusternode.node.check.History;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Builds lock-run histories by hand; times are plain numbers (nanoseconds), ordered for the history. */
final class LockHistories {
  private record Timed(Event event, long seq) {}

  private final List<Timed> events = new ArrayList<>();
  private long seq;

  private LockHistories op(String process, String f, String key, String value, String expected, long start, long end,
      String type, String result, String error) {
    Event in = Event.invoke(process, f, key, value, expected, "n1", start);
    events.add(new Timed(in, seq++));
    events.add(new Timed(in.complete(type, result, error, end), seq++));
    return this;
  }

  LockHistories acquire(String p, long lease, long token, long start, long end) {
    return op(p, LockOps.ACQUIRE, "L", Long.toString(lease), null, start, end, Event.OK, Long.toString(token), null);
  }

  LockHistories acquireTimedOut(String p, long lease, long start, long end) {
    return op(p, LockOps.ACQUIRE, "L", Long.toString(lease), null, start, end, Event.FAIL, null, "status 408");
  }

  LockHistories write(String p, long token, String value, long start, long end) {
    return op(p, LockOps.WRITE, "K", value, Long.toString(token), start, end, Event.OK, null, null);
  }

  LockHistories fenced(String p, long token, String value, long start, long end) {
    return op(p, LockOps.WRITE, "K", value, Long.toString(token), start, end, Event.FAIL, null, LockOps.FENCED);
  }

  LockHistories writeUnknown(String p, long token, String value, long start, long end) {
    return op(p, LockOps.WRITE, "K", value, Long.toString(token), start, end, Event.INFO, null, "no answer");
  }

  LockHistories release(String p, long token, long start, long end) {
    return op(p, LockOps.RELEASE, "L", Long.toString(token), null, start, end, Event.OK, null, null);
  }

  LockHistories finalAcquire(long token, long start, long end) {
    return op(LockOps.FINAL, LockOps.ACQUIRE, "L", "99", null, start, end, Event.OK, Long.toString(token), null);
  }

  LockHistories finalAcquireFailed(long start, long end) {
    return op(LockOps.FINAL, LockOps.ACQUIRE, "L", "99", null, start, end, Event.FAIL, null, "status 408");
  }

  LockHistories finalRead(String value, long start, long end) {
    return op(LockOps.FINAL, LockOps.READ, "K", null, null, start, end, Event.OK, value, null);
  }

  History history() {
    List<Timed> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparingLong((Timed t) -> t.event.timeNs()).thenComparingLong(t -> t.seq));
    return History.of(sorted.stream().map(Timed::event).toList());
  }
}
