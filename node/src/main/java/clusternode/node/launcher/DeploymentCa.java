package clusternode.node.launcher;

import clusternode.node.tls.NodeTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A deployment's own certificate authority and the key stores it issued, in one owner-only
 * directory (the layout {@link NodeTls} reads): {@code ca.p12} (the CA's private key, needed only
 * to issue), {@code trust.p12} (the CA certificates nodes trust), {@code <id>.p12} per node and
 * {@code password}. Keys are made by the JDK's {@code keytool}: one call for the CA and one per
 * node ({@code -genkeypair -signer}), since every call starts a JVM; moving entries between
 * stores is done here with {@link KeyStore}.
 */
final class DeploymentCa {
  private static final String CA_ALIAS = "ca";
  private static final String PASSWORD_ENV = "CLUSTERNODE_TLS_PASSWORD";
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final int CA_VALIDITY_DAYS = 3650;
  private static final int NODE_VALIDITY_DAYS = 825;

  private final Path dir;

  DeploymentCa(Path dir) {
    this.dir = dir;
  }

  Path caStore() {
    return dir.resolve("ca.p12");
  }

  Path trustStore() {
    return dir.resolve(NodeTls.TRUST_STORE);
  }

  Path passwordFile() {
    return dir.resolve(NodeTls.PASSWORD_FILE);
  }

  boolean exists() {
    return Files.exists(caStore()) && Files.exists(trustStore()) && Files.exists(passwordFile());
  }

  /** Whether node {@code id} has a key store whose certificate the current CA signed. */
  boolean hasNodeOfCurrentCa(String id) throws IOException, GeneralSecurityException {
    Path store = NodeTls.keyStoreOf(dir, id);
    if (!Files.exists(store)) {
      return false;
    }
    Certificate[] chain = open(store).getCertificateChain(id);
    return chain != null && chain.length > 1 && chain[chain.length - 1].equals(caCertificate());
  }

  /**
   * Whether node {@code id} has a key store whose CA the trust store holds. During a CA rotation a
   * certificate of the old CA still counts (nodes still accept it); one of a CA nobody trusts any
   * more (e.g. left from before {@code keys} made a new CA) does not.
   */
  boolean hasTrustedNode(String id) throws IOException, GeneralSecurityException {
    Path store = NodeTls.keyStoreOf(dir, id);
    if (!Files.exists(store)) {
      return false;
    }
    Certificate[] chain = open(store).getCertificateChain(id);
    return chain != null && chain.length > 1 && trustedCertificates().contains(chain[chain.length - 1]);
  }

  /**
   * As {@link #hasTrustedNode}, and its certificate names {@code host} in its SAN: a node moved to
   * another address (up --hosts after up, or back) needs a new one, or hostname verification fails.
   */
  boolean hasTrustedNodeAt(String id, String host) throws IOException, GeneralSecurityException {
    if (!hasTrustedNode(id)) {
      return false;
    }
    X509Certificate cert = (X509Certificate) open(NodeTls.keyStoreOf(dir, id)).getCertificateChain(id)[0];
    java.util.Collection<List<?>> names = cert.getSubjectAlternativeNames();
    return names != null && names.stream().anyMatch(n -> n.size() > 1 && host.equalsIgnoreCase(String.valueOf(n.get(1))));
  }

  /**
   * Deletes what this class writes (CA, trust store, password, work files), never anything else:
   * the directory may be one a deployment named. Node stores of another CA are replaced on issue.
   */
  void clear() throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (f.equals(caStore()) || f.equals(trustStore()) || f.equals(passwordFile())
            || name.matches("(ca-retired|work)-.*\\.p12(\\.tmp)?")) {
          Files.delete(f);
        }
      }
    }
  }

  /** A new CA (and a new password) in an empty directory; the trust store holds only it. */
  void create() throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    ownerOnly(dir, "rwx------");
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    Files.writeString(passwordFile(), HexFormat.of().formatHex(secret) + "\n", StandardCharsets.UTF_8);
    ownerOnly(passwordFile(), "rw-------");
    newCaKey();
    writeTrustStore(List.of(caCertificate()));
  }

  /**
   * Step one of a rolling CA rotation: a new CA signs from now on; the trust store holds the old
   * CAs and the new one, so nodes restarted with it accept certificates of either.
   */
  void addCa() throws IOException, GeneralSecurityException {
    List<X509Certificate> trusted = trustedCertificates();
    Files.move(caStore(), dir.resolve("ca-retired-" + Instant.now().getEpochSecond() + ".p12"));
    newCaKey();
    List<X509Certificate> all = new ArrayList<>(trusted);
    all.add(caCertificate());
    writeTrustStore(all);
  }

  /** The last step of a rotation: trust only the current CA. */
  void trustOnlyCurrentCa() throws IOException, GeneralSecurityException {
    writeTrustStore(List.of(caCertificate()));
  }

  /** A new key pair and CA-signed certificate for each node (host = the address peers dial). */
  void issue(Map<String, String> hostById) throws IOException, GeneralSecurityException {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(hostById.size(), 4)));
    try {
      List<Future<?>> done = new ArrayList<>();
      hostById.forEach((id, host) -> done.add(pool.submit(() -> {
        issueOne(id, host);
        return null;
      })));
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof GeneralSecurityException gse) {
        throw gse;
      }
      throw new IOException(cause);
    } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
      throw new IOException("issuing certificates did not finish: " + e, e);
    } finally {
      pool.shutdownNow();
    }
  }

  private void issueOne(String id, String host) throws IOException, GeneralSecurityException {
    // -signer needs the CA in the same store: work on a private copy per node, so nodes go in parallel.
    Path work = dir.resolve("work-" + id + ".p12");
    Files.copy(caStore(), work, StandardCopyOption.REPLACE_EXISTING);
    try {
      String san = (IPV4.matcher(host).matches() || host.contains(":") ? "ip:" : "dns:") + host
          + ("localhost".equals(host) ? "" : ",dns:localhost");
      keytool("-genkeypair", "-alias", id, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + id,
          "-ext", "san=" + san, "-ext", "eku=serverAuth,clientAuth", "-ext", "ku:c=digitalSignature,keyAgreement",
          "-signer", CA_ALIAS, "-validity", Integer.toString(NODE_VALIDITY_DAYS), "-keystore", work.toString());
      KeyStore source = open(work);
      Key key = source.getKey(id, password());
      Certificate[] chain = source.getCertificateChain(id);
      KeyStore node = KeyStore.getInstance("PKCS12");
      node.load(null, null);
      node.setKeyEntry(id, key, password(), chain);
      save(node, NodeTls.keyStoreOf(dir, id));
    } finally {
      Files.deleteIfExists(work);
    }
  }

  private void newCaKey() throws IOException {
    Instant now = Instant.now();
    keytool("-genkeypair", "-alias", CA_ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=clusternode deployment CA " + now.getEpochSecond() + ", O=clusternode",
        "-ext", "bc:c=ca:true,pathlen:0", "-ext", "ku:c=keyCertSign,cRLSign",
        "-validity", Integer.toString(CA_VALIDITY_DAYS), "-keystore", caStore().toString());
    ownerOnly(caStore(), "rw-------");
  }

  private X509Certificate caCertificate() throws IOException, GeneralSecurityException {
    return (X509Certificate) open(caStore()).getCertificate(CA_ALIAS);
  }

  private List<X509Certificate> trustedCertificates() throws IOException, GeneralSecurityException {
    KeyStore trust = open(trustStore());
    List<X509Certificate> out = new ArrayList<>();
    for (String alias : Collections.list(trust.aliases())) {
      out.add((X509Certificate) trust.getCertificate(alias));
    }
    return out;
  }

  private void writeTrustStore(List<X509Certificate> cas) throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    for (X509Certificate ca : cas) {
      trust.setCertificateEntry("ca-" + ca.getSerialNumber().toString(16), ca);
    }
    save(trust, trustStore());
  }

  private KeyStore open(Path store) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, password());
    }
    return ks;
  }

  private void save(KeyStore ks, Path file) throws IOException, GeneralSecurityException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      ks.store(out, password());
    }
    ownerOnly(tmp, "rw-------");
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private char[] password() throws IOException {
    return Files.readString(passwordFile(), StandardCharsets.UTF_8).strip().toCharArray();
  }

  /** Runs the JDK's keytool; the password goes through the environment, not the command line. */
  private void keytool(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-Xshare:auto", "-noprompt"));
    command.addAll(List.of(args));
    command.addAll(List.of("-storetype", "PKCS12", "-storepass:env", PASSWORD_ENV));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put(PASSWORD_ENV, new String(password()));
    Process p = builder.start();
    try {
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("keytool " + args[0] + " failed: " + output.strip());
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while keytool ran", e);
    }
  }

  private static void ownerOnly(Path path, String permissions) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    } catch (UnsupportedOperationException ignored) {
      // Not a POSIX file system; the directory's own protection is all there is.
    }
  }
}
