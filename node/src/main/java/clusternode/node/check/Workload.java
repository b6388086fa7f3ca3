package clusternode.node.check;

import clusternode.protocols.peers.Peer;
import java.util.List;

/** What the clients do during a check run, and what is read once every fault is healed. */
interface Workload {
  /** One client's operations, one per call; what the client remembers between them lives here. */
  @FunctionalInterface
  interface Steps {
    void next();
  }

  String name();

  /** Before the clients and the nemesis start (accounts, deposits); by default nothing: the cluster is fresh. */
  default void setup(History history) throws Exception {}

  /** The operations of {@code client}, which sends and records each; called once per client. */
  Steps client(Client client);

  /** After the heal, with every node up: final reads; returns problems that make the run inconclusive. */
  List<String> finish(History history, List<Peer> live) throws Exception;
}
