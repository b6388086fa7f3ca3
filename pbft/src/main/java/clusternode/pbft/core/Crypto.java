package clusternode.pbft.core;

/**
 * Signatures as the core sees them: it signs as its own replica and verifies as any member. The
 * actor shell plugs in Ed25519; the simulation a cheap keyed hash with the same behaviour (only the
 * holder of a member's secret can produce that member's signature).
 */
public interface Crypto {
  byte[] sign(byte[] data);

  /** Whether {@code signature} over {@code data} was made by member {@code member}; false for unknown members. */
  boolean verify(String member, byte[] data, byte[] signature);
}
