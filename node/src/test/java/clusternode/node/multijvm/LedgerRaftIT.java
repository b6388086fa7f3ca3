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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger on three Raft JVMs under faults: concurrent clients transfer while the leader is
 * killed and a partition comes and goes, with a snapshot every 20 entries (it-ledger-3.conf), so
 * the restarted and the cut-off node catch up across compaction. Afterwards every node's audit is
 * OK, all replicas hold the same state (digest), and balances equal what the applied transfers
 * say: none lost, none doubled; and the nodes did take snapshots.
 */
class LedgerRaftIT {
  private static final List<String> IDS = List.of("n1", "n2", "n3");
  private static final List<String> ACCOUNTS = List.of("a", "b", "c", "d", "e");
  private static final long INITIAL = 10_000;
  private static final Map<String, Peer> NODES = new LinkedHashMap<>();
  private static final NodeClient http = new NodeClient(null, Duration.ofSeconds(5));
  private static LauncherProcess launcher;

  record Transfer(String id, String from, String to, long amount) {
    String json() {
      return "{\"id\":\"" + id + "\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":" + amount + "}";
    }
  }

  static {
    for (int i = 0; i < IDS.size(); i++) {
      NODES.put(IDS.get(i), new Peer(IDS.get(i), "127.0.0.1", TestPorts.port(27571 + i), TestPorts.port(28101 + i)));
    }
  }

  @BeforeAll
  static void up() throws Exception {
    launcher = new LauncherProcess(Files.createTempDirectory(Path.of("target"), "it-ledger-"), IDS);
    Path conf = TestPorts.deployment(Path.of("src/test/resources/it-ledger-3.conf"));
    LauncherProcess.Result up = launcher.run("up", "--config", conf.toString());
    assertEquals(0, up.exitCode(), up.output());
  }

  @AfterAll
  static void down() throws Exception {
    try {
      assertEquals(0, launcher.run("down").exitCode());
    } finally {
      launcher.killAllSeen();
    }
  }

  /** Posts until some node gives a definite answer (2xx or 409); returns it. */
  private static NodeClient.Answer definitely(String path, String body) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int i = 0;
    while (System.nanoTime() < deadline) {
      try {
        NodeClient.Answer a = http.send(NODES.get(IDS.get(i++ % IDS.size())), path, "POST", body);
        if (a.ok() || a.status() == 409) {
          return a;
        }
      } catch (IOException e) {
        // that node is down: the next
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no definite answer for " + path + " " + body);
  }

  @Test
  void transfersUnderKillAndPartitionConserveMoneyExactlyOnce() throws Exception {
    for (String acct : ACCOUNTS) {
      assertTrue(definitely("/ledger/accounts", "{\"id\":\"" + acct + "\"}").ok());
      assertTrue(definitely("/ledger/deposits", "{\"id\":\"dep-" + acct + "\",\"account\":\"" + acct
          + "\",\"amount\":" + INITIAL + "}").ok());
    }
    Map<String, Transfer> acknowledged = new ConcurrentHashMap<>();
    Map<String, Transfer> unknown = new ConcurrentHashMap<>();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 6; c++) {
      int client = c;
      Thread t = new Thread(() -> transferLoop(client, running, acknowledged, unknown));
      t.start();
      clients.add(t);
    }
    Thread.sleep(3_000);
    String leader = leader();
    assertEquals(0, launcher.run("kill", leader).exitCode());
    Thread.sleep(4_000);
    assertEquals(0, launcher.run("start", leader).exitCode());
    assertEquals(0, launcher.run("partition", "n1", "n2,n3").exitCode());
    Thread.sleep(4_000);
    assertEquals(0, launcher.run("heal").exitCode());
    Thread.sleep(2_000);
    running.set(false);
    for (Thread t : clients) {
      t.join(30_000);
    }
    assertTrue(acknowledged.size() > 20, "too few acknowledged transfers to mean anything: " + acknowledged.size());

    // Learn the fate of every transfer whose outcome was unknown by retrying it: same id, so it
    // is applied at most once either way.
    Map<String, Transfer> applied = new LinkedHashMap<>(acknowledged);
    for (Transfer t : unknown.values()) {
      JsonNode r = definitely("/ledger/transfers", t.json()).json();
      if (r.path("ok").asBoolean(false) || r.path("result").path("ok").asBoolean(false)) {
        applied.put(t.id(), t);
      }
    }
    // Every acknowledged transfer is there: a retry answers "already applied".
    for (Transfer t : acknowledged.values()) {
      JsonNode r = definitely("/ledger/transfers", t.json()).json();
      assertTrue(r.path("duplicate").asBoolean(false) && r.path("ok").asBoolean(false),
          "acknowledged transfer " + t.id() + " is not in the ledger: " + r);
    }

    Map<String, Long> expected = new LinkedHashMap<>();
    ACCOUNTS.forEach(a -> expected.put(a, INITIAL));
    for (Transfer t : applied.values()) {
      expected.merge(t.from(), -t.amount(), Long::sum);
      expected.merge(t.to(), t.amount(), Long::sum);
    }
    awaitSameAppliedIndex();
    Set<String> digests = new HashSet<>();
    for (String id : IDS) {
      JsonNode audit = http.get(NODES.get(id), "/ledger/audit?consistency=local").json();
      assertTrue(audit.path("ok").asBoolean(), id + " audit: " + audit);
      assertEquals(INITIAL * ACCOUNTS.size(), audit.path("totalBalance").asLong(), id + " lost or made money");
      digests.add(audit.path("digest").asText());
      for (String acct : ACCOUNTS) {
        long balance = http.get(NODES.get(id), "/ledger/accounts/" + acct + "?consistency=local").json()
            .path("balance").asLong();
        assertEquals(expected.get(acct), balance, id + ": balance of " + acct + " disagrees with the applied transfers");
      }
    }
    assertEquals(1, digests.size(), "replicas disagree: " + digests);
    long taken = 0;
    Map<String, String> snapshots = new LinkedHashMap<>();
    for (String id : IDS) {
      String metrics = http.get(NODES.get(id), "/metrics").body();
      long nodeTaken = counter(metrics, "raft_snapshots_taken_total");
      taken += nodeTaken;
      snapshots.put(id, nodeTaken + " taken, " + counter(metrics, "raft_snapshots_installed_total") + " installed");
    }
    System.out.println("LedgerRaftIT: " + applied.size() + " transfers applied; snapshots since each node's last start: "
        + snapshots);
    assertTrue(taken >= 1, "no snapshot was taken, so none was tested: " + snapshots);
  }

  /** The sum of a Prometheus counter's series in {@code metrics} text (0 when absent). */
  private static long counter(String metrics, String name) {
    long sum = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static void transferLoop(int client, AtomicBoolean running, Map<String, Transfer> acknowledged,
      Map<String, Transfer> unknown) {
    Random random = new Random(client);
    int n = 0;
    while (running.get()) {
      String from = ACCOUNTS.get(random.nextInt(ACCOUNTS.size()));
      String to = ACCOUNTS.get(random.nextInt(ACCOUNTS.size()));
      if (from.equals(to)) {
        continue;
      }
      Transfer t = new Transfer("t-" + client + "-" + n++, from, to, 1 + random.nextInt(50));
      Peer via = NODES.get(IDS.get(random.nextInt(IDS.size())));
      try {
        NodeClient.Answer a = http.send(via, "/ledger/transfers", "POST", t.json());
        if (a.status() == 201 || a.status() == 200) {
          acknowledged.put(t.id(), t);
        } else if (a.status() != 409 && a.status() != 400) {
          unknown.put(t.id(), t);
        }
      } catch (IOException e) {
        unknown.put(t.id(), t);
      }
    }
  }

  private static String leader() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      for (String id : IDS) {
        try {
          JsonNode c = http.get(NODES.get(id), "/health/consensus").json();
          if (c.path("role").asText().equals("leader")) {
            return id;
          }
        } catch (IOException | RuntimeException e) {
          // next
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no leader");
  }

  private static void awaitSameAppliedIndex() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      Set<Long> applied = new HashSet<>();
      for (String id : IDS) {
        try {
          applied.add(http.get(NODES.get(id), "/health/consensus").json().path("lastApplied").asLong());
        } catch (IOException | RuntimeException e) {
          applied.add(-1L);
        }
      }
      if (applied.size() == 1 && !applied.contains(-1L)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("replicas did not reach the same applied index");
  }
}
