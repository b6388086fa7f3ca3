package clusternode.protocols.kv.core;

import java.util.Arrays;

/**
 * One version of a key, as etcd's {@code mvccpb.KeyValue}: the value, the revision that created the
 * key (since its last deletion), the revision of this version, how many times it was written since
 * creation, and the lease it is attached to (0: none). A tombstone (value null, version 0) marks a
 * deletion at {@code modRevision}.
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version, long lease) {
  public KeyValue {
    if (key == null || modRevision <= 0 || (value != null && (createRevision <= 0 || createRevision > modRevision || version <= 0))) {
      throw new IllegalStateException("malformed key version " + key + "@" + modRevision);
    }
  }

  public boolean tombstone() {
    return value == null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue k && key.equals(k.key) && Arrays.equals(value, k.value) && createRevision == k.createRevision
        && modRevision == k.modRevision && version == k.version && lease == k.lease;
  }

  @Override
  public int hashCode() {
    return key.hashCode() * 31 + Long.hashCode(modRevision);
  }
}
