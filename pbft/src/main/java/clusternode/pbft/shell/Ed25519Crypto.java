package clusternode.pbft.shell;

import clusternode.pbft.core.Crypto;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Map;

/** Ed25519 (JDK built-in) signatures: this node signs with its private key, verifies with the deployment's public keys. */
public final class Ed25519Crypto implements Crypto {
  private final PrivateKey privateKey;
  private final Map<String, PublicKey> publicKeys;

  public Ed25519Crypto(PrivateKey privateKey, Map<String, PublicKey> publicKeys) {
    this.privateKey = privateKey;
    this.publicKeys = Map.copyOf(publicKeys);
  }

  @Override
  public byte[] sign(byte[] data) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean verify(String member, byte[] data, byte[] signature) {
    PublicKey key = publicKeys.get(member);
    if (key == null || signature == null || signature.length != 64) {
      return false;
    }
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(data);
      return s.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}
