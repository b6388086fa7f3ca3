package clusternode.gossip.core;

import clusternode.gossip.crdt.Crdt;
import clusternode.gossip.crdt.VectorClock;

/**
 * A replica's state of one key and its version vector: for each replica, how many of its updates
 * of this key the state includes. Merging two versioned states merges both halves, so the vector
 * stays an exact account of the state, and equal vectors mean equal states.
 */
public record Versioned(Crdt<?> data, VectorClock version) {
  public Versioned {
    if (data == null || version == null) {
      throw new IllegalArgumentException("a versioned state needs data and a version");
    }
  }

  /** @throws IllegalArgumentException if the two hold different CRDT types */
  public Versioned merge(Versioned other) {
    return new Versioned(Crdt.mergeAny(data, other.data), version.merge(other.version));
  }
}
