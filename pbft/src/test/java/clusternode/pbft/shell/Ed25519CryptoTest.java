package clusternode.pbft.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bouncy Castle's Ed25519 behind the JDK's keys: the same signatures as the JDK, and no shortcut that accepts a forgery. */
class Ed25519CryptoTest {
  private final KeyPair a = PbftKeys.newKeyPair();
  private final KeyPair b = PbftKeys.newKeyPair();
  private final byte[] data = "pre-prepare n1 0 7".getBytes(StandardCharsets.UTF_8);

  private Ed25519Crypto cryptoOf(KeyPair self) {
    return new Ed25519Crypto(self.getPrivate(), Map.of("a", a.getPublic(), "b", b.getPublic()));
  }

  @Test
  void signaturesAreTheJdksAndVerifyBothWays() throws GeneralSecurityException {
    Ed25519Crypto ca = cryptoOf(a);
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initSign(a.getPrivate());
    jdk.update(data);
    byte[] jdkSignature = jdk.sign();
    assertArrayEquals(jdkSignature, ca.sign(data), "Ed25519 is deterministic: one key, one message, one signature");
    Ed25519Crypto cb = cryptoOf(b);
    assertTrue(cb.verify("a", data, jdkSignature));
    Signature check = Signature.getInstance("Ed25519");
    check.initVerify(b.getPublic());
    check.update(data);
    assertTrue(check.verify(cb.sign(data)), "the JDK accepts what this class signs");
  }

  @Test
  void forgeriesWrongMembersAndBadLengthsAreRejected() {
    Ed25519Crypto ca = cryptoOf(a);
    Ed25519Crypto cb = cryptoOf(b);
    byte[] sig = ca.sign(data);
    assertFalse(cb.verify("b", data, sig), "a's signature is not b's");
    assertFalse(cb.verify("nobody", data, sig));
    byte[] flipped = sig.clone();
    flipped[5] ^= 1;
    assertFalse(cb.verify("a", data, flipped));
    byte[] other = data.clone();
    other[0] ^= 1;
    assertFalse(cb.verify("a", other, sig));
    assertFalse(cb.verify("a", data, new byte[63]));
    assertFalse(cb.verify("a", data, null));
  }

  @Test
  void ownSignaturesAreCheckedFromMemoryButOnlyForTheDataTheyWereMadeOver() {
    Ed25519Crypto ca = cryptoOf(a);
    byte[] sig = ca.sign(data);
    long verified = ca.verifies();
    assertTrue(ca.verify("a", data, sig));
    assertEquals(verified, ca.verifies(), "no arithmetic for a signature this object made");
    assertEquals(1, ca.verifiesSkipped());
    byte[] other = data.clone();
    other[3] ^= 1;
    assertFalse(ca.verify("a", other, sig), "the remembered signature does not cover other data");
    assertFalse(ca.verify("b", data, sig), "nor another member");
  }
}
