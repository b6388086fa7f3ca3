package clusternode.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.Node;
import clusternode.node.config.NodeConfig;
import clusternode.node.config.ProtocolCatalog;
import clusternode.node.ctl.NodeClient;
import clusternode.protocols.peers.Peer;
import clusternode.protocols.testing.TestPorts;
import clusternode.protocols.transport.FaultPlan;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's HTTP API in-process: a real node on loopback, driven by a real HTTP client. */
class HttpApiTest {
  private static final String TOKEN = "test-token-0123456789abcdef";
  @TempDir static Path dataDir;
  private static Node node;
  private static Peer self;
  private static final NodeClient admin = new NodeClient(TOKEN, Duration.ofSeconds(10));
  private static final NodeClient anonymous = new NodeClient(null, Duration.ofSeconds(10));

  @BeforeAll
  static void start() throws Exception {
    int akka = TestPorts.next();
    int http = TestPorts.next();
    String conf = """
        cluster-node {
          id = n1
          admin-token = "%s"
          data-dir = "%s"
          http.max-request-bytes = 64 KiB
          # One node in this JVM and no peer to talk to; TLS between nodes is TlsRefusalIT's subject.
          transport.tls = off
          peers {
            n1 { host = "127.0.0.1", akka-port = %d, http-port = %d }
            n2 { host = "127.0.0.1", akka-port = %d, http-port = %d }
          }
        }
        """.formatted(TOKEN, dataDir, akka, http, TestPorts.next(), TestPorts.next());
    NodeConfig config = NodeConfig.fromLayers(ConfigFactory.parseString(conf), "test", ProtocolCatalog.discover());
    node = Node.start(config);
    self = config.peers().self();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void healthNamesTheNodeItsProtocolsAndItsStatus() throws IOException {
    NodeClient.Answer a = anonymous.get(self, "/health");
    assertEquals(200, a.status());
    assertEquals("n1", a.json().get("id").asText());
    assertEquals("peer-monitor", a.json().get("protocols").get(0).asText());
    // n2 never runs: one node of two is not a majority.
    assertEquals("degraded", a.json().get("status").asText());
  }

  @Test
  void peersShowsTheUnreachablePeerAndTheFaultPlan() throws IOException {
    NodeClient.Answer a = anonymous.get(self, "/health/peers");
    assertEquals(200, a.status());
    assertEquals("n2", a.json().get("peers").get(0).get("id").asText());
    assertTrue(a.json().get("peers").get(0).get("probesSent").asLong() >= 0);
    assertTrue(a.json().has("faults"));
  }

  @Test
  void metricsArePrometheusText() throws IOException {
    NodeClient.Answer a = anonymous.get(self, "/metrics");
    assertEquals(200, a.status());
    assertTrue(a.body().contains("# TYPE jvm_memory_heap_used_bytes gauge"), a.body());
    assertTrue(a.body().contains("transport_messages_sent_total{peer=\"n2\",type=\"Probe\"}"), a.body());
  }

  @Test
  void adminRoutesNeedTheToken() throws IOException {
    assertEquals(401, anonymous.get(self, "/admin/faults").status());
    NodeClient wrong = new NodeClient("not-the-token", Duration.ofSeconds(5));
    NodeClient.Answer a = wrong.send(self, "/admin/faults", "POST", "{\"drop\": 0.5}");
    assertEquals(401, a.status());
    assertTrue(a.json().get("error").asText().contains("wrong admin token"));
    assertTrue(node.transport().faultPlan().isNone(), "a refused request changed nothing");
  }

  @Test
  void faultsAreSetMergedShownAndCleared() throws IOException {
    NodeClient.Answer set = admin.send(self, "/admin/faults", "POST", "{\"partition\": [[\"n1\"], [\"n2\"]]}");
    assertEquals(200, set.status(), set.body());
    admin.send(self, "/admin/faults", "POST", "{\"delayMs\": 5, \"drop\": 0.25}");
    FaultPlan plan = node.transport().faultPlan();
    assertEquals(List.of(Set.of("n1"), Set.of("n2")), plan.partitions());
    assertEquals(0.25, plan.dropProbability());
    assertEquals(5, plan.delayMs());
    assertEquals(0.25, admin.get(self, "/admin/faults").json().get("drop").asDouble());
    assertEquals(200, admin.send(self, "/admin/faults", "DELETE", null).status());
    assertTrue(node.transport().faultPlan().isNone());
  }

  @Test
  void badFaultRequestsAre400sAndChangeNothing() throws IOException {
    for (String body : List.of("{\"drop\": ", "{\"drop\": 1.5}", "{\"dorp\": 0.1}", "{\"partition\": [[\"n9\"]]}",
        "{\"partition\": [[\"n1\"], [\"n1\"]]}", "{\"cuts\": [[\"n1\"]]}", "[1, 2]", "{\"delayMs\": -3}",
        "{\"delayMs\": 99999999999999999999}", "null", "{\"drop\": \"lots\"}")) {
      NodeClient.Answer a = admin.send(self, "/admin/faults", "POST", body);
      assertEquals(400, a.status(), body + " -> " + a.body());
      assertTrue(a.json().get("error").asText().length() > 5, a.body());
      assertTrue(node.transport().faultPlan().isNone(), "plan changed by " + body);
    }
  }

  @Test
  void unknownRoutesWrongMethodsAndHugeBodiesGetJsonErrors() throws IOException {
    NodeClient.Answer notFound = anonymous.get(self, "/no/such/route");
    assertEquals(404, notFound.status());
    assertEquals(404, notFound.json().get("status").asInt());
    NodeClient.Answer wrongMethod = anonymous.send(self, "/health", "PUT", "{}");
    assertEquals(405, wrongMethod.status());
    assertTrue(wrongMethod.json().has("error"));
    NodeClient.Answer huge = admin.send(self, "/admin/faults", "POST", "{\"x\": \"" + "a".repeat(100_000) + "\"}");
    assertEquals(413, huge.status(), huge.body());
    assertTrue(huge.json().has("error"));
  }
}
