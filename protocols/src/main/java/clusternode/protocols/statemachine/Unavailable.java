package clusternode.protocols.statemachine;

/**
 * A request that cannot be answered safely right now: no leader known, no quorum reachable, or
 * the deadline passed. The HTTP layer turns it into a 503 with this message. The outcome of a
 * command that timed out is unknown: it may still be applied later, exactly once.
 */
public final class Unavailable extends RuntimeException {
  public Unavailable(String message) {
    super(message, null, false, false);
  }
}
