package clusternode.protocols.ledger.core;

/** A pending (two-phase) transfer that is neither posted, voided nor expired yet. */
record Pending(String id, String from, String to, long amount, long expiresAtMs, long createdIndex) {
  boolean dueAt(long timeMs) {
    return expiresAtMs != 0 && expiresAtMs <= timeMs;
  }
}
