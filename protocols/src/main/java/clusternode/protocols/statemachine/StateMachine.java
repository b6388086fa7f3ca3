package clusternode.protocols.statemachine;

/**
 * What an ordering protocol (Raft, PBFT) drives: a deterministic machine fed committed commands
 * in log order. The same code path runs on every replica, leader or follower, so every replica
 * that applied the same commands holds the same state and gave the same results.
 *
 * <p>Rules: {@link #apply} must be deterministic (no clock, no randomness, no I/O, no iteration
 * over unordered collections into the result); a command that is invalid is not an exception but
 * a result that says so, since every replica must reach the same verdict. Exceptions mean a bug
 * and stop the node.
 */
public interface StateMachine {
  /** The name commands use to address this machine, e.g. {@code kv} or {@code ledger}. */
  String name();

  /**
   * Applies one committed command.
   *
   * @param index the command's position in the ordering protocol's log (strictly increasing)
   * @param command the command's bytes, as the client's request was encoded
   * @return the result to hand back to the client that proposed it
   */
  byte[] apply(long index, byte[] command);

  /**
   * Answers a read-only query against the current state; changes nothing. The ordering protocol
   * decides how current that state must be (linearizable via ReadIndex, or local).
   */
  byte[] query(byte[] query);

  /** The whole state as bytes, as of the last applied index; restoring it gives an equal machine. */
  byte[] snapshot();

  /** Replaces the state with a snapshot taken by {@link #snapshot()} (possibly on another replica). */
  void restore(byte[] snapshot);

  /** The index of the last command applied (or restored), 0 when new. */
  long lastAppliedIndex();
}
