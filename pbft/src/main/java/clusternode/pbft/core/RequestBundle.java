package clusternode.pbft.core;

import clusternode.pbft.core.PbftMessage.Request;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One signature for several requests of one client node. Every replica checks every request's
 * signature (validity: a faulty primary must not invent requests), and one Ed25519 signature and
 * its checks per request were the largest CPU cost per PBFT write. So the node's client signs the
 * SHA-256 digests of all the requests it sends at one moment, and each request carries that
 * signature with the digest list (its <em>proof</em>, in {@link Request#signature()}). A replica
 * checks a proof once and then, for each request, only that the request's digest is in its list;
 * a request relayed alone (in a pre-prepare, a fetched batch) stays verifiable on its own.
 *
 * <p>A request signed alone keeps a plain signature over {@link Request#signed()} (64 bytes with
 * Ed25519, fewer in the simulation). A proof is {@code [count: 1 byte][count digests of 32 bytes]
 * [signature]}, longer than any plain signature, the signature over {@link #signedBytes}, whose tag
 * differs from a lone request's, so neither can pass for the other.
 */
public final class RequestBundle {
  /** At most this many requests share a signature: bounds a proof at 1 + 16 * 32 + 64 = 577 bytes. */
  public static final int MAX_REQUESTS = 16;
  /** The longest signature (Ed25519's); anything up to this long is a lone request's signature. */
  public static final int MAX_SIGNATURE_BYTES = 64;
  private static final int DIGEST_BYTES = 32;
  public static final int MAX_PROOF_BYTES = 1 + MAX_REQUESTS * DIGEST_BYTES + MAX_SIGNATURE_BYTES;

  private RequestBundle() {}

  /** Signs {@code unsigned} (requests of {@code node}'s clients, in any order): alone if one, else in bundles. */
  public static List<Request> sign(String node, List<Request> unsigned, Crypto crypto) {
    List<Request> signed = new ArrayList<>(unsigned.size());
    for (int from = 0; from < unsigned.size(); from += MAX_REQUESTS) {
      List<Request> part = unsigned.subList(from, Math.min(unsigned.size(), from + MAX_REQUESTS));
      if (part.size() == 1) {
        signed.add(PbftCore.signRequest(part.get(0), crypto));
        continue;
      }
      byte[][] digests = new byte[part.size()][];
      for (int i = 0; i < digests.length; i++) {
        digests[i] = digest(part.get(i));
      }
      byte[] proof = proof(digests, crypto.sign(signedBytes(node, digests)));
      for (Request r : part) {
        signed.add(new Request(r.from(), r.timestamp(), r.readOnly(), r.operation(), proof));
      }
    }
    return signed;
  }

  /** Whether {@code proof} is a bundle's (rather than a lone request's plain signature). */
  public static boolean isProof(byte[] proof) {
    return proof != null && proof.length > MAX_SIGNATURE_BYTES;
  }

  /**
   * The digests a well-formed proof lists, or null when it is malformed (a count below 2 or above
   * {@link #MAX_REQUESTS}, no signature or one longer than {@link #MAX_SIGNATURE_BYTES}).
   */
  public static byte[][] digests(byte[] proof) {
    if (!isProof(proof)) {
      return null;
    }
    int count = proof[0] & 0xff;
    int signatureBytes = proof.length - 1 - count * DIGEST_BYTES;
    if (count < 2 || count > MAX_REQUESTS || signatureBytes < 1 || signatureBytes > MAX_SIGNATURE_BYTES) {
      return null;
    }
    byte[][] digests = new byte[count][];
    for (int i = 0; i < count; i++) {
      digests[i] = Arrays.copyOfRange(proof, 1 + i * DIGEST_BYTES, 1 + (i + 1) * DIGEST_BYTES);
    }
    return digests;
  }

  /** Whether {@code r}'s digest is among {@code digests}. */
  public static boolean lists(byte[][] digests, Request r) {
    byte[] mine = digest(r);
    for (byte[] d : digests) {
      if (MessageDigest.isEqual(d, mine)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code node} signed the digests of a well-formed {@code proof}. */
  public static boolean signatureValid(String node, byte[] proof, byte[][] digests, Crypto crypto) {
    byte[] signature = Arrays.copyOfRange(proof, 1 + digests.length * DIGEST_BYTES, proof.length);
    return crypto.verify(node, signedBytes(node, digests), signature);
  }

  /** What the bundle's signature covers: the signing node and the digests, in order. */
  static byte[] signedBytes(String node, byte[][] digests) {
    Canon c = new Canon("request-bundle").str(node).num(digests.length);
    for (byte[] d : digests) {
      c.raw(d);
    }
    return c.bytes();
  }

  private static byte[] proof(byte[][] digests, byte[] signature) {
    if (signature.length < 1 || signature.length > MAX_SIGNATURE_BYTES) {
      throw new IllegalStateException("a bundle signature of " + signature.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.allocate(1 + digests.length * DIGEST_BYTES + signature.length);
    b.put((byte) digests.length);
    for (byte[] d : digests) {
      b.put(d);
    }
    return b.put(signature).array();
  }

  private static byte[] digest(Request r) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(r.signed());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
