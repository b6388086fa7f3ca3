package clusternode.node.tls;

import clusternode.protocols.config.ConfigProblem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One node's TLS key material, as {@code bin/cluster keys} lays it out in a directory: {@code
 * <id>.p12} (the node's key and its certificate signed by the deployment CA), {@code trust.p12}
 * (the deployment CA certificate or certificates, nothing else) and {@code password} (of both).
 * Artery's {@code tls-tcp} and the optional HTTPS server use the same files.
 */
public record NodeTls(Path keyStore, Path trustStore, String password) {
  public static final String TRUST_STORE = "trust.p12";
  public static final String PASSWORD_FILE = "password";
  private static final String DIR_KEY = "cluster-node.transport.tls.dir";

  public static Path keyStoreOf(Path dir, String id) {
    return dir.resolve(id + ".p12");
  }

  /** The Artery settings of {@code cluster-node.transport.tls}, or empty when it is off. */
  public static Optional<Config> arterySettings(Config config, String selfId) {
    if (!enabled(config, "cluster-node.transport.tls")) {
      return Optional.empty();
    }
    NodeTls tls = load(config, selfId, "cluster-node.transport.tls.enabled");
    String engine = "akka.remote.artery.ssl.config-ssl-engine.";
    List<String> algorithms = config.getStringList("cluster-node.transport.tls.enabled-algorithms");
    return Optional.of(ConfigFactory.empty()
        .withValue("akka.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"))
        .withValue("akka.remote.artery.ssl.ssl-engine-provider",
            ConfigValueFactory.fromAnyRef(RefusalLoggingSslEngineProvider.class.getName()))
        .withValue(engine + "key-store", ConfigValueFactory.fromAnyRef(tls.keyStore.toString()))
        .withValue(engine + "key-store-password", ConfigValueFactory.fromAnyRef(tls.password))
        .withValue(engine + "key-password", ConfigValueFactory.fromAnyRef(tls.password))
        .withValue(engine + "trust-store", ConfigValueFactory.fromAnyRef(tls.trustStore.toString()))
        .withValue(engine + "trust-store-password", ConfigValueFactory.fromAnyRef(tls.password))
        .withValue(engine + "protocol", ConfigValueFactory.fromAnyRef(config.getString("cluster-node.transport.tls.protocol")))
        .withValue(engine + "enabled-algorithms", ConfigValueFactory.fromIterable(algorithms))
        .withValue(engine + "require-mutual-authentication", ConfigValueFactory.fromAnyRef(true))
        .withValue(engine + "hostname-verification",
            ConfigValueFactory.fromAnyRef(flag(config, "cluster-node.transport.tls.hostname-verification"))));
  }

  /** The key material for HTTPS ({@code cluster-node.http.tls.enabled}), or empty when it is off. */
  public static Optional<NodeTls> forHttps(Config config, String selfId) {
    if (!enabled(config, "cluster-node.http.tls")) {
      return Optional.empty();
    }
    return Optional.of(load(config, selfId, "cluster-node.http.tls.enabled"));
  }

  /**
   * Checks that the files exist and open with the password, so a missing or wrong file is one
   * config line at start-up rather than a handshake failure later.
   */
  public static NodeTls load(Config config, String selfId, String switchKey) {
    Path dir = Path.of(config.getString(DIR_KEY)).toAbsolutePath().normalize();
    String fix = "run bin/cluster keys --config FILE (or bin/cluster up, which makes them) or set " + switchKey + " = off";
    Path keyStore = keyStoreOf(dir, selfId);
    Path trustStore = dir.resolve(TRUST_STORE);
    Path passwordFile = dir.resolve(PASSWORD_FILE);
    for (Path needed : List.of(keyStore, trustStore, passwordFile)) {
      if (!Files.isRegularFile(needed)) {
        throw new ConfigProblem(DIR_KEY, "TLS is on but there is no " + (needed == keyStore ? "key store" : needed.getFileName())
            + " at " + needed, fix);
      }
    }
    String password;
    try {
      password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new ConfigProblem(DIR_KEY, "cannot read " + passwordFile + ": " + e.getMessage(), "check its permissions");
    }
    NodeTls tls = new NodeTls(keyStore, trustStore, password);
    for (Path store : List.of(keyStore, trustStore)) {
      try {
        tls.open(store);
      } catch (IOException | GeneralSecurityException e) {
        throw new ConfigProblem(DIR_KEY, "cannot open " + store + " with the password in " + passwordFile + ": " + e.getMessage(),
            "make the key stores and the password anew with bin/cluster keys");
      }
    }
    return tls;
  }

  /** A server context: presents this node's certificate, trusts only the deployment CA. */
  public SSLContext serverContext() throws IOException, GeneralSecurityException {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(open(keyStore), password.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), trustManagers(trustStore, password).getTrustManagers(), null);
    return context;
  }

  /** A client context that trusts only this deployment's CA certificates. */
  public SSLContext clientContext() throws IOException, GeneralSecurityException {
    return clientContext(trustStore, password);
  }

  /** A client context that trusts only the CA certificates in {@code trustStore}. */
  public static SSLContext clientContext(Path trustStore, String password) throws IOException, GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trustManagers(trustStore, password).getTrustManagers(), null);
    return context;
  }

  private static TrustManagerFactory trustManagers(Path trustStore, String password)
      throws IOException, GeneralSecurityException {
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(openStore(trustStore, password));
    return trust;
  }

  private KeyStore open(Path store) throws IOException, GeneralSecurityException {
    return openStore(store, password);
  }

  private static KeyStore openStore(Path store, String password) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, password.toCharArray());
    }
    return ks;
  }

  /** Whether {@code cluster-node.transport.tls} is on in {@code config} (a deployment layered over reference.conf). */
  public static boolean transportTlsOn(Config config) {
    return enabled(config, "cluster-node.transport.tls");
  }

  /** {@code SECTION = off} is short for {@code SECTION.enabled = off}. */
  private static boolean enabled(Config config, String section) {
    com.typesafe.config.ConfigValueType type = config.hasPath(section) ? config.getValue(section).valueType() : null;
    boolean shorthand = type == com.typesafe.config.ConfigValueType.BOOLEAN || type == com.typesafe.config.ConfigValueType.STRING;
    return flag(config, shorthand ? section : section + ".enabled");
  }

  private static boolean flag(Config config, String key) {
    try {
      return config.getBoolean(key);
    } catch (com.typesafe.config.ConfigException.WrongType e) {
      throw new ConfigProblem(key, "must be on or off", "write " + key + " = on or off");
    } catch (com.typesafe.config.ConfigException.Missing e) {
      throw new ConfigProblem(key, "is missing", "set it to on or off");
    }
  }

  /** Never prints the password (records print every component). */
  @Override
  public String toString() {
    return "NodeTls[keyStore=" + keyStore + ", trustStore=" + trustStore + "]";
  }
}
