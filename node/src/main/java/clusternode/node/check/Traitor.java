package clusternode.node.check;

import clusternode.node.ctl.NodeClient;
import clusternode.protocols.peers.PeerDirectory;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one PBFT replica the byzantine nemesis makes misbehave, through {@code POST /admin/byzantine}
 * with the admin token. It is chosen at the first byzantine fault (the primary then, so the
 * primary-only modes bite) and kept for the run: f = 1 is the smallest PBFT deployment's bound, and
 * the checks judge the other, honest, replicas only.
 */
final class Traitor {
  /** The modes cycled through, primary-only ones first: the traitor stops being primary after the first view change. */
  static final List<String> MODES = List.of("slow-primary", "lie", "equivocate", "forge", "flood", "silent");

  /** What one byzantine fault did: who, in which mode. */
  record Turn(String replica, String mode) {}

  private final PeerDirectory peers;
  private final NodeClient admin;
  private volatile String id;
  private int turns;

  Traitor(PeerDirectory peers, NodeClient admin) {
    this.peers = peers;
    this.admin = admin;
  }

  /** The replica made byzantine in this run, if any yet. */
  Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /** Picks the traitor if none yet ({@code choose}: the current primary, say) and names the next mode. */
  Turn next(Supplier<String> choose) {
    if (id == null) {
      id = choose.get();
    }
    return new Turn(id, MODES.get(turns++ % MODES.size()));
  }

  void behave(Turn t) {
    post(t.replica(), t.mode());
  }

  /**
   * Sets the traitor back to honest, trying again for a while: a loaded replica may not answer the
   * admin request in time (and may still take a mode it did not confirm), and a traitor left lying
   * would make every later fault one too many. Does nothing when there is no traitor.
   */
  void honestAgain() {
    if (id == null) {
      return;
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        post(id, "honest");
        return;
      } catch (IllegalStateException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Ops.sleep(500);
      }
    }
  }

  private void post(String replica, String mode) {
    String what = "POST /admin/byzantine " + mode + " on " + replica;
    try {
      NodeClient.Answer a = admin.send(peers.get(replica), "/admin/byzantine", "POST", "{\"mode\":\"" + mode + "\"}");
      if (!a.ok()) {
        throw new IllegalStateException(what + ": " + a.status() + " " + a.body());
      }
    } catch (IOException e) {
      throw new IllegalStateException(what + ": " + e.getMessage(), e);
    }
  }
}
