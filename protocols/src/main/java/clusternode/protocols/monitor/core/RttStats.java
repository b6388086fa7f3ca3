package clusternode.protocols.monitor.core;

/** Round-trip times of the recent probes of one peer, in milliseconds. */
public record RttStats(int samples, double minMs, double avgMs, double p99Ms, double maxMs) {
  public static final RttStats EMPTY = new RttStats(0, 0, 0, 0, 0);
}
