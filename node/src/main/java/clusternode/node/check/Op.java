package clusternode.node.check;

import clusternode.protocols.peers.Peer;

/**
 * One client operation as the history names it ({@code f}, {@code key}, {@code value},
 * {@code expected}; see {@link Event}) and the HTTP request that carries it out.
 */
record Op(String f, String key, String value, String expected, String method, String path, String body) {
  static Op get(String f, String key, String path) {
    return new Op(f, key, null, null, "GET", path, null);
  }

  static Op send(String f, String key, String value, String method, String path, String body) {
    return new Op(f, key, value, null, method, path, body);
  }

  /** The same operation, as a compare-and-set that expects {@code current}. */
  Op expecting(String current) {
    return new Op(f, key, value, current, method, path, body);
  }

  Event invoke(String process, Peer peer, long nowNs) {
    return Event.invoke(process, f, key, value, expected, peer.id(), nowNs);
  }
}
