package clusternode.node.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.ctl.NodeClient;
import clusternode.protocols.peers.Peer;
import clusternode.protocols.testing.TestPorts;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Four real PBFT JVMs (f = 1) with signed messages: an equivocating primary is replaced by a view
 * change and writes go on; then one replica lies in every reply and clients still get the right
 * results; the ledger ordered by PBFT keeps money conserved, and the three honest replicas end in
 * the same state.
 */
class PbftClusterIT {
  private static final List<String> IDS = List.of("n1", "n2", "n3", "n4");
  private static final Map<String, Peer> NODES = new LinkedHashMap<>();
  private static final NodeClient http = new NodeClient(null, Duration.ofSeconds(15));
  private static NodeClient admin;
  private static LauncherProcess launcher;

  static {
    for (int i = 0; i < IDS.size(); i++) {
      NODES.put(IDS.get(i), new Peer(IDS.get(i), "127.0.0.1", TestPorts.port(27621 + i), TestPorts.port(28151 + i)));
    }
  }

  @BeforeAll
  static void up() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "it-pbft-");
    launcher = new LauncherProcess(dir, IDS);
    LauncherProcess.Result up = launcher.run("up", "--config",
        TestPorts.deployment(Path.of("src/test/resources/it-pbft-4.conf")).toString());
    assertEquals(0, up.exitCode(), up.output());
    assertTrue(Files.exists(dir.resolve("pbft-keys.conf")), "up wrote no PBFT keys: " + up.output());
    admin = new NodeClient(Files.readString(dir.resolve("admin-token")).strip(), Duration.ofSeconds(10));
  }

  @AfterAll
  static void down() throws Exception {
    try {
      assertEquals(0, launcher.run("down").exitCode());
    } finally {
      launcher.killAllSeen();
    }
  }

  private static JsonNode consensus(String id) throws IOException {
    return http.get(NODES.get(id), "/health/consensus").json();
  }

  private static void byzantine(String id, String mode) throws IOException {
    NodeClient.Answer a = admin.send(NODES.get(id), "/admin/byzantine", "POST", "{\"mode\":\"" + mode + "\"}");
    assertEquals(200, a.status(), a.body());
  }

  private static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within.toSeconds() + " s: " + what);
      }
      Thread.sleep(200);
    }
  }

  /** Sends until an answer that is not 503 (a 503 means no f+1 matching replies in time). */
  private static NodeClient.Answer definitely(String via, String method, String path, String body)
      throws InterruptedException {
    NodeClient.Answer[] last = new NodeClient.Answer[1];
    await(method + " " + path + " answered via " + via, Duration.ofSeconds(60), () -> {
      try {
        last[0] = http.send(NODES.get(via), path, method, body);
        return last[0].status() != 503;
      } catch (IOException e) {
        return false;
      }
    });
    return last[0];
  }

  @Test
  void anEquivocatingPrimaryAndALyingReplicaChangeNothingClientsSee() throws Exception {
    for (String acct : List.of("a", "b", "c")) {
      assertTrue(definitely("n2", "POST", "/ledger/accounts", "{\"id\":\"" + acct + "\"}").ok());
      assertTrue(definitely("n2", "POST", "/ledger/deposits",
          "{\"id\":\"dep-" + acct + "\",\"account\":\"" + acct + "\",\"amount\":1000}").ok());
    }
    assertEquals(200, definitely("n3", "PUT", "/kv/k0", "v0").status());

    // The primary of view 0 sends different pre-prepares to different backups: a view change follows.
    String primary = consensus("n2").path("primary").asText();
    long view = consensus("n2").path("view").asLong();
    byzantine(primary, "equivocate");
    String honest = IDS.stream().filter(id -> !id.equals(primary)).findFirst().orElseThrow();
    assertEquals(200, definitely(honest, "PUT", "/kv/k1", "v1").status(), "writes stop under an equivocating primary");
    await("a view change away from " + primary, Duration.ofSeconds(60), () -> {
      try {
        JsonNode c = consensus(honest);
        return c.path("view").asLong() > view && !c.path("primary").asText().equals(primary);
      } catch (IOException | RuntimeException e) {
        return false;
      }
    });
    byzantine(primary, "honest");

    // One replica lies in every reply: f + 1 matching replies still decide.
    String liar = IDS.stream().filter(id -> !id.equals(honest)).findFirst().orElseThrow();
    byzantine(liar, "lie");
    for (int i = 2; i < 12; i++) {
      assertEquals(200, definitely(honest, "PUT", "/kv/k" + i, "v" + i).status());
      NodeClient.Answer read = definitely(honest, "GET", "/kv/k" + i, null);
      assertEquals("v" + i, read.body(), "a lying replica changed what a client reads");
    }
    Map<String, Long> expected = new LinkedHashMap<>(Map.of("a", 1000L, "b", 1000L, "c", 1000L));
    String[][] moves = {{"a", "b", "100"}, {"b", "c", "50"}, {"c", "a", "25"}, {"a", "c", "10"}};
    for (int i = 0; i < moves.length; i++) {
      String[] m = moves[i];
      NodeClient.Answer t = definitely(honest, "POST", "/ledger/transfers", "{\"id\":\"t" + i + "\",\"from\":\"" + m[0]
          + "\",\"to\":\"" + m[1] + "\",\"amount\":" + m[2] + "}");
      assertTrue(t.ok(), t.body());
      expected.merge(m[0], -Long.parseLong(m[2]), Long::sum);
      expected.merge(m[1], Long.parseLong(m[2]), Long::sum);
    }

    // The honest replicas agree on everything and money is conserved.
    List<String> honestOnes = IDS.stream().filter(id -> !id.equals(liar)).toList();
    await("honest replicas executed the same sequence", Duration.ofSeconds(30), () -> {
      Set<Long> executed = new HashSet<>();
      for (String id : honestOnes) {
        try {
          executed.add(consensus(id).path("lastExecuted").asLong());
        } catch (IOException | RuntimeException e) {
          return false;
        }
      }
      return executed.size() == 1;
    });
    Set<String> digests = new HashSet<>();
    for (String id : honestOnes) {
      JsonNode audit = http.get(NODES.get(id), "/ledger/audit?consistency=local").json();
      assertTrue(audit.path("ok").asBoolean(), id + ": " + audit);
      assertEquals(3000, audit.path("totalBalance").asLong(), id + " lost or made money");
      digests.add(audit.path("digest").asText());
      for (Map.Entry<String, Long> e : expected.entrySet()) {
        assertEquals((long) e.getValue(), http.get(NODES.get(id), "/ledger/accounts/" + e.getKey() + "?consistency=local")
            .json().path("balance").asLong(), id + ": balance of " + e.getKey());
      }
    }
    assertEquals(1, digests.size(), "honest replicas disagree: " + digests);
  }
}
