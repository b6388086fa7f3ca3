package clusternode.protocols.kv.core;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Read-only questions to the coordination store, JSON after the {@code 'J'} op byte. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = KvQuery.Range.class, name = "range"),
    @JsonSubTypes.Type(value = KvQuery.LeaseInfo.class, name = "lease"),
    @JsonSubTypes.Type(value = KvQuery.Holder.class, name = "holder"),
    @JsonSubTypes.Type(value = KvQuery.Position.class, name = "position"),
    @JsonSubTypes.Type(value = KvQuery.Status.class, name = "status")})
public sealed interface KvQuery {
  /**
   * Keys with {@code prefix} (when not null), else keys in [{@code from}, {@code to}) ({@code to}
   * null: no end), at most {@code limit} (0: the store's maximum), at {@code revision} (0: now).
   */
  record Range(String prefix, String from, String to, int limit, long revision) implements KvQuery {}

  record LeaseInfo(long id) implements KvQuery {}

  /** The holder (lowest create revision) of lock or election {@code name}. */
  record Holder(String kind, String name) implements KvQuery {}

  /** Where the member with {@code lease} stands in the queue of {@code name}. */
  record Position(String kind, String name, long lease) implements KvQuery {}

  /** Revision, compacted revision, lease count: what the tick proposer and watchers need. */
  record Status() implements KvQuery {}
}
