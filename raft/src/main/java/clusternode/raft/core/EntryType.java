package clusternode.raft.core;

/** What a log entry carries. */
public enum EntryType {
  /** Appended by a new leader so it can commit an entry of its own term (Raft §5.4.2, §8). */
  NOOP,
  /** An opaque client command for the state machine. */
  COMMAND,
  /** A membership change; {@link Entry#data()} is {@link Membership#encode()}. */
  CONFIG
}
