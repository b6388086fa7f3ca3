package clusternode.protocols.kv.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Leases and the lease clock. Time enters only through {@link #tick}: a command the Raft leader
 * proposes with its own clock reading. Grants and keep-alives carry no time: they count from the
 * last tick, plus one tick interval (the most the leader's clock can have moved since that tick
 * before the next one), so a lease never expires before its TTL has passed since the keep-alive.
 *
 * <p><b>Leader change.</b> Two nodes' clocks are not comparable, and while there is no leader
 * nobody ticks and no client can keep a lease alive. So when a tick comes from a different
 * proposer (another node, the same node restarted, or the same node in a new term), nothing
 * expires in that command: every lease keeps the time it had left on the old clock, plus
 * {@code extendMs} (the proposer's election timeout), counted on the new proposer's clock. This is
 * etcd's rule (a new leader renews every lease before expiring any), made deterministic by
 * putting it in the log. Consequence: expiry can be late by about one election per leader change,
 * never early.
 *
 * <p>Pure: no clock reads; ids and times come from the commands.
 */
final class Leases {
  static final class Lease {
    final long id;
    final long ttlMs;
    long expiresAtMs;
    final TreeSet<String> keys = new TreeSet<>();

    Lease(long id, long ttlMs, long expiresAtMs) {
      this.id = id;
      this.ttlMs = ttlMs;
      this.expiresAtMs = expiresAtMs;
    }
  }

  private final TreeMap<Long, Lease> byId = new TreeMap<>();
  private long clockMs;
  private String proposer = "";
  private long intervalMs;

  int size() {
    return byId.size();
  }

  Lease get(long id) {
    return byId.get(id);
  }

  long clockMs() {
    return clockMs;
  }

  String proposer() {
    return proposer;
  }

  long intervalMs() {
    return intervalMs;
  }

  Lease grant(long id, long ttlMs) {
    if (byId.containsKey(id)) {
      throw new IllegalStateException("lease " + id + " granted twice");
    }
    Lease l = new Lease(id, ttlMs, clockMs + intervalMs + ttlMs);
    byId.put(id, l);
    return l;
  }

  void keepAlive(Lease l) {
    l.expiresAtMs = Math.max(l.expiresAtMs, clockMs + intervalMs + l.ttlMs);
  }

  /** Removes the lease; its keys are the caller's to delete. */
  Lease revoke(long id) {
    return byId.remove(id);
  }

  long remainingMs(Lease l) {
    return Math.max(0, l.expiresAtMs - clockMs);
  }

  /**
   * Moves the lease clock. Returns the leases that expired, in id order (not yet removed: the
   * caller deletes their keys and revokes them).
   */
  List<Lease> tick(String from, long nowMs, long tickIntervalMs, long extendMs) {
    List<Lease> expired = new ArrayList<>();
    intervalMs = tickIntervalMs;
    if (!from.equals(proposer)) {
      for (Lease l : byId.values()) {
        long remaining = Math.max(0, l.expiresAtMs - clockMs);
        l.expiresAtMs = nowMs + remaining + extendMs;
      }
      proposer = from;
      clockMs = nowMs;
      return expired;
    }
    clockMs = Math.max(clockMs, nowMs); // a clock that stepped back never revives or shortens anything
    for (Lease l : byId.values()) {
      if (l.expiresAtMs <= clockMs) {
        expired.add(l);
      }
    }
    return expired;
  }

  Iterable<Lease> all() {
    return byId.values();
  }

  void restore(long clockMs, String proposer, long intervalMs, Map<Long, Lease> leases) {
    byId.clear();
    byId.putAll(leases);
    this.clockMs = clockMs;
    this.proposer = proposer;
    this.intervalMs = intervalMs;
  }
}
