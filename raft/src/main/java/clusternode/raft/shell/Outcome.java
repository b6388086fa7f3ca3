package clusternode.raft.shell;

import clusternode.protocols.CborSerializable;

/**
 * How a client request ended: with the state machine's result, or unavailable (no leader, no
 * quorum, timed out, leadership lost) with a reason. {@code unknown} tells whether the command
 * may still be applied later, so a client knows whether a retry needs its session to be safe.
 */
public record Outcome(boolean ok, byte[] result, String error, boolean unknown) implements CborSerializable {
  public static Outcome success(byte[] result) {
    return new Outcome(true, result, null, false);
  }

  /** Certainly not applied: safe to retry. */
  public static Outcome refused(String why) {
    return new Outcome(false, null, why, false);
  }

  /** May or may not be applied; a retry with the same client session is safe. */
  public static Outcome unknown(String why) {
    return new Outcome(false, null, why, true);
  }
}
