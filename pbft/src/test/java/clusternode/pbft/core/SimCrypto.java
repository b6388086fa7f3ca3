package clusternode.pbft.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A cheap stand-in for Ed25519 in the simulation: a member's signature is a keyed 64-bit hash
 * under that member's secret. A replica's {@link Crypto} can sign only as itself, so a Byzantine
 * replica cannot forge another's signature, just as with real keys.
 */
final class SimCrypto implements Crypto {
  private final Map<String, Long> secrets;
  private final String self;

  private SimCrypto(Map<String, Long> secrets, String self) {
    this.secrets = secrets;
    this.self = self;
  }

  static Map<String, Long> secrets(List<String> members, long seed) {
    Random r = new Random(seed ^ 0x5EC2E75L);
    Map<String, Long> m = new HashMap<>();
    members.forEach(id -> m.put(id, r.nextLong()));
    return m;
  }

  static SimCrypto of(Map<String, Long> secrets, String self) {
    return new SimCrypto(secrets, self);
  }

  @Override
  public byte[] sign(byte[] data) {
    return mac(secrets.get(self), data);
  }

  @Override
  public boolean verify(String member, byte[] data, byte[] signature) {
    Long secret = secrets.get(member);
    return secret != null && signature != null && java.util.Arrays.equals(mac(secret, data), signature);
  }

  private static byte[] mac(long secret, byte[] data) {
    long h = 0xcbf29ce484222325L ^ secret;
    for (byte b : data) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= secret;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    byte[] out = new byte[8];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (h >>> (8 * i));
    }
    return out;
  }
}
