package clusternode.node.check.lock;

import clusternode.node.check.Event;
import clusternode.node.check.History.Operation;
import clusternode.node.check.lock.LockHistory.Timed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Judges a lock run by its fencing tokens, in real time ("A before B" means A's answer came before
 * B was sent, so the cluster ordered A first; operations that overlap may go either way):
 *
 * <ol>
 *   <li><b>tokens only grow</b>: an acquire acknowledged before another was sent got a smaller token
 *       (equal only for the same lease: acquiring again with the lease one holds answers its token);
 *   <li><b>guarded writes in token order</b>: no write with token t is acknowledged if it was sent
 *       after a write with a newer token t' &gt; t had been acknowledged;
 *   <li><b>every acknowledged write carried the newest token</b>: no acquire with a newer token had
 *       been acknowledged to anyone before the write was sent, its own token had not been released
 *       (acknowledged) before it was sent, and its token was handed out by some acquire that did
 *       not certainly fail;
 *   <li><b>not lost forever</b>: after the final heal an acquire succeeds within the bound;
 *   <li><b>the resource holds the last write</b>: the final read of the guarded key finds the value
 *       of the acknowledged write with the newest token, or of a write whose outcome is unknown (or
 *       that overlapped it) with a token at least as new; with no acknowledged write, any write that
 *       did not certainly fail, or nothing.
 * </ol>
 */
public final class LockCheck {
  static final int MAX_VIOLATIONS = 50;

  public record Result(boolean valid, List<String> violations, Set<Integer> violating, Map<String, Object> stats) {}

  private final List<String> violations = new ArrayList<>();
  private final Set<Integer> violating = new TreeSet<>();

  private LockCheck() {}

  /** @param liveWithin how long the final acquire may take after the heal (property 4) */
  public static Result check(List<Operation> ops, Duration liveWithin) {
    return new LockCheck().run(LockHistory.of(ops), liveWithin);
  }

  private Result run(LockHistory h, Duration liveWithin) {
    List<Timed> acks = h.acquires().stream().filter(Timed::ok).toList();
    List<Timed> ackedWrites = h.writes().stream().filter(Timed::ok).toList();
    tokensGrow(acks);
    writesInTokenOrder(ackedWrites);
    newestToken(ackedWrites, acks, h.releases(), h.acquires());
    notLost(h, liveWithin);
    h.finalRead().ifPresent(read -> finalRead(read, h.writes()));
    Map<String, Object> stats = new TreeMap<>();
    stats.put("acquiresAcknowledged", acks.size());
    stats.put("acquiresUnknown", h.acquires().stream().filter(t -> t.outcome().equals(Event.INFO)).count());
    stats.put("acquiresTimedOut", h.acquires().stream().filter(t -> t.outcome().equals(Event.FAIL)).count());
    stats.put("writesAcknowledged", ackedWrites.size());
    stats.put("writesFenced", h.writes().stream().filter(t -> t.outcome().equals(Event.FAIL)).count());
    stats.put("writesUnknown", h.writes().stream().filter(t -> t.outcome().equals(Event.INFO)).count());
    stats.put("releasesAcknowledged", h.releases().stream().filter(Timed::ok).count());
    stats.put("tokensHandedOut", acks.stream().map(Timed::token).distinct().count());
    stats.put("finalAcquireMs", h.finalAcquire().filter(Timed::ok)
        .map(t -> (t.returnNs() - t.callNs()) / 1_000_000).orElse(null));
    return new Result(violations.isEmpty(), List.copyOf(violations), Set.copyOf(violating), stats);
  }

  /** Property 1, by a sweep: acknowledgements in return order against acquires in call order. */
  private void tokensGrow(List<Timed> acks) {
    for (Timed a : acks) {
      if (a.token() <= 0) {
        violation("acquire answered no positive fencing token: " + a.describe(), a);
      }
    }
    Before before = new Before(acks);
    for (Timed b : byCall(acks)) {
      Timed newest = before.newestReturnedBefore(b.callNs());
      if (newest != null && (newest.token() > b.token() || newest.token() == b.token() && newest.lease() != b.lease())) {
        violation("tokens must only grow: " + b.describe() + " was handed token " + b.token() + " after "
            + newest.describe() + " had been acknowledged", b, newest);
      }
    }
  }

  /** Property 2. */
  private void writesInTokenOrder(List<Timed> ackedWrites) {
    Before before = new Before(ackedWrites);
    for (Timed w : byCall(ackedWrites)) {
      Timed newer = before.newestReturnedBefore(w.callNs());
      if (newer != null && newer.token() > w.token()) {
        violation("guarded writes out of token order: " + w.describe() + " was acknowledged although it was sent "
            + "after " + newer.describe() + " with the newer token had been acknowledged", w, newer);
      }
    }
  }

  /** Property 3. */
  private void newestToken(List<Timed> ackedWrites, List<Timed> acks, List<Timed> releases, List<Timed> acquires) {
    Before grants = new Before(acks);
    Map<Long, Timed> released = new HashMap<>();
    for (Timed r : releases) {
      if (r.ok()) {
        released.merge(r.token(), r, (x, y) -> x.returnNs() <= y.returnNs() ? x : y);
      }
    }
    Set<Long> handedOut = new HashSet<>();
    acquires.stream().filter(Timed::ok).forEach(a -> handedOut.add(a.token()));
    boolean someUnknown = acquires.stream().anyMatch(a -> a.outcome().equals(Event.INFO));
    for (Timed w : byCall(ackedWrites)) {
      Timed newer = grants.newestReturnedBefore(w.callNs());
      if (newer != null && newer.token() > w.token()) {
        violation("stale token accepted: " + w.describe() + " was acknowledged although " + newer.describe()
            + " had been granted the newer token before the write was sent", w, newer);
      }
      Timed r = released.get(w.token());
      if (r != null && r.returnNs() < w.callNs()) {
        violation("released token accepted: " + w.describe() + " was acknowledged although " + r.describe()
            + " had released that token before the write was sent", w, r);
      }
      if (!handedOut.contains(w.token()) && !someUnknown) {
        violation("token never handed out: " + w.describe() + " was acknowledged with a token no acquire answered", w);
      }
    }
  }

  /** Property 4. */
  private void notLost(LockHistory h, Duration liveWithin) {
    h.finalAcquire().ifPresent(f -> {
      if (!f.ok()) {
        violation("lock lost: after the final heal no acquire succeeded within " + liveWithin.toSeconds() + " s: "
            + f.describe(), f);
      } else if (f.returnNs() - f.callNs() > liveWithin.toNanos()) {
        violation("lock lost for too long: the acquire after the final heal took " + (f.returnNs() - f.callNs())
            / 1_000_000 + " ms, over the bound of " + liveWithin.toMillis() + " ms: " + f.describe(), f);
      }
    });
  }

  /** Property 5. */
  private void finalRead(Operation read, List<Timed> writes) {
    Timed last = writes.stream().filter(Timed::ok)
        .max(Comparator.comparingLong(Timed::token).thenComparingLong(Timed::returnNs)).orElse(null);
    Set<String> allowed = new LinkedHashSet<>();
    if (last == null) {
      allowed.add(null);
      writes.stream().filter(w -> !w.outcome().equals(Event.FAIL)).forEach(w -> allowed.add(w.value()));
    } else {
      allowed.add(last.value());
      for (Timed w : writes) {
        boolean overwritten = w.returnNs() < last.callNs();
        if (!w.outcome().equals(Event.FAIL) && w.token() >= last.token() && !overwritten) {
          allowed.add(w.value());
        }
      }
    }
    if (!allowed.contains(read.result())) {
      violation("final read of " + read.invoke().key() + " found " + (read.result() == null ? "nothing"
          : read.result()) + "; allowed: " + allowed + (last == null ? "" : " (the last acknowledged guarded write: "
          + last.describe() + ")"));
      violating.add(read.id());
      if (last != null) {
        violating.add(last.op());
      }
    }
  }

  private static List<Timed> byCall(List<Timed> ops) {
    return ops.stream().sorted(Comparator.comparingLong(Timed::callNs)).toList();
  }

  /**
   * "The newest-token operation acknowledged before time t", answered for increasing t by walking
   * the operations in return order once (queries must come in non-decreasing t).
   */
  private static final class Before {
    private final List<Timed> byReturn;
    private int next;
    private Timed newest;

    Before(List<Timed> ops) {
      byReturn = ops.stream().sorted(Comparator.comparingLong(Timed::returnNs)).toList();
    }

    Timed newestReturnedBefore(long t) {
      while (next < byReturn.size() && byReturn.get(next).returnNs() < t) {
        Timed x = byReturn.get(next++);
        if (newest == null || x.token() > newest.token()) {
          newest = x;
        }
      }
      return newest;
    }
  }

  private void violation(String why, Timed... evidence) {
    for (Timed t : evidence) {
      if (t != null) {
        violating.add(t.op());
      }
    }
    if (violations.size() < MAX_VIOLATIONS) {
      violations.add(why);
    }
  }
}
