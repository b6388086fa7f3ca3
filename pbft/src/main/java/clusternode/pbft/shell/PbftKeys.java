package clusternode.pbft.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ed25519 keys for a PBFT deployment: one key pair per node. Private keys go to files
 * {@code DIR/ID.key} (PKCS#8, base64, readable by the owner only); public keys go into the
 * deployment config as {@code cluster-node.pbft.keys.ID.public = "BASE64"} (X.509).
 *
 * <p>Command line: {@code PbftKeys DIR ID...} does {@link #writeDeploymentKeys} and prints the block.
 */
public final class PbftKeys {
  private PbftKeys() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: PbftKeys DIR ID [ID...]   (writes DIR/keys/ID.key and DIR/pbft-keys.conf)");
      System.exit(2);
    }
    Path block = writeDeploymentKeys(Path.of(args[0]), List.of(args).subList(1, args.length));
    System.out.print(Files.readString(block, StandardCharsets.US_ASCII));
  }

  /**
   * What {@code bin/cluster keys} does: a fresh key pair per node, private keys in
   * {@code dir/keys/ID.key}, the config block in {@code dir/pbft-keys.conf} (returned), which a
   * deployment names with {@code cluster-node.pbft.keys-file}.
   */
  public static Path writeDeploymentKeys(Path dir, List<String> ids) throws IOException {
    String block = generate(dir.toAbsolutePath().resolve("keys"), ids);
    Path file = dir.resolve("pbft-keys.conf");
    Path temp = dir.resolve("pbft-keys.conf.tmp");
    Files.writeString(temp, block, StandardCharsets.US_ASCII);
    Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  public static KeyPair newKeyPair() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK lacks Ed25519", e);
    }
  }

  /** Writes a key pair per id into {@code dir} and returns the HOCON block with the public keys. */
  public static String generate(Path dir, List<String> ids) throws IOException {
    Files.createDirectories(dir);
    Map<String, String> publics = new LinkedHashMap<>();
    for (String id : ids) {
      KeyPair pair = newKeyPair();
      Path file = dir.resolve(id + ".key");
      Files.writeString(file, encodePrivate(pair.getPrivate()) + "\n", StandardCharsets.US_ASCII);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system; leave the default permissions
      }
      publics.put(id, encodePublic(pair.getPublic()));
    }
    return configBlock(publics, dir);
  }

  /** The config block naming each node's public key; each node sets its own private-key-file. */
  public static String configBlock(Map<String, String> publics, Path dir) {
    List<String> lines = new ArrayList<>();
    lines.add("# PBFT keys (Ed25519): public keys of every node; each node reads its own private key from");
    lines.add("# private-key-file, where {id} stands for the node's id.");
    lines.add("cluster-node.pbft.private-key-file = \"" + dir.toAbsolutePath() + "/{id}.key\"");
    lines.add("cluster-node.pbft.keys {");
    publics.forEach((id, key) -> lines.add("  " + id + ".public = \"" + key + "\""));
    lines.add("}");
    return String.join("\n", lines) + "\n";
  }

  public static String encodePublic(PublicKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  public static String encodePrivate(PrivateKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  /** @throws IllegalArgumentException when {@code base64} is not an Ed25519 public key */
  public static PublicKey parsePublic(String base64) {
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64.trim())));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a base64 X.509 Ed25519 public key: " + e.getMessage(), e);
    }
  }

  /** @throws IllegalArgumentException when {@code base64} is not an Ed25519 private key */
  public static PrivateKey parsePrivate(String base64) {
    try {
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64.trim())));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a base64 PKCS#8 Ed25519 private key: " + e.getMessage(), e);
    }
  }
}
