package clusternode.node.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clusternode.node.Node;
import clusternode.node.config.NodeConfig;
import clusternode.node.config.ProtocolCatalog;
import clusternode.pbft.shell.PbftKeys;
import clusternode.protocols.testing.TestPorts;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Four PBFT replicas (f = 1) ordering the KV store, each a full {@link Node} with its own actor
 * system and real HTTP server, in this JVM over Artery on 127.0.0.1 (TLS off: TlsRefusalIT's
 * subject). Keys are made fresh with {@link PbftKeys}. Ports come from the range reserved for the
 * hardening tests: akka 27911-27918, http 28411-28418 (two deployments: {@code ports} 0 or 1).
 */
final class PbftDeployment implements AutoCloseable {
  static final List<String> IDS = List.of("n1", "n2", "n3", "n4");
  private static final int AKKA_PORT_BASE = TestPorts.port(27911);
  private static final int HTTP_PORT_BASE = TestPorts.port(28411);

  final List<Node> nodes = new ArrayList<>();
  final List<RawHttp> http = new ArrayList<>();
  final int httpPortBase;

  private PbftDeployment(int httpPortBase) {
    this.httpPortBase = httpPortBase;
  }

  /** Starts all four on port set {@code ports} (0 or 1) and waits until a write commits through {@code n1}. */
  static PbftDeployment start(Path dir, int ports, String extraConfig) throws Exception {
    int akkaPortBase = AKKA_PORT_BASE + ports * IDS.size();
    int httpPortBase = HTTP_PORT_BASE + ports * IDS.size();
    String keys = PbftKeys.generate(dir.resolve("keys"), IDS);
    StringBuilder peers = new StringBuilder();
    for (int i = 0; i < IDS.size(); i++) {
      peers.append("    %s { host = \"127.0.0.1\", akka-port = %d, http-port = %d }\n"
          .formatted(IDS.get(i), akkaPortBase + i, httpPortBase + i));
    }
    PbftDeployment deployment = new PbftDeployment(httpPortBase);
    try {
      for (int i = 0; i < IDS.size(); i++) {
        String conf = """
            cluster-node {
              id = %s
              admin-token = "%s"
              data-dir = "%s"
              protocols = [pbft]
              transport.tls.enabled = off
              peers {
            %s  }
            }
            %s
            %s
            """.formatted(IDS.get(i), SingleNode.TOKEN, dir.resolve(IDS.get(i)), peers, keys, extraConfig);
        NodeConfig config = NodeConfig.fromLayers(ConfigFactory.parseString(conf), "test", ProtocolCatalog.discover());
        deployment.nodes.add(Node.start(config));
        deployment.http.add(new RawHttp("127.0.0.1", httpPortBase + i));
      }
      deployment.awaitFirstWrite();
    } catch (Exception | AssertionError e) {
      deployment.close();
      throw e;
    }
    return deployment;
  }

  private void awaitFirstWrite() throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    RawHttp.Response put;
    do { // 503 until the replicas have connected and the view is active
      put = send(0, "PUT", "/kv/warm-up", "1", Map.of());
    } while (put.status() != 200 && System.nanoTime() < deadline && pause());
    assertEquals(200, put.status(), "no PBFT write committed within 60 s: " + put.text());
  }

  private static boolean pause() throws InterruptedException {
    Thread.sleep(100);
    return true;
  }

  RawHttp.Response send(int replica, String method, String path, String body, Map<String, String> headers)
      throws IOException {
    byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
    return http.get(replica).send(RawHttp.request(method, path, headers, bytes));
  }

  RawHttp.Response admin(int replica, String method, String path, String body) throws IOException {
    return send(replica, method, path, body, Map.of("Authorization", "Bearer " + SingleNode.TOKEN));
  }

  /** Replica {@code replica}'s PBFT status (id, view, lastExecuted, byzantine, ...). */
  JsonNode status(int replica) throws IOException {
    RawHttp.Response r = send(replica, "GET", "/health/consensus", null, Map.of());
    assertEquals(200, r.status(), r.text());
    return SingleNode.json(r);
  }

  /** Waits, with a deadline, until every replica has executed the same sequence number, and returns it. */
  long awaitSameLastExecuted() throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    List<Long> seen = List.of();
    while (System.nanoTime() < deadline) {
      seen = new ArrayList<>();
      for (int i = 0; i < IDS.size(); i++) {
        seen.add(status(i).path("lastExecuted").asLong());
      }
      if (seen.stream().distinct().count() == 1) {
        return seen.get(0);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("replicas did not agree on lastExecuted within 30 s: " + seen);
  }

  @Override
  public void close() {
    for (Node node : nodes) {
      node.close();
    }
  }
}
