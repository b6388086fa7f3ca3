package clusternode.raft.shell;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Client requests waiting on this server, each with its deadline: writes by log index, reads and
 * forwarded requests by request id. Bounded: beyond {@code max} a new request is refused at once.
 */
final class Pending<K> {
  /**
   * One waiting request; {@code reply} delivers its outcome exactly once.
   *
   * @param via the leader a forwarded request went to, else null
   */
  record Waiter(long term, long startNanos, long deadlineNanos, Consumer<Outcome> reply, String via) {
    Waiter(long term, long startNanos, long deadlineNanos, Consumer<Outcome> reply) {
      this(term, startNanos, deadlineNanos, reply, null);
    }
  }

  private final Map<K, Waiter> waiting = new LinkedHashMap<>();

  boolean isEmpty() {
    return waiting.isEmpty();
  }

  int size() {
    return waiting.size();
  }

  void add(K key, Waiter waiter) {
    if (waiting.putIfAbsent(key, waiter) != null) {
      throw new IllegalStateException("two requests wait on " + key);
    }
  }

  Waiter remove(K key) {
    return waiting.remove(key);
  }

  /** Fails every request whose deadline passed with {@code outcome}. */
  void expire(long nowNanos, Outcome outcome) {
    List<Waiter> expired = new ArrayList<>();
    for (Iterator<Waiter> it = waiting.values().iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (w.deadlineNanos() <= nowNanos) {
        it.remove();
        expired.add(w);
      }
    }
    expired.forEach(w -> w.reply().accept(outcome));
  }

  /** Fails every request forwarded to a server other than {@code leader}: it will not answer in time. */
  void failForwardedNotTo(String leader, Outcome outcome) {
    List<Waiter> failed = new ArrayList<>();
    for (Iterator<Waiter> it = waiting.values().iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (w.via() != null && !w.via().equals(leader)) {
        it.remove();
        failed.add(w);
      }
    }
    failed.forEach(w -> w.reply().accept(outcome));
  }

  /** Fails every waiting request. */
  void failAll(Outcome outcome) {
    List<Waiter> all = new ArrayList<>(waiting.values());
    waiting.clear();
    all.forEach(w -> w.reply().accept(outcome));
  }
}
