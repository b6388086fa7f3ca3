package clusternode.node.check;

import clusternode.node.check.lock.LockOps;
import clusternode.node.ctl.NodeClient;
import clusternode.protocols.peers.Peer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * Clients contend for one lock, each through random nodes, in a loop: grant a lease and keep it
 * alive on a timer, acquire the lock (bounded wait) for a fencing token, do a few guarded writes
 * of one key with that token, then release; now and then stop the keepalives instead, let the
 * lease expire, and try one more write with the old token (the paused holder of Kleppmann's
 * example: it must be refused once someone newer holds the lock). After the heal one more client
 * must get the lock within {@link #LIVE_WITHIN}, and the key is read.
 * {@link clusternode.node.check.lock.LockCheck} judges the history.
 */
final class LockWorkload implements Workload {
  static final String LOCK = "check-lock";
  static final String KEY = "check-fenced";
  static final long TTL_MS = 3_000;
  static final long KEEPALIVE_EVERY_MS = TTL_MS / 3;
  /** After the heal the lock must be acquired within this (every client lease has a TTL of 3 s). */
  static final Duration LIVE_WITHIN = Duration.ofSeconds(30);
  private static final Duration FINAL_READ_WITHIN = Duration.ofSeconds(60);

  private final Nodes nodes;
  private final SSLContext tls;
  private final CoordHttp http;
  /**
   * Keepalives give up after one interval: one stuck on a paused node must not outlast the TTL
   * while the next one could reach a live node (seen in a run: a 10 s wait on a paused node let
   * every lease kept alive through it expire).
   */
  private final CoordHttp keepAliveHttp;
  private final long waitMs;
  private final Set<KeepAlive> keepAlives = ConcurrentHashMap.newKeySet();

  LockWorkload(Nodes nodes, SSLContext tls) {
    this.nodes = nodes;
    this.tls = tls;
    this.http = new CoordHttp(tls, nodes.opTimeout());
    this.keepAliveHttp = new CoordHttp(tls, Duration.ofMillis(KEEPALIVE_EVERY_MS));
    // The node holds an acquire up to waitMs; the client must wait longer than that for the answer.
    this.waitMs = Math.min(5_000, nodes.opTimeout().toMillis() / 2);
  }

  @Override
  public String name() {
    return "lock";
  }

  @Override
  public Steps client(Client client) {
    String keepAliveProcess = "k" + client.process().substring(1);
    return () -> {
      long lease = grant(client.process(), client.pick(nodes.peers()), TTL_MS);
      if (lease <= 0) {
        return;
      }
      KeepAlive keepAlive = new KeepAlive(keepAliveHttp, history, keepAliveProcess, lease, KEEPALIVE_EVERY_MS,
          nodes.peers(), new java.util.Random(client.random().nextLong()));
      keepAlives.add(keepAlive.start());
      try {
        cycle(client, lease, keepAlive);
      } finally {
        try {
          keepAlive.stopAndJoin();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        keepAlives.remove(keepAlive);
      }
    };
  }

  /** Where every operation is recorded; given by {@link #setup}, before any client runs. */
  private volatile History history;

  @Override
  public void setup(History h) {
    this.history = h;
  }

  /** Acquire (a few tries while the lease lives), write, then release or abandon. */
  private void cycle(Client client, long lease, KeepAlive keepAlive) {
    long token = 0;
    for (int attempt = 0; attempt < 3 && token == 0 && !keepAlive.lost(); attempt++) {
      Event a = call(client, Op.send(LockOps.ACQUIRE, LOCK, Long.toString(lease), "POST", "/locks/" + LOCK,
          "{\"lease\":" + lease + ",\"waitMs\":" + waitMs + "}"), LockWorkload::acquired);
      if (a.type().equals(Event.OK)) {
        token = Long.parseLong(a.result());
      } else if (a.type().equals(Event.INFO)) {
        break; // it may hold the lock unknowingly: revoking the lease below frees it
      }
    }
    if (token == 0) {
      keepAlive.stop();
      revoke(client.process(), client.pick(nodes.peers()), lease);
      return;
    }
    int writes = 1 + client.random().nextInt(3);
    for (int i = 0; i < writes; i++) {
      if (Event.FAIL.equals(write(client, token).type())) {
        break; // fenced: someone newer holds the lock, or ours is gone
      }
    }
    if (client.random().nextInt(4) == 0) {
      keepAlive.stop();
      instant(client.process(), LockOps.ABANDON, Long.toString(lease));
      Ops.sleep(TTL_MS + 1_000 + client.random().nextInt(1_000)); // past the TTL: the lease expires, the lock moves on
      write(client, token); // the paused holder's late write: must be refused once a newer token exists
    } else {
      call(client, Op.send(LockOps.RELEASE, LOCK, Long.toString(token), "DELETE", "/locks/" + LOCK
          + "?fencingToken=" + token, null), LockWorkload::released);
      keepAlive.stop();
      revoke(client.process(), client.pick(nodes.peers()), lease);
    }
  }

  private Event write(Client client, long token) {
    String value = client.unique();
    Op op = new Op(LockOps.WRITE, KEY, value, Long.toString(token), "PUT", "/kv/" + WatchWorkload.inPath(KEY), value);
    return http.run(history, client.process(), client.pick(nodes.peers()), op, LockWorkload::written,
        "X-Fencing-Lock", LOCK, "X-Fencing-Token", Long.toString(token));
  }

  private Event call(Client client, Op op, Ops.Classifier classifier) {
    return http.run(history, client.process(), client.pick(nodes.peers()), op, classifier);
  }

  /** A new lease's id, or 0 when none was granted for certain. */
  private long grant(String process, Peer peer, long ttlMs) {
    Event e = http.run(history, process, peer, Op.send(LockOps.LEASE_GRANT, null, null, "POST", "/leases",
        "{\"ttlMs\":" + ttlMs + "}"), LockWorkload::granted);
    return e.type().equals(Event.OK) ? Long.parseLong(e.result()) : 0;
  }

  private void revoke(String process, Peer peer, long lease) {
    http.run(history, process, peer, Op.send(LockOps.REVOKE, null, Long.toString(lease), "DELETE", "/leases/" + lease,
        null), (in, a, at) -> a.ok() ? in.complete(Event.OK, null, null, at)
        : a.status() == 404 ? in.complete(Event.FAIL, null, "status 404", at) : Ops.unknown(in, a, at));
  }

  private void instant(String process, String f, String value) {
    Event in = history.append(Event.invoke(process, f, null, value, null, null, history.nowNs()));
    history.append(in.complete(Event.OK, null, null, history.nowNs()));
  }

  /**
   * After the heal: every client's keepalives stop (their leases expire), then a fresh client must
   * get the lock within {@link #LIVE_WITHIN}; then the guarded key is read.
   */
  @Override
  public List<String> finish(History h, List<Peer> live) {
    keepAlives.forEach(KeepAlive::stop);
    List<String> problems = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + FINAL_READ_WITHIN.toNanos();
    long lease = 0;
    for (int i = 0; lease == 0 && System.nanoTime() < deadline; i++) {
      // a long TTL: this lease must outlive the whole wait below without keepalives
      lease = grant(LockOps.FINAL, live.get(i % live.size()), LIVE_WITHIN.toMillis() * 4);
      if (lease == 0) {
        Ops.sleep(200);
      }
    }
    if (lease == 0) {
      problems.add("no node granted a lease within " + FINAL_READ_WITHIN.toSeconds() + " s after the heal");
    } else {
      finalAcquire(lease, live);
    }
    NodeClient reader = nodes.client();
    boolean read = false;
    deadline = System.nanoTime() + FINAL_READ_WITHIN.toNanos();
    for (int i = 0; !read && System.nanoTime() < deadline; i++) {
      read = Ops.run(h, reader, LockOps.FINAL, live.get(i % live.size()), Op.get(LockOps.READ, KEY, "/kv/" + WatchWorkload.inPath(KEY)),
          LockWorkload::readOf).type().equals(Event.OK);
      if (!read) {
        Ops.sleep(200);
      }
    }
    if (!read) {
      problems.add("no node answered a read of " + KEY + " within " + FINAL_READ_WITHIN.toSeconds() + " s");
    }
    return problems;
  }

  /** Acquires with a wait as long as the bound, retried on other nodes while answers are unknown. */
  private void finalAcquire(long lease, List<Peer> live) {
    CoordHttp patient = new CoordHttp(tls, LIVE_WITHIN.plusSeconds(10));
    long deadline = System.nanoTime() + LIVE_WITHIN.toNanos();
    for (int i = 0; System.nanoTime() < deadline; i++) {
      long leftMs = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      Op op = Op.send(LockOps.ACQUIRE, LOCK, Long.toString(lease), "POST", "/locks/" + LOCK,
          "{\"lease\":" + lease + ",\"waitMs\":" + leftMs + "}");
      Event a = patient.run(history, LockOps.FINAL, live.get(i % live.size()), op, LockWorkload::acquired);
      if (a.type().equals(Event.OK)) {
        http.run(history, LockOps.FINAL, live.get(i % live.size()), Op.send(LockOps.RELEASE, LOCK, a.result(), "DELETE",
            "/locks/" + LOCK + "?fencingToken=" + a.result(), null), LockWorkload::released);
        revoke(LockOps.FINAL, live.get(i % live.size()), lease);
        return;
      }
      if (a.type().equals(Event.FAIL) && a.error() != null && a.error().startsWith("status 408")) {
        return; // held by nobody it could take over within the bound: the checker says "lock lost"
      }
      Ops.sleep(200);
    }
  }

  private static Event granted(Event in, NodeClient.Answer a, long at) {
    if (a.ok()) {
      long id = a.json().path("id").asLong(0);
      return id > 0 ? in.complete(Event.OK, Long.toString(id), null, at)
          : in.complete(Event.INFO, null, "no lease id in " + a.body(), at);
    }
    return a.status() / 100 == 4 ? in.complete(Event.FAIL, null, "status " + a.status() + " " + a.body(), at)
        : Ops.unknown(in, a, at);
  }

  /** 200 with the token: held. 408: not held within the wait. Other 4xx: refused. Anything else: unknown. */
  static Event acquired(Event in, NodeClient.Answer a, long at) {
    if (a.status() == 200) {
      long token = a.json().path("fencingToken").asLong(0);
      return token > 0 ? in.complete(Event.OK, Long.toString(token), null, at)
          : in.complete(Event.INFO, null, "200 without a fencing token: " + a.body(), at);
    }
    return a.status() / 100 == 4 ? in.complete(Event.FAIL, null, "status " + a.status() + " " + a.body(), at)
        : Ops.unknown(in, a, at);
  }

  /** 200: written. 409: fenced (a newer token exists, or this one no longer holds). 400: refused. */
  static Event written(Event in, NodeClient.Answer a, long at) {
    return switch (a.status()) {
      case 200, 201 -> in.complete(Event.OK, null, null, at);
      case 409 -> in.complete(Event.FAIL, null, LockOps.FENCED, at);
      case 400, 413 -> in.complete(Event.FAIL, null, "status " + a.status() + " " + a.body(), at);
      default -> Ops.unknown(in, a, at);
    };
  }

  static Event released(Event in, NodeClient.Answer a, long at) {
    return a.ok() ? in.complete(Event.OK, null, null, at)
        : a.status() / 100 == 4 ? in.complete(Event.FAIL, null, "status " + a.status() + " " + a.body(), at)
        : Ops.unknown(in, a, at);
  }

  private static Event readOf(Event in, NodeClient.Answer a, long at) {
    return switch (a.status()) {
      case 200 -> in.complete(Event.OK, a.body(), null, at);
      case 404 -> in.complete(Event.OK, null, null, at);
      default -> Ops.unknown(in, a, at);
    };
  }
}
