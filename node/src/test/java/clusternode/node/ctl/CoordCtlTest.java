package clusternode.node.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.Main;
import clusternode.node.Node;
import clusternode.node.config.NodeConfig;
import clusternode.node.config.ProtocolCatalog;
import clusternode.protocols.http.Json;
import clusternode.protocols.testing.TestPorts;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The coordination verbs of clusterctl against a real one-node Raft deployment in this JVM. */
class CoordCtlTest {
  @TempDir static Path dir;
  private static Node node;
  private static String url;

  private record Run(int exitCode, String out) {
    JsonNode json() throws Exception {
      return Json.MAPPER.readTree(out);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    int akka = TestPorts.next();
    int http = TestPorts.next();
    String conf = """
        cluster-node {
          id = n1
          data-dir = "%s"
          protocols = [raft]
          transport.tls.enabled = off
          kv.lease-tick-interval = 50ms
          peers { n1 { host = "127.0.0.1", akka-port = %d, http-port = %d } }
        }
        """.formatted(dir.resolve("n1"), akka, http);
    node = Node.start(NodeConfig.fromLayers(ConfigFactory.parseString(conf), "test", ProtocolCatalog.discover()));
    url = "http://127.0.0.1:" + http;
    CoordClient client = new CoordClient(URI.create(url));
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!client.send("GET", "/health/consensus", null, Duration.ofSeconds(2)).body().contains("\"leader\"")) {
      assertTrue(System.nanoTime() < deadline, "no leader within 30 s");
      Thread.sleep(50);
    }
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static synchronized Run run(String... command) {
    List<String> args = new ArrayList<>(List.of("clusterctl", "--url", url, "--token-file", dir.resolve("none").toString()));
    args.addAll(List.of(command));
    PrintStream before = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new Main()).execute(args.toArray(String[]::new));
      return new Run(code, captured.toString(StandardCharsets.UTF_8).strip());
    } finally {
      System.setOut(before);
    }
  }

  @Test
  void leaseVerbsGrantKeepAliveShowAndRevoke() throws Exception {
    Run grant = run("lease", "grant", "5000");
    assertEquals(0, grant.exitCode());
    long id = grant.json().get("id").asLong();
    assertEquals(0, run("put", "s", "v").exitCode());
    assertEquals(0, run("lease", "keepalive", "--once", Long.toString(id)).exitCode());
    Run info = run("lease", "get", Long.toString(id));
    assertEquals(5000, info.json().get("ttlMs").asLong());
    assertEquals(0, run("lease", "revoke", Long.toString(id)).exitCode());
    assertEquals(1, run("lease", "get", Long.toString(id)).exitCode(), "gone: 404, exit 1");
    assertEquals(1, run("lease", "keepalive", "--once", "987654").exitCode());
  }

  @Test
  void txnRangeAndWatchPrintWhatTheNodeAnswers() throws Exception {
    Run txn = run("txn", "{\"if\":[{\"key\":\"cfg/mode\",\"target\":\"exists\",\"op\":\"=\",\"value\":false}],"
        + "\"then\":[{\"put\":{\"key\":\"cfg/mode\",\"value\":\"blue\"}}],\"else\":[]}");
    assertEquals(0, txn.exitCode(), txn.out());
    assertTrue(txn.json().get("succeeded").asBoolean());
    long rev = txn.json().get("revision").asLong();
    assertEquals(0, run("put", "cfg/mode", "green").exitCode());
    Run range = run("range", "cfg/");
    assertEquals("green", range.json().get("kvs").get(0).get("value").asText());
    Run watch = run("watch", "cfg/", "--from-revision", Long.toString(rev), "--count", "2");
    assertEquals(0, watch.exitCode());
    String[] lines = watch.out().split("\n");
    assertEquals(2, lines.length, watch.out());
    assertEquals("blue", Json.MAPPER.readTree(lines[0]).get("value").asText());
    assertEquals("green", Json.MAPPER.readTree(lines[1]).get("value").asText());
    assertEquals(1, run("txn", "{not json").exitCode());
    assertEquals(1, run("watch", "cfg/", "--from-revision", "0").exitCode());
  }

  @Test
  void lockRunsTheCommandWithTheTokenAndReleasesAfter() throws Exception {
    Path out = dir.resolve("token.txt");
    Run locked = run("lock", "--ttl-ms", "3000", "jobs", "--", "sh", "-c", "echo $CLUSTERNODE_LOCK_TOKEN > " + out + "; exit 3");
    assertEquals(3, locked.exitCode(), "the command's exit code");
    long token = Long.parseLong(Files.readString(out).strip());
    assertTrue(token > 0);
    Run holder = run("lock", "--ttl-ms", "3000", "jobs", "--", "sh", "-c", "echo $CLUSTERNODE_LOCK_TOKEN > " + out);
    assertEquals(0, holder.exitCode());
    assertTrue(Long.parseLong(Files.readString(out).strip()) > token, "the next holder's token is larger");
    CoordClient client = new CoordClient(URI.create(url));
    assertFalse(client.send("GET", "/locks/jobs", null, Duration.ofSeconds(5)).json().get("held").asBoolean(), "released");
  }

  @Test
  void electListensAndCampaigns() throws Exception {
    Run none = run("elect", "--listen", "--count", "1", "svc");
    assertEquals(0, none.exitCode());
    assertTrue(none.json().get("value").isNull(), none.out());
    Thread campaign = new Thread(() -> run("elect", "--ttl-ms", "3000", "svc", "http://me"));
    campaign.start();
    CoordClient client = new CoordClient(URI.create(url));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (client.send("GET", "/elections/svc", null, Duration.ofSeconds(5)).status() != 200) {
      assertTrue(System.nanoTime() < deadline, "never elected");
      Thread.sleep(20);
    }
    assertEquals("http://me", client.send("GET", "/elections/svc", null, Duration.ofSeconds(5)).json().get("value").asText());
    campaign.interrupt();
    campaign.join(10_000);
    assertFalse(campaign.isAlive());
    assertEquals(404, client.send("GET", "/elections/svc", null, Duration.ofSeconds(5)).status(), "its lease was revoked");
  }
}
