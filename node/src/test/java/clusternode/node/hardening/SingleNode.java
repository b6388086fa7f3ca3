package clusternode.node.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clusternode.node.Node;
import clusternode.node.config.NodeConfig;
import clusternode.node.config.ProtocolCatalog;
import clusternode.protocols.http.Json;
import clusternode.protocols.testing.TestPorts;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * A one-node deployment (unless more peers are configured) running Raft, the ledger (ordered by Raft) and gossip in this JVM, with its
 * real HTTP server on 127.0.0.1. Callers pass ports of the plan reserved for these tests (akka
 * 27901-27920, http 28401-28420), moved into this JVM's slot by {@link TestPorts#port}.
 */
final class SingleNode implements AutoCloseable {
  static final String TOKEN = "fuzz-admin-token-0123456789";

  final Node node;
  final RawHttp http;

  private SingleNode(Node node, RawHttp http) {
    this.node = node;
    this.http = http;
  }

  static SingleNode start(Path dataDir, int akkaPort, int httpPort, String extraConfig) throws Exception {
    SingleNode single = startWithoutLeader(dataDir, akkaPort, httpPort, extraConfig);
    single.awaitLeader();
    return single;
  }

  /** Starts the node without waiting for a leader ({@code extraConfig} may add peers that never run). */
  static SingleNode startWithoutLeader(Path dataDir, int akkaPort, int httpPort, String extraConfig) throws Exception {
    String conf = """
        cluster-node {
          id = n1
          admin-token = "%s"
          data-dir = "%s"
          protocols = [raft, ledger, gossip]
          ledger.ordering = raft
          # In-process nodes without key material; TLS between nodes is TlsRefusalIT's subject.
          transport.tls.enabled = off
          peers {
            n1 { host = "127.0.0.1", akka-port = %d, http-port = %d }
          }
        }
        %s
        """.formatted(TOKEN, dataDir, akkaPort, httpPort, extraConfig);
    NodeConfig config = NodeConfig.fromLayers(ConfigFactory.parseString(conf), "test", ProtocolCatalog.discover());
    return new SingleNode(Node.start(config), new RawHttp("127.0.0.1", httpPort));
  }

  /** Waits, with a deadline, until this one-node Raft elected itself. */
  private void awaitLeader() throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      RawHttp.Response r = send("GET", "/health/consensus", null, Map.of());
      if (r.status() == 200 && json(r).path("role").asText().equals("leader")) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no Raft leader within 30 s");
  }

  RawHttp.Response send(String method, String path, String body, Map<String, String> headers) throws IOException {
    return http.send(RawHttp.request(method, path, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
  }

  RawHttp.Response admin(String method, String path, String body) throws IOException {
    return send(method, path, body, Map.of("Authorization", "Bearer " + TOKEN));
  }

  /** A request that must succeed (2xx), for setting up state. */
  JsonNode ok(String method, String path, String body) throws IOException {
    RawHttp.Response r = send(method, path, body, Map.of());
    if (r.status() / 100 != 2) {
      throw new AssertionError(method + " " + path + " -> " + r.status() + " " + r.text());
    }
    return r.header("content-type").startsWith("application/json") ? json(r) : null;
  }

  static JsonNode json(RawHttp.Response r) throws IOException {
    return Json.MAPPER.readTree(r.body());
  }

  /** The consensus status field {@code name} (commitIndex, lastIndex, pendingRequests, ...). */
  long consensus(String name) throws IOException {
    RawHttp.Response r = send("GET", "/health/consensus", null, Map.of());
    assertEquals(200, r.status(), r.text());
    return json(r).path(name).asLong();
  }

  @Override
  public void close() {
    node.close();
  }
}
