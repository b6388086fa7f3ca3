package clusternode.pbft.shell;

import clusternode.pbft.core.Crypto;
import java.nio.ByteBuffer;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Ed25519 signatures: this node signs with its private key, verifies with the deployment's public
 * keys. The keys are the JDK's (PKCS#8 / X.509, as {@link PbftKeys} writes them); the arithmetic is
 * Bouncy Castle's RFC 8032 code, which makes the same (deterministic) signatures 3-5x faster than
 * the JDK 17 provider. Profiling showed sign/verify dominating PBFT's CPU per request.
 *
 * <p>A signature this object made itself is remembered (bounded), so checking it again, as the
 * local replica does with the local client's requests and the client with the local replica's
 * replies, costs a lookup instead of a verification. Thread-safe: the shell may verify on other threads.
 */
public final class Ed25519Crypto implements Crypto {
  private static final int OWN_SIGNATURES_KEPT = 16_384;
  /** An X.509 SubjectPublicKeyInfo of Ed25519 is a fixed 12-byte header and the 32-byte key. */
  private static final int SPKI_HEADER = 12;

  private final byte[] seed;
  private final Map<String, Ed25519.PublicPoint> publicKeys = new HashMap<>();
  private final Map<ByteBuffer, byte[]> ownSignatures = new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ByteBuffer, byte[]> eldest) {
      return size() > OWN_SIGNATURES_KEPT;
    }
  };
  private final String selfMember;
  private final LongAdder signs = new LongAdder();
  private final LongAdder verifies = new LongAdder();
  private final LongAdder verifiesSkipped = new LongAdder();

  public Ed25519Crypto(PrivateKey privateKey, Map<String, PublicKey> publicKeys) {
    if (!(privateKey instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty()) {
      throw new IllegalArgumentException("not an Ed25519 private key with its seed");
    }
    this.seed = ed.getBytes().get();
    if (seed.length != Ed25519.SECRET_KEY_SIZE) {
      throw new IllegalArgumentException("Ed25519 seed of " + seed.length + " bytes");
    }
    byte[] mine = new byte[Ed25519.PUBLIC_KEY_SIZE];
    Ed25519.generatePublicKey(seed, 0, mine, 0);
    String self = null;
    for (Map.Entry<String, PublicKey> e : publicKeys.entrySet()) {
      byte[] raw = raw(e.getValue());
      Ed25519.PublicPoint point = Ed25519.validatePublicKeyFullExport(raw, 0);
      if (point == null) {
        throw new IllegalArgumentException("the public key of " + e.getKey() + " is not a valid Ed25519 point");
      }
      this.publicKeys.put(e.getKey(), point);
      if (Arrays.equals(raw, mine)) {
        self = e.getKey();
      }
    }
    // Only signatures checked as this member's can be ours; null when our key is not among them.
    this.selfMember = self;
  }

  private static byte[] raw(PublicKey key) {
    byte[] spki = key.getEncoded();
    if (!"Ed25519".equals(key.getAlgorithm()) && !"EdDSA".equals(key.getAlgorithm())
        || spki.length != SPKI_HEADER + Ed25519.PUBLIC_KEY_SIZE) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
    }
    return Arrays.copyOfRange(spki, SPKI_HEADER, spki.length);
  }

  @Override
  public byte[] sign(byte[] data) {
    byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
    Ed25519.sign(seed, 0, data, 0, data.length, signature, 0);
    signs.increment();
    synchronized (ownSignatures) {
      ownSignatures.put(ByteBuffer.wrap(signature.clone()), data.clone());
    }
    return signature;
  }

  @Override
  public boolean verify(String member, byte[] data, byte[] signature) {
    Ed25519.PublicPoint key = member == null ? null : publicKeys.get(member);
    if (key == null || data == null || signature == null || signature.length != Ed25519.SIGNATURE_SIZE) {
      return false;
    }
    if (member.equals(selfMember)) {
      byte[] signed;
      synchronized (ownSignatures) {
        signed = ownSignatures.get(ByteBuffer.wrap(signature));
      }
      if (signed != null && Arrays.equals(signed, data)) {
        verifiesSkipped.increment();
        return true;
      }
    }
    verifies.increment();
    try {
      return Ed25519.verify(signature, 0, key, data, 0, data.length);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Signatures made so far (for metrics and profiling). */
  public long signs() {
    return signs.sum();
  }

  /** Signatures checked by arithmetic so far. */
  public long verifies() {
    return verifies.sum();
  }

  /** Checks answered from the signatures this object made itself. */
  public long verifiesSkipped() {
    return verifiesSkipped.sum();
  }
}
