package clusternode.node.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.ctl.NodeClient;
import clusternode.protocols.peers.Peer;
import clusternode.protocols.testing.TestPorts;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Leases and fenced locks on three Raft JVMs: a lock holder stops renewing its lease (as a paused
 * client does) and the Raft leader is killed -9 meanwhile; the lease survives the leader change,
 * then expires no earlier than its TTL and within TTL plus an election and a few ticks; a waiting
 * client gets the lock with a larger fencing token; the old holder's guarded write is refused with
 * 409 while the new holder's goes through; a watcher on a survivor saw the key's put and its
 * deletion caused by the lease's expiry.
 */
class CoordLeaseIT {
  private static final long TTL_MS = 4_000;
  /** it-coord-3.conf keeps Raft's defaults: election timeout at most 800 ms; lease ticks every 200 ms. */
  private static final long ELECTION_MAX_MS = 800;
  private static final NodeClient http = new NodeClient(null, Duration.ofSeconds(20));

  @Test
  void aSilentHoldersLeaseOutlivesALeaderKillThenExpiresAndItsStaleTokenIsFenced() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "it-coord-");
    LauncherProcess launcher = new LauncherProcess(dir, List.of("n1", "n2", "n3"));
    Map<String, Peer> nodes = new LinkedHashMap<>();
    for (int i = 1; i <= 3; i++) {
      nodes.put("n" + i, new Peer("n" + i, "127.0.0.1", TestPorts.port(27840 + i), TestPorts.port(28340 + i)));
    }
    try {
      Path conf = TestPorts.deployment(Path.of("src/test/resources/it-coord-3.conf"));
      LauncherProcess.Result up = launcher.run("up", "--config", conf.toString(), "--timeout", "180");
      assertEquals(0, up.exitCode(), up.output());
      String leader = awaitLeader(nodes, null);
      String survivor = nodes.keySet().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
      Peer via = nodes.get(survivor);

      List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
      CompletableFuture<Void> watch = watch(via, events);

      long lease = ok(via, "POST", "/leases", "{\"ttlMs\":" + TTL_MS + "}").get("id").asLong();
      long granted = System.nanoTime();
      ok(via, "PUT", "/kv/sess?lease=" + lease, "holder-a");
      long tokenA = ok(via, "POST", "/locks/res", "{\"lease\":" + lease + "}").get("fencingToken").asLong();
      assertEquals(200, guarded(via, tokenA, "a1").status());
      long b = ok(via, "POST", "/leases", "{\"ttlMs\":60000}").get("id").asLong();
      CompletableFuture<JsonNode> waiting = CompletableFuture.supplyAsync(() -> {
        try {
          return ok(via, "POST", "/locks/res", "{\"lease\":" + b + ",\"waitMs\":60000}");
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });

      // holder a now sends nothing; the leader dies
      assertEquals(0, launcher.run("kill", leader).exitCode());
      awaitLeader(nodes, leader);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (http.send(via, "/kv/sess", "GET", null).status() == 200) {
        assertTrue(System.nanoTime() < deadline, "the lease never expired");
        Thread.sleep(20);
      }
      long livedMs = (System.nanoTime() - granted) / 1_000_000;
      System.out.println("CoordLeaseIT: a " + TTL_MS + " ms lease, leader " + leader + " killed, lived " + livedMs + " ms");
      assertTrue(livedMs >= TTL_MS, "expired early: " + livedMs + " ms");
      // TTL + the leader change's allowance (one election) + the election itself + two ticks + slack for a loaded machine
      assertTrue(livedMs <= TTL_MS + 2 * ELECTION_MAX_MS + 400 + 4_000, "expired late: " + livedMs + " ms");

      JsonNode granted2 = waiting.get(60, TimeUnit.SECONDS);
      long tokenB = granted2.get("fencingToken").asLong();
      assertTrue(tokenB > tokenA, tokenB + " after " + tokenA);
      NodeClient.Answer stale = guarded(via, tokenA, "a2-late");
      assertEquals(409, stale.status(), stale.body());
      assertEquals(200, guarded(via, tokenB, "b1").status());
      assertEquals("b1", http.send(via, "/kv/out", "GET", null).body());

      long watchDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (events.stream().noneMatch(e -> e.contains("lease-expired:" + lease))) {
        assertTrue(System.nanoTime() < watchDeadline, "the watcher never saw the expiry: " + events);
        Thread.sleep(20);
      }
      watch.cancel(true);
      List<String> sess = events.stream().filter(e -> e.contains("\"key\":\"sess\"")).toList();
      assertEquals(2, sess.size(), sess.toString());
      assertTrue(sess.get(0).contains("\"type\":\"put\"") && sess.get(1).contains("\"type\":\"delete\""), sess.toString());
    } finally {
      try {
        launcher.run("down");
      } finally {
        launcher.killAllSeen();
      }
    }
  }

  private static String awaitLeader(Map<String, Peer> nodes, String not) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (Map.Entry<String, Peer> n : nodes.entrySet()) {
        if (n.getKey().equals(not)) {
          continue;
        }
        try {
          NodeClient.Answer a = http.send(n.getValue(), "/health/consensus", "GET", null);
          if (a.ok() && a.json().path("role").asText().equals("leader")) {
            return n.getKey();
          }
        } catch (IOException | RuntimeException e) {
          // down or starting
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no leader other than " + not + " within 60 s");
  }

  private static JsonNode ok(Peer via, String method, String path, String body) throws IOException {
    NodeClient.Answer a = http.send(via, path, method, body);
    assertEquals(200, a.status(), method + " " + path + " -> " + a.body());
    return a.body().startsWith("{") ? a.json() : null;
  }

  private static NodeClient.Answer guarded(Peer via, long token, String value) throws IOException, InterruptedException {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + via.httpPort() + "/kv/out"))
        .header("X-Fencing-Lock", "res").header("X-Fencing-Token", Long.toString(token))
        .timeout(Duration.ofSeconds(20)).PUT(HttpRequest.BodyPublishers.ofString(value)).build();
    HttpResponse<String> a = HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString());
    return new NodeClient.Answer(a.statusCode(), a.body());
  }

  /** Collects every data line of a watch on {@code via} from revision 1, until cancelled. */
  private static CompletableFuture<Void> watch(Peer via, List<String> events) {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + via.httpPort() + "/watch?prefix=&fromRevision=1")).build();
    return HttpClient.newHttpClient().sendAsync(r, HttpResponse.BodyHandlers.ofLines()).thenAccept(resp ->
        resp.body().filter(l -> l.startsWith("data: ")).forEach(l -> events.add(l.substring(6))));
  }
}
