package clusternode.pbft.core;

/** A message to send: {@code to} is a replica id, or a client id ({@code NODE/SESSION}) for replies. */
public record Outbound(String to, PbftMessage message) {}
