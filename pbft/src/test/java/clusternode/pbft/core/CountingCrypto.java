package clusternode.pbft.core;

import java.util.concurrent.atomic.AtomicInteger;

/** A {@link Crypto} that counts the signature checks it does: tests of what is verified how often. */
final class CountingCrypto implements Crypto {
  private final Crypto inner;
  private final AtomicInteger verifies = new AtomicInteger();

  CountingCrypto(Crypto inner) {
    this.inner = inner;
  }

  @Override
  public byte[] sign(byte[] data) {
    return inner.sign(data);
  }

  @Override
  public boolean verify(String member, byte[] data, byte[] signature) {
    verifies.incrementAndGet();
    return inner.verify(member, data, signature);
  }

  int verifies() {
    return verifies.get();
  }
}
