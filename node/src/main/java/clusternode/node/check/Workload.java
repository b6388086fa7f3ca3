package clusternode.node.check;

import clusternode.protocols.peers.Peer;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/** What the clients do during a check run, and what is read once every fault is healed. */
interface Workload {
  String name();

  /** Before the clients and the nemesis start (accounts, deposits). */
  void setup(History history) throws Exception;

  /** One client's loop, until {@code running} turns false; every operation goes into {@code history}. */
  void client(int client, History history, Random random, BooleanSupplier running);

  /** After the heal, with every node up: final reads; returns problems that make the run inconclusive. */
  List<String> finish(History history, List<Peer> live) throws Exception;
}
