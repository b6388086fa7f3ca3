package clusternode.pbft.core;

import java.util.Locale;

/** Faulty behaviours a replica can be told to show, for tests and demonstrations. */
public enum Byzantine {
  /** Follows the protocol. */
  HONEST,
  /** Sends nothing at all. */
  SILENT,
  /** As primary, sends different pre-prepares for one sequence number to different backups; as backup, conflicting prepares and commits. */
  EQUIVOCATE,
  /** Sends messages with bad signatures, and pre-prepares whose digest does not match the batch. */
  FORGE,
  /** Sends wrong results to clients (all liars tell the same lie, so they can collude). */
  LIE,
  /** As primary, holds every request until just before the backups' timers would expire. */
  SLOW_PRIMARY,
  /** Sends junk: unsigned requests, messages for random sequence numbers and views. */
  FLOOD;

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** @throws IllegalArgumentException naming the modes when {@code label} is none of them */
  public static Byzantine parse(String label) {
    for (Byzantine b : values()) {
      if (b.label().equals(label)) {
        return b;
      }
    }
    throw new IllegalArgumentException("unknown byzantine mode '" + label
        + "'; use honest, silent, equivocate, forge, lie, slow-primary or flood");
  }
}
