package clusternode.gossip.crdt;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An observed-remove map from string keys to CRDT values (e.g. a shopping cart of
 * {@link PNCounter}s): key presence is an add-wins {@link ORSet}, values merge pointwise.
 *
 * <p>Removing a key hides it but keeps its value's state, so an update concurrent with the remove
 * wins (add-wins) and merge stays a true join. The cost: re-adding a removed key shows the value
 * it had (Akka's ORMap instead drops it, and loses associativity for concurrent remove/update).
 */
public record ORMap<V extends Crdt<V>>(
    ORSet keys,
    // erasure leaves Jackson without V's bound; the values carry their own type names
    @JsonSerialize(contentAs = Crdt.class) @JsonDeserialize(contentAs = Crdt.class) SortedMap<String, V> values) implements Crdt<ORMap<V>> {
  public ORMap {
    if (keys == null || values == null) {
      throw new IllegalArgumentException("an ORMap needs keys and values");
    }
    values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
  }

  public static <V extends Crdt<V>> ORMap<V> empty() {
    return new ORMap<V>(ORSet.EMPTY, new TreeMap<String, V>());
  }

  /** The value under {@code key}, or null if the key is not present. */
  public V get(String key) {
    return keys.contains(key) ? values.get(key) : null;
  }

  /** The present keys and their values. */
  public SortedMap<String, V> entries() {
    TreeMap<String, V> out = new TreeMap<>();
    for (String k : keys.elements()) {
      V v = values.get(k);
      if (v != null) {
        out.put(k, v);
      }
    }
    return out;
  }

  /** The delta of updating {@code key}'s value with {@code valueDelta} at {@code replica}; adds the key. */
  public ORMap<V> updateDelta(String replica, String key, V valueDelta) {
    TreeMap<String, V> v = new TreeMap<>();
    v.put(key, valueDelta);
    return new ORMap<>(keys.addDelta(replica, key), v);
  }

  public ORMap<V> removeDelta(String key) {
    return new ORMap<V>(keys.removeDelta(key), new TreeMap<String, V>());
  }

  @Override
  public ORMap<V> merge(ORMap<V> other) {
    TreeMap<String, V> out = new TreeMap<>(values);
    other.values.forEach((k, v) -> out.merge(k, v, V::merge));
    return new ORMap<>(keys.merge(other.keys), out);
  }

}
