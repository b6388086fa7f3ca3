package clusternode.protocols.spi;

import clusternode.protocols.config.ConfigProblem;
import clusternode.protocols.peers.PeerDirectory;
import com.typesafe.config.Config;

/**
 * A protocol a node can run, found with {@link java.util.ServiceLoader}: each module lists its
 * providers in {@code META-INF/services/clusternode.protocols.spi.ProtocolProvider}. The node
 * starts the protocols named in {@code cluster-node.protocols}; the others are never started.
 */
public interface ProtocolProvider {
  /** The name used in {@code cluster-node.protocols} and as the protocol actor's name. */
  String name();

  /** One line for {@code --help} and the error that lists the known protocols. */
  String summary();

  /**
   * Checks this protocol's config section and its needs of the deployment before anything
   * starts.
   *
   * @param enabled every protocol named in this deployment, for cross-protocol rules
   * @throws ConfigProblem naming the key and the fix
   */
  void validate(Config config, PeerDirectory peers, java.util.Set<String> enabled);

  /**
   * Protocols that must be started before this one, because it requires what they provide
   * (e.g. the ledger needs its ordering protocol). The node starts protocols in an order that
   * respects this.
   */
  default java.util.Set<String> startsAfter(Config config) {
    return java.util.Set.of();
  }

  /** Spawns the protocol's actor through {@code context}; called once, on the node's guardian. */
  ProtocolInstance start(ProtocolContext context);
}
