package clusternode.pbft.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.config.ConfigProblem;
import clusternode.protocols.peers.PeerDirectory;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cluster-node.pbft} is checked at start-up; each problem names its key. */
class PbftSettingsTest {
  @TempDir
  Path dir;

  private Config deployment(String extra) throws IOException {
    String keys = PbftKeys.generate(dir, List.of("n1", "n2", "n3", "n4"));
    return ConfigFactory.parseString(extra + "\n" + keys + """
        cluster-node.id = n1
        cluster-node.peers {
          n1 { host = "127.0.0.1", akka-port = 2551, http-port = 8081 }
          n2 { host = "127.0.0.1", akka-port = 2552, http-port = 8082 }
          n3 { host = "127.0.0.1", akka-port = 2553, http-port = 8083 }
          n4 { host = "127.0.0.1", akka-port = 2554, http-port = 8084 }
        }
        """).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  private static PbftSettings settings(Config c) {
    return PbftSettings.fromConfig(c, PeerDirectory.fromConfig(c));
  }

  @Test
  void aCompleteDeploymentIsAccepted() throws IOException {
    PbftSettings s = settings(deployment(""));
    assertEquals(1, s.core().f());
    assertEquals(4, s.publicKeys().size());
  }

  @Test
  void aBatchLargerThanTheFrameIsRefused() throws IOException {
    Config c = deployment("cluster-node.pbft.max-batch-bytes = 1 MiB");
    ConfigProblem p = assertThrows(ConfigProblem.class, () -> settings(c));
    assertEquals("cluster-node.pbft.max-batch-bytes", p.key());
    assertTrue(p.fix().contains("cluster-node.transport.max-frame-bytes"), p.fix());
  }

  @Test
  void aFrameTooSmallForOneRequestIsRefused() throws IOException {
    Config c = deployment("cluster-node.transport.max-frame-bytes = 200 KiB\ncluster-node.pbft { max-batch-bytes = 64 KiB, "
        + "state-chunk-bytes = 64 KiB }");
    ConfigProblem p = assertThrows(ConfigProblem.class, () -> settings(c));
    assertTrue(p.key().contains("largest PBFT request"), p.key());
  }

  @Test
  void aLogWindowWhoseViewChangesExceedTheFrameIsRefusedWithAWindowThatFits() throws IOException {
    // Seven replicas (f = 2): a prepared certificate holds a pre-prepare and 4 prepares, and the
    // default window of 256 makes a view change of about 245 KiB.
    List<String> ids = List.of("n1", "n2", "n3", "n4", "n5", "n6", "n7");
    StringBuilder peers = new StringBuilder("cluster-node.id = n1\ncluster-node.peers {\n");
    for (int i = 1; i <= ids.size(); i++) {
      peers.append("n").append(i).append(" { host = \"127.0.0.1\", akka-port = ").append(2550 + i)
          .append(", http-port = ").append(8080 + i).append(" }\n");
    }
    String base = PbftKeys.generate(dir, ids) + peers + "}\n";
    Config c = ConfigFactory.parseString(base).withFallback(ConfigFactory.defaultReference()).resolve();
    ConfigProblem p = assertThrows(ConfigProblem.class, () -> settings(c));
    assertEquals("cluster-node.pbft.log-window", p.key());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("at most (\\d+)").matcher(p.fix());
    assertTrue(m.find(), p.fix());
    Config fixed = ConfigFactory.parseString("cluster-node.pbft.log-window = " + m.group(1)).withFallback(c);
    assertEquals(Integer.parseInt(m.group(1)), settings(fixed).core().logWindow());
    assertTrue(Integer.parseInt(m.group(1)) < 256, p.fix());
  }

  @Test
  void everyPeerNeedsAPublicKey() throws IOException {
    Config c = deployment("").withoutPath("cluster-node.pbft.keys.n3");
    ConfigProblem p = assertThrows(ConfigProblem.class, () -> settings(c));
    assertEquals("cluster-node.pbft.keys.n3.public", p.key());
    assertTrue(p.fix().contains("bin/cluster keys"), p.fix());
  }

  @Test
  void thePrivateKeyMustMatchThePublicOne() throws IOException {
    Config c = deployment("");
    Files.copy(dir.resolve("n2.key"), dir.resolve("n1.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    ConfigProblem p = assertThrows(ConfigProblem.class, () -> settings(c));
    assertEquals("cluster-node.pbft.private-key-file", p.key());
  }

  @Test
  void timersMustBeConsistent() throws IOException {
    Config shortRequest = deployment("cluster-node.pbft.request-timeout = 3s");
    assertEquals("cluster-node.pbft.request-timeout", assertThrows(ConfigProblem.class, () -> settings(shortRequest)).key());
    Config status = deployment("cluster-node.pbft.status-interval = 1s");
    assertEquals("cluster-node.pbft.view-change-timeout", assertThrows(ConfigProblem.class, () -> settings(status)).key());
  }

  @Test
  void fewerThanFourPeersCannotTolerateAByzantineNode() throws IOException {
    Config c = deployment("").withoutPath("cluster-node.peers.n4");
    assertEquals("cluster-node.peers", assertThrows(ConfigProblem.class, () -> settings(c)).key());
  }

  @Test
  void theShippedDeploymentReadsItsKeysFromTheGeneratedKeysFile() throws IOException {
    String text = Files.readString(Path.of("../conf/pbft-4.conf"));
    Config missing = ConfigFactory.parseString(text + "\ncluster-node.id = n2")
        .withFallback(ConfigFactory.defaultReference()).resolve();
    assertEquals(List.of("pbft", "ledger"), missing.getStringList("cluster-node.protocols"));
    ConfigProblem p = assertThrows(ConfigProblem.class, () -> settings(missing.withValue("cluster-node.pbft.keys-file",
        com.typesafe.config.ConfigValueFactory.fromAnyRef(dir.resolve("absent.conf").toString()))));
    assertEquals("cluster-node.pbft.keys-file", p.key());
    Path block = PbftKeys.writeDeploymentKeys(dir, List.of("n1", "n2", "n3", "n4"));
    assertTrue(Files.isRegularFile(dir.resolve("keys/n3.key")));
    // What bin/cluster passes each node: -Dcluster-node.pbft.keys-file=<cluster dir>/pbft-keys.conf
    Config c = missing.withValue("cluster-node.pbft.keys-file",
        com.typesafe.config.ConfigValueFactory.fromAnyRef(block.toString()));
    assertEquals(4, settings(c).publicKeys().size());
  }
}
