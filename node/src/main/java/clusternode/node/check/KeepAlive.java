package clusternode.node.check;

import clusternode.node.check.lock.LockOps;
import clusternode.node.ctl.NodeClient;
import clusternode.protocols.peers.Peer;
import java.util.List;
import java.util.Random;

/**
 * Keeps one lease alive on a timer, on a thread of its own, as a lock holder's session does: a
 * keepalive every third of the TTL to a random node, recorded under process {@code k<n>} beside
 * client {@code c<n>}. Stopping it (on purpose, to let the lease expire, or at the end) is a
 * flag: the thread ends by itself within one interval.
 */
final class KeepAlive {
  private final Thread thread;
  private volatile boolean stopped;
  /** Set when the node said the lease is gone (404): keeping it alive is pointless from then on. */
  private volatile boolean lost;

  KeepAlive(CoordHttp http, History history, String process, long lease, long intervalMs, List<Peer> peers,
      Random random) {
    this.thread = new Thread(() -> {
      while (!stopped && !lost) {
        Ops.sleep(intervalMs);
        if (stopped) {
          return;
        }
        Peer peer = peers.get(random.nextInt(peers.size()));
        Op op = Op.send(LockOps.KEEPALIVE, null, Long.toString(lease), "POST", "/leases/" + lease + "/keepalive", null);
        http.run(history, process, peer, op, (in, a, at) -> {
          if (a.status() == 404) {
            lost = true;
          }
          return a.ok() ? in.complete(Event.OK, null, null, at) : a.status() == 404
              ? in.complete(Event.FAIL, null, "lease gone", at) : Ops.unknown(in, a, at);
        });
      }
    }, "check-keepalive-" + process + "-" + lease);
    thread.setDaemon(true);
  }

  KeepAlive start() {
    thread.start();
    return this;
  }

  /** Stops it; a wait for the next interval is cut short. */
  void stop() {
    stopped = true;
    thread.interrupt();
  }

  /**
   * Stops it and waits for its thread (bounded): the next lease's keepalives record under the same
   * process, and two of its operations must never be open at once.
   */
  void stopAndJoin() throws InterruptedException {
    stop();
    thread.join(10_000);
  }

  boolean lost() {
    return lost;
  }
}
