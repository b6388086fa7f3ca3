package clusternode.protocols.kv.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The coordination commands, ordered through the log as JSON (after the KV store's {@code 'J'}
 * op byte). JSON because their shapes are nested (txn) and mostly the HTTP body itself; the plain
 * put/get/delete/cas keep their compact binary form ({@code KvOp}). Every field is checked by
 * {@link KvCore} on apply, identically on every replica.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = KvCommand.Put.class, name = "put"),
    @JsonSubTypes.Type(value = KvCommand.Delete.class, name = "delete"),
    @JsonSubTypes.Type(value = KvCommand.Txn.class, name = "txn"),
    @JsonSubTypes.Type(value = KvCommand.Compact.class, name = "compact"),
    @JsonSubTypes.Type(value = KvCommand.LeaseGrant.class, name = "leaseGrant"),
    @JsonSubTypes.Type(value = KvCommand.LeaseKeepAlive.class, name = "leaseKeepAlive"),
    @JsonSubTypes.Type(value = KvCommand.LeaseRevoke.class, name = "leaseRevoke"),
    @JsonSubTypes.Type(value = KvCommand.Tick.class, name = "tick"),
    @JsonSubTypes.Type(value = KvCommand.Enqueue.class, name = "enqueue"),
    @JsonSubTypes.Type(value = KvCommand.Dequeue.class, name = "dequeue")})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface KvCommand {
  /**
   * A put, optionally attached to a lease (0: none) and guarded by a fencing token: with
   * {@code fenceLock} set, it is applied only while {@code fenceToken} is the token of the lock's
   * current holder, decided here, atomically with the write.
   */
  record Put(String key, String value, long lease, String fenceLock, long fenceToken) implements KvCommand {}

  record Delete(String key) implements KvCommand {}

  /** etcd's Txn: if every comparison holds, the {@code then} ops run, else the {@code else} ops; one revision. */
  record Txn(@JsonProperty("if") List<Compare> compares, @JsonProperty("then") List<Op> success,
      @JsonProperty("else") List<Op> failure) implements KvCommand {}

  /** {@code target}: value | version | createRevision | modRevision | exists; {@code op}: = != < >. */
  record Compare(String key, String target, String op, JsonNode value) {}

  /** Exactly one of the three. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Op(TxnPut put, KeyOnly delete, KeyOnly get) {}

  record TxnPut(String key, String value, long lease) {}

  record KeyOnly(String key) {}

  /** Forgets history up to {@code revision} (older reads and watches get 410). */
  record Compact(long revision) implements KvCommand {}

  record LeaseGrant(long ttlMs) implements KvCommand {}

  record LeaseKeepAlive(long id) implements KvCommand {}

  record LeaseRevoke(long id) implements KvCommand {}

  /**
   * The lease clock moves: proposed by the Raft leader with its clock reading. {@code proposer}
   * names node, process and term; see {@link Leases} for what a new proposer means.
   */
  record Tick(String proposer, long nowMs, long intervalMs, long extendMs) implements KvCommand {}

  /**
   * Joins the queue of lock or election {@code name} ({@code kind}: lock | election) with a lease:
   * the key {@code _coord/KIND/NAME/LEASE}, created at this revision unless it already exists.
   * The member with the lowest create revision holds the lock (leads); that revision is its
   * fencing token.
   */
  record Enqueue(String kind, String name, long lease, String value) implements KvCommand {}

  /** Leaves the queue: by fencing token (create revision) for locks, by lease for elections. */
  record Dequeue(String kind, String name, long lease, long token) implements KvCommand {}
}
