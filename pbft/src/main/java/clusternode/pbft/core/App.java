package clusternode.pbft.core;

/**
 * The replicated application the core executes committed requests on: deterministic, in memory,
 * the same on every replica. The shell adapts the node's {@code StateMachines}.
 */
public interface App {
  /** Executes a read-write operation; {@code index} strictly increases across calls. */
  byte[] execute(long index, byte[] operation);

  /** Answers a read-only operation; changes nothing. */
  byte[] query(byte[] operation);

  byte[] snapshot();

  void restore(byte[] snapshot);
}
