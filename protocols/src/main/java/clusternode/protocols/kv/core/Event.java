package clusternode.protocols.kv.core;

/**
 * One change of the store, as a watcher sees it: a put or a delete of one key at a revision, and
 * what caused it ({@code put}, {@code delete}, {@code txn}, {@code lease-expired:ID},
 * {@code lease-revoked:ID}, {@code lock}, {@code election}). Several events may share a revision (a
 * txn, a lease expiry): they form one atomic change.
 *
 * @param kv for a put, the new version; for a delete, the tombstone
 */
public record Event(long revision, Type type, KeyValue kv, String cause) {
  public enum Type { PUT, DELETE }

  public Event {
    if (kv.modRevision() != revision || (type == Type.PUT) == kv.tombstone()) {
      throw new IllegalStateException("event at " + revision + " does not match its key version " + kv.key());
    }
  }

  /** Rough heap footprint, for the history's byte bound. */
  long bytes() {
    return 96 + 2L * kv.key().length() + (kv.value() == null ? 0 : kv.value().length) + cause.length() * 2L;
  }
}
