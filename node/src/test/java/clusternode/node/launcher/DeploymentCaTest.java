package clusternode.node.launcher;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.config.NodeConfig;
import clusternode.node.config.ProtocolCatalog;
import clusternode.node.tls.NodeTls;
import com.typesafe.config.ConfigFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Map;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key material bin/cluster makes with keytool: who trusts whom, before and through a rolling
 * CA rotation, and the config a node derives from it.
 */
class DeploymentCaTest {
  @TempDir Path tmp;

  @Test
  void nodesTrustTheirOwnCaOnlyAndARotationKeepsOldAndNewTrustedUntilTheLastStep() throws Exception {
    DeploymentCa ca = new DeploymentCa(tmp.resolve("tls"));
    ca.create();
    ca.issue(Map.of("n1", "127.0.0.1", "n2", "localhost"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.passwordFile())));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("tls"))));
    assertTrue(ca.hasNodeOfCurrentCa("n1") && ca.hasNodeOfCurrentCa("n2"));
    X509Certificate[] n1 = chain(tmp.resolve("tls"), "n1");
    assertEquals(2, n1.length, "node certificate and the CA's");
    assertTrue(n1[0].getSubjectAlternativeNames().stream().anyMatch(san -> san.get(1).equals("127.0.0.1")));

    DeploymentCa foreign = new DeploymentCa(tmp.resolve("foreign"));
    foreign.create();
    foreign.issue(Map.of("n1", "127.0.0.1"));
    X509Certificate[] intruder = chain(tmp.resolve("foreign"), "n1");
    assertDoesNotThrow(() -> trust(ca).checkClientTrusted(n1, "EC"));
    assertThrows(CertificateException.class, () -> trust(ca).checkClientTrusted(intruder, "EC"),
        "a certificate of another CA, even with a member's name, is not trusted");

    // Rotation, step 1: a new CA; the trust store holds both, so old certificates still pass.
    ca.addCa();
    assertEquals(2, java.util.Collections.list(open(ca.trustStore(), ca).aliases()).size());
    assertFalse(ca.hasNodeOfCurrentCa("n1"));
    assertTrue(ca.hasTrustedNode("n1"), "up/start must not replace it before every node trusts the new CA");
    assertDoesNotThrow(() -> trust(ca).checkClientTrusted(n1, "EC"));
    // Step 2: new certificates from the new CA, trusted by the same trust store.
    ca.issue(Map.of("n1", "127.0.0.1"));
    X509Certificate[] renewed = chain(tmp.resolve("tls"), "n1");
    assertFalse(Arrays.equals(n1, renewed));
    assertTrue(ca.hasNodeOfCurrentCa("n1"));
    assertDoesNotThrow(() -> trust(ca).checkClientTrusted(renewed, "EC"));
    // Last step: only the new CA; a node still holding an old certificate is refused.
    ca.trustOnlyCurrentCa();
    assertDoesNotThrow(() -> trust(ca).checkClientTrusted(renewed, "EC"));
    assertFalse(ca.hasTrustedNode("n2"), "n2 still holds a certificate of the old CA: up/start reissue it");
    assertThrows(CertificateException.class, () -> trust(ca).checkClientTrusted(n1, "EC"));
  }

  @Test
  void aNodeWithKeysRunsArteryOverMutualTls() throws Exception {
    DeploymentCa ca = new DeploymentCa(tmp.resolve("tls"));
    ca.create();
    ca.issue(Map.of("n1", "127.0.0.1"));
    NodeConfig c = NodeConfig.fromLayers(ConfigFactory.parseString("""
        cluster-node {
          id = n1
          transport.tls.dir = "%s"
          peers { n1 { host = "127.0.0.1", akka-port = 12651, http-port = 18181 } }
        }
        """.formatted(tmp.resolve("tls"))), "test", ProtocolCatalog.discover());
    String engine = "akka.remote.artery.ssl.config-ssl-engine.";
    assertEquals("tls-tcp", c.config().getString("akka.remote.artery.transport"));
    assertTrue(c.config().getBoolean(engine + "require-mutual-authentication"));
    assertEquals("TLSv1.3", c.config().getString(engine + "protocol"));
    assertEquals(tmp.resolve("tls/trust.p12").toString(), c.config().getString(engine + "trust-store"));
    assertTrue(c.https().isEmpty(), "HTTPS is off by default");
    NodeTls tls = NodeTls.load(c.config(), "n1", "cluster-node.http.tls.enabled");
    assertFalse(tls.toString().contains(tls.password()), "the password is never printed");
  }

  private static X509Certificate[] chain(Path dir, String id) throws Exception {
    DeploymentCa ca = new DeploymentCa(dir);
    return Arrays.stream(open(NodeTls.keyStoreOf(dir, id), ca).getCertificateChain(id))
        .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
  }

  private static X509TrustManager trust(DeploymentCa ca) throws Exception {
    TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(open(ca.trustStore(), ca));
    return (X509TrustManager) f.getTrustManagers()[0];
  }

  private static KeyStore open(Path store, DeploymentCa ca) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, Files.readString(ca.passwordFile()).strip().toCharArray());
    }
    return ks;
  }
}
