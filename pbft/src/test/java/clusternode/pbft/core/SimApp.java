package clusternode.pbft.core;

import java.nio.ByteBuffer;

/** A tiny deterministic application: a running hash of every operation, so any divergence shows in results. */
final class SimApp implements App {
  private long hash = 17;
  private long lastIndex;

  @Override
  public byte[] execute(long index, byte[] operation) {
    if (index <= lastIndex) {
      throw new IllegalStateException("index " + index + " after " + lastIndex);
    }
    lastIndex = index;
    long h = hash;
    for (byte b : operation) {
      h = (h ^ b) * 0x100000001b3L;
    }
    hash = h ^ index;
    return ByteBuffer.allocate(8).putLong(hash).array();
  }

  @Override
  public byte[] query(byte[] operation) {
    return ByteBuffer.allocate(8).putLong(hash ^ operation.length).array();
  }

  @Override
  public byte[] snapshot() {
    return ByteBuffer.allocate(16).putLong(hash).putLong(lastIndex).array();
  }

  @Override
  public void restore(byte[] snapshot) {
    ByteBuffer b = ByteBuffer.wrap(snapshot);
    hash = b.getLong();
    lastIndex = b.getLong();
  }
}
