package clusternode.node.check;

import clusternode.node.ctl.NodeClient;
import clusternode.protocols.peers.Peer;
import java.time.Duration;
import java.util.List;

/**
 * The deployment's nodes as a check run's clients reach them. The clients come from the cluster,
 * never from {@code new NodeClient}: only the cluster knows whether its nodes serve HTTPS and
 * which CA to trust.
 *
 * @param opTimeout how long a client waits for an answer before the outcome counts as unknown
 */
record Nodes(List<Peer> peers, NodeClient.Factory clients, Duration opTimeout) {
  Nodes {
    peers = List.copyOf(peers);
    if (peers.isEmpty()) {
      throw new IllegalArgumentException("a check run needs at least one node");
    }
  }

  /** A client without the admin token that waits {@link #opTimeout} for each answer. */
  NodeClient client() {
    return client(opTimeout);
  }

  NodeClient client(Duration timeout) {
    return clients.client(null, timeout);
  }
}
