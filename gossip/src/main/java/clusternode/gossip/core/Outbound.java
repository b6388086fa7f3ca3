package clusternode.gossip.core;

/** A message a core wants sent to node {@code to}. */
public record Outbound<M>(String to, M message) {}
