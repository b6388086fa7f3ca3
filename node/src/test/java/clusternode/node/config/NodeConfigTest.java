package clusternode.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.config.ConfigProblem;
import clusternode.protocols.testing.TestPorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per configuration error: each names the key and the fix in one line. */
class NodeConfigTest {
  // Plain TCP unless a test says otherwise: TLS needs key stores, and has its own tests below.
  private static final String PEERS = """
      transport.tls = off
      peers {
        n1 { host = "127.0.0.1", akka-port = 12551, http-port = 18081 }
        n2 { host = "127.0.0.1", akka-port = 12552, http-port = 18082 }
        n3 { host = "127.0.0.1", akka-port = 12553, http-port = 18083 }
      }
      """;

  @TempDir Path dir;

  private Path file(String body) throws IOException {
    Path f = dir.resolve("deployment.conf");
    Files.writeString(f, body);
    return f;
  }

  private ConfigProblem problem(String body, String id) throws IOException {
    Path f = file(body);
    return assertThrows(ConfigProblem.class, () -> NodeConfig.load(f, id, ProtocolCatalog.discover()));
  }

  @Test
  void aValidDeploymentLoads() throws IOException {
    NodeConfig c = NodeConfig.load(file("cluster-node { protocols = []\n" + PEERS + "}"), "n2", ProtocolCatalog.discover());
    assertEquals("n2", c.peers().selfId());
    assertEquals(3, c.peers().size());
    assertEquals(12552, c.peers().self().akkaPort());
    assertEquals("cluster", c.config().getString("akka.actor.provider"));
    assertEquals(Path.of("target/cluster/n2"), c.dataDir());
    assertEquals("peer-monitor", c.protocols().get(0).name());
  }

  @Test
  void unknownProtocolIsNamedAndTheKnownOnesListed() throws IOException {
    ConfigProblem p = problem("cluster-node { protocols = [paxos]\n" + PEERS + "}", "n1");
    assertEquals("cluster-node.protocols", p.key());
    assertTrue(p.line().contains("unknown protocol 'paxos'"), p.line());
    assertTrue(p.line().contains("peer-monitor"), p.line());
  }

  @Test
  void aProtocolNamedTwiceIsRefused() throws IOException {
    ConfigProblem p = problem("cluster-node { protocols = [peer-monitor, peer-monitor]\n" + PEERS + "}", "n1");
    // peer-monitor is always on; naming it is allowed, naming any protocol twice is not.
    assertEquals("cluster-node.protocols", p.key());
  }

  @Test
  void aDuplicateNodeIdIsRefused() throws IOException {
    ConfigProblem p = problem("""
        cluster-node.peers {
          n1 { host = "127.0.0.1", akka-port = 12551, http-port = 18081 }
          n1 { host = "127.0.0.1", akka-port = 12552, http-port = 18082 }
        }
        """, "n1");
    assertEquals("cluster-node.peers.n1", p.key());
    assertTrue(p.line().contains("defined more than once"), p.line());
  }

  @Test
  void twoNodesOnOnePortAreRefused() throws IOException {
    ConfigProblem p = problem("""
        cluster-node.peers {
          n1 { host = "127.0.0.1", akka-port = 12551, http-port = 18081 }
          n2 { host = "127.0.0.1", akka-port = 12551, http-port = 18082 }
        }
        """, "n1");
    assertEquals("cluster-node.peers.n2.akka-port", p.key());
  }

  @Test
  void anIdNotAmongThePeersIsRefused() throws IOException {
    ConfigProblem p = problem("cluster-node {\n" + PEERS + "}", "n9");
    assertEquals("cluster-node.id", p.key());
    assertTrue(p.line().contains("[n1, n2, n3]"), p.line());
  }

  @Test
  void noIdAtAllIsRefused() throws IOException {
    ConfigProblem p = problem("cluster-node {\n" + PEERS + "}", null);
    assertEquals("cluster-node.id", p.key());
    assertTrue(p.fix().contains("--id"), p.line());
  }

  @Test
  void theFrameSizeIsSetForArteryAndTheInFlightBoundRead() throws IOException {
    NodeConfig c = NodeConfig.load(file("cluster-node { protocols = [raft], http.max-in-flight-requests = 7\n" + PEERS
        + "}"), "n1", ProtocolCatalog.discover());
    assertEquals(256 * 1024, c.config().getBytes("akka.remote.artery.advanced.maximum-frame-size"));
    assertEquals(7, c.maxInFlightRequests());
  }

  @Test
  void aRaftBatchLargerThanTheFrameIsRefused() throws IOException {
    ConfigProblem p = problem("cluster-node { protocols = [raft], transport.max-frame-bytes = 128 KiB\n" + PEERS + "}",
        "n1");
    assertEquals("cluster-node.raft.max-bytes-per-append", p.key());
    assertTrue(p.line().contains("cluster-node.transport.max-frame-bytes"), p.line());
  }

  @Test
  void aRaftSnapshotChunkLargerThanTheFrameIsRefused() throws IOException {
    ConfigProblem p = problem("cluster-node { protocols = [raft], raft.snapshot-chunk-bytes = 1 MiB\n" + PEERS + "}",
        "n1");
    assertEquals("cluster-node.raft.snapshot-chunk-bytes", p.key());
  }

  @Test
  void aBadInFlightBoundIsNamed() throws IOException {
    ConfigProblem p = problem("cluster-node { http.max-in-flight-requests = 0\n" + PEERS + "}", "n1");
    assertEquals("cluster-node.http.max-in-flight-requests", p.key());
  }

  @Test
  void aMissingKeyIsNamed() throws IOException {
    ConfigProblem p = problem("cluster-node.peers { n1 { host = \"127.0.0.1\", akka-port = 12551 } }", "n1");
    assertEquals("cluster-node.peers.n1.http-port", p.key());
    assertTrue(p.line().contains("missing"), p.line());
  }

  @Test
  void missingPeersAreNamed() throws IOException {
    ConfigProblem p = problem("cluster-node.protocols = []", "n1");
    assertEquals("cluster-node.peers", p.key());
  }

  @Test
  void aWrongTypeIsNamed() throws IOException {
    ConfigProblem p = problem("cluster-node.peers { n1 { host = \"127.0.0.1\", akka-port = lots, http-port = 1 } }", "n1");
    assertEquals("cluster-node.peers.n1.akka-port", p.key());
  }

  @Test
  void aPortOutOfRangeIsRefused() throws IOException {
    ConfigProblem p = problem("cluster-node.peers { n1 { host = \"127.0.0.1\", akka-port = 70000, http-port = 1 } }", "n1");
    assertEquals("cluster-node.peers.n1.akka-port", p.key());
  }

  @Test
  void malformedHoconNamesTheFileAndLine() throws IOException {
    ConfigProblem p = problem("cluster-node {\n  peers {\n    n1 { host = \n", "n1");
    assertTrue(p.key().endsWith("deployment.conf"), p.key());
    assertTrue(p.line().contains("malformed HOCON"), p.line());
  }

  @Test
  void aMissingFileIsNamed() {
    ConfigProblem p = assertThrows(ConfigProblem.class,
        () -> NodeConfig.load(dir.resolve("nope.conf"), "n1", ProtocolCatalog.discover()));
    assertEquals("--config", p.key());
  }

  @Test
  void aBadPeerMonitorSettingIsNamed() throws IOException {
    ConfigProblem p = problem("cluster-node { peer-monitor.unreachable-after = 100ms\n" + PEERS + "}", "n1");
    assertEquals("cluster-node.peer-monitor.unreachable-after", p.key());
  }

  @Test
  void aPortInUseIsNamed() throws IOException {
    // Ports of this test JVM's own (PEERS' fixed ones may be some other test JVM's right now).
    int akka = TestPorts.next();
    int http = TestPorts.next();
    String peers = PEERS.replace("12551", Integer.toString(akka)).replace("18081", Integer.toString(http));
    NodeConfig c = NodeConfig.load(file("cluster-node {\n" + peers + "}"), "n1", ProtocolCatalog.discover());
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", http));
      ConfigProblem p = assertThrows(ConfigProblem.class, () -> PortCheck.requireFree(c));
      assertEquals("cluster-node.peers.n1.http-port", p.key());
      assertTrue(p.line().contains("already in use"), p.line());
    }
  }

  @Test
  void everyShippedDeploymentLoadsForEveryNode() {
    Path conf = Path.of("..", "conf");
    // Key stores are the launcher's business (DeploymentCaTest); here only the rest is checked.
    System.setProperty("cluster-node.transport.tls.enabled", "off");
    com.typesafe.config.ConfigFactory.invalidateCaches();
    try {
      for (String name : new String[] {"default.conf", "raft-5.conf"}) {
        var all = NodeConfig.loadAll(conf.resolve(name), ProtocolCatalog.discover());
        assertTrue(all.size() >= 3, name);
        all.forEach((id, c) -> assertEquals(id, c.peers().selfId()));
      }
    } finally {
      System.clearProperty("cluster-node.transport.tls.enabled");
      com.typesafe.config.ConfigFactory.invalidateCaches();
    }
  }

  @Test
  void everyShippedDeploymentRunsTls() {
    for (String name : new String[] {"default.conf", "raft-5.conf", "pbft-4.conf"}) {
      var file = com.typesafe.config.ConfigFactory.parseFile(Path.of("..", "conf", name).toFile())
          .withFallback(com.typesafe.config.ConfigFactory.defaultReference()).resolve();
      assertTrue(clusternode.node.tls.NodeTls.transportTlsOn(file), name + " must not opt out of TLS");
    }
  }

  @Test
  void tlsWithoutKeyStoresNamesTheMissingFileAndBothFixes() throws IOException {
    Path empty = java.nio.file.Files.createDirectories(dir.resolve("no-keys"));
    ConfigProblem p = problem("cluster-node { transport.tls.dir = \"" + empty + "\"\n"
        + PEERS.replace("transport.tls = off", "") + "}", "n1");
    assertEquals("cluster-node.transport.tls.dir", p.key());
    assertTrue(p.line().contains("TLS is on but there is no key store at " + empty.resolve("n1.p12")), p.line());
    assertTrue(p.line().contains("run bin/cluster keys"), p.line());
    assertTrue(p.line().contains("cluster-node.transport.tls.enabled = off"), p.line());
  }

  @Test
  void tlsOffMeansPlainTcpAndOnlyTlsMustBeOnOrOff() throws IOException {
    NodeConfig c = NodeConfig.load(file("cluster-node {\n" + PEERS + "}"), "n1", ProtocolCatalog.discover());
    assertEquals("tcp", c.config().getString("akka.remote.artery.transport"));
    ConfigProblem p = problem("cluster-node { transport.tls.enabled = maybe\n" + PEERS.replace("transport.tls = off", "")
        + "}", "n1");
    assertEquals("cluster-node.transport.tls.enabled", p.key());
  }

  @Test
  void httpBindsToLoopbackUnlessTheDeploymentSaysOtherwise() throws IOException {
    String remote = PEERS.replace("\"127.0.0.1\"", "\"10.1.2.3\"");
    assertEquals("127.0.0.1", NodeConfig.fromLayers(com.typesafe.config.ConfigFactory.parseString(
        "cluster-node { id = n1\n" + remote + "}"), "test", ProtocolCatalog.discover()).httpBindHost());
    assertEquals("0.0.0.0", NodeConfig.fromLayers(com.typesafe.config.ConfigFactory.parseString(
        "cluster-node { id = n1, http.bind-host = \"0.0.0.0\"\n" + remote + "}"), "test", ProtocolCatalog.discover())
        .httpBindHost());
  }
}
