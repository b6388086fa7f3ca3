package clusternode.raft.shell;

import clusternode.protocols.CborSerializable;

/**
 * How a client request ended: with the state machine's result, or not (no leader, no quorum,
 * timed out, leadership lost, too many requests waiting, invalid) with a reason. {@code unknown}
 * tells whether the command may still be applied later, so a client knows whether a retry needs
 * its session to be safe; {@code refusal} says why a certainly-not-applied request was refused.
 */
public record Outcome(boolean ok, byte[] result, String error, boolean unknown, Refusal refusal)
    implements CborSerializable {

  /** Why a request was refused; the HTTP layer answers 503, 429 and 400 respectively. */
  public enum Refusal {
    UNAVAILABLE,
    OVERLOADED,
    INVALID
  }

  public static Outcome success(byte[] result) {
    return new Outcome(true, result, null, false, null);
  }

  /** Certainly not applied (no leader, no quorum, ...): safe to retry. */
  public static Outcome refused(String why) {
    return new Outcome(false, null, why, false, Refusal.UNAVAILABLE);
  }

  /** Certainly not applied: this node holds as many waiting requests as its limit allows. */
  public static Outcome overloaded(String why) {
    return new Outcome(false, null, why, false, Refusal.OVERLOADED);
  }

  /** Certainly not applied, and never will be as it is: too large, malformed. */
  public static Outcome invalid(String why) {
    return new Outcome(false, null, why, false, Refusal.INVALID);
  }

  /** May or may not be applied; a retry with the same client session is safe. */
  public static Outcome unknown(String why) {
    return new Outcome(false, null, why, true, Refusal.UNAVAILABLE);
  }
}
