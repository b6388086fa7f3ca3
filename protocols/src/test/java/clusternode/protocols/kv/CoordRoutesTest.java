package clusternode.protocols.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import clusternode.protocols.kv.core.KvCommand;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every coordination route and its bad inputs, over HTTP (DESIGN.md's contract). */
class CoordRoutesTest {
  private static final Duration WITHIN = Duration.ofSeconds(10);
  private static ActorTestKit kit;
  private CoordHttp http;

  @BeforeAll
  static void startKit() {
    kit = ActorTestKit.create("coord-routes");
  }

  @AfterAll
  static void stopKit() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void start() throws Exception {
    http = new CoordHttp(kit, true);
  }

  @AfterEach
  void stop() {
    http.close();
  }

  private CoordHttp.Reply ok(String method, String path, String body) {
    CoordHttp.Reply r = http.send(method, path, body);
    assertEquals(200, r.status(), () -> method + " " + path + " -> " + r.text());
    return r;
  }

  private void assertRefused(int status, String method, String path, String body) {
    long before = http.store.lastAppliedIndex();
    long revision = http.store.revision();
    CoordHttp.Reply r = http.send(method, path, body);
    assertEquals(status, r.status(), () -> method + " " + path + " " + body + " -> " + r.text());
    assertNotNull(r.json(), "errors are JSON");
    assertTrue(r.json().path("error").isTextual(), r.text());
    assertEquals(revision, http.store.revision(), "a refused request changes nothing");
    assertTrue(http.store.lastAppliedIndex() - before <= 1, "at most one refused command reached the log");
  }

  @Test
  void rangeReadsByPrefixWithLimitAndOlderRevisions() {
    ok("PUT", "/kv/cfg%2Fa", "1");
    ok("PUT", "/kv/cfg%2Fb", "2");
    ok("PUT", "/kv/cfg%2Fa", "3");
    ok("PUT", "/kv/other", "x");
    JsonNode r = ok("GET", "/kv?prefix=cfg/&limit=1", null).json();
    assertEquals(4, r.get("revision").asLong());
    assertEquals(1, r.get("kvs").size());
    assertTrue(r.get("more").asBoolean());
    JsonNode a = r.get("kvs").get(0);
    assertEquals("cfg/a", a.get("key").asText());
    assertEquals("3", a.get("value").asText());
    assertEquals(1, a.get("createRevision").asLong());
    assertEquals(3, a.get("modRevision").asLong());
    assertEquals(2, a.get("version").asLong());
    JsonNode old = ok("GET", "/kv?prefix=cfg/&revision=2", null).json();
    assertEquals("1", old.get("kvs").get(0).get("value").asText());
    assertEquals(2, old.get("kvs").size());
    assertEquals(List.of("cfg/b", "other"), CoordStoreTest.keys(ok("GET", "/kv?from=cfg/b&to=p", null).json()));
    assertEquals(3, ok("GET", "/kv?prefix=&consistency=local", null).json().get("kvs").size());
    assertRefused(400, "GET", "/kv", null);
    assertRefused(400, "GET", "/kv?prefix=a&limit=abc", null);
    assertRefused(400, "GET", "/kv?prefix=a&limit=-1", null);
    assertRefused(400, "GET", "/kv?prefix=a&limit=100000", null);
    assertRefused(400, "GET", "/kv?prefix=a&revision=99", null);
    assertRefused(400, "GET", "/kv?prefix=a&consistency=sometimes", null);
    assertRefused(400, "GET", "/kv?from=b&to=a", null);
  }

  @Test
  void aCompactedRevisionIs410() {
    for (int i = 0; i < 60; i++) {
      ok("PUT", "/kv/k" + (i % 5), "v" + i); // retention is 50 revisions here
    }
    assertTrue(http.store.compacted() >= 10);
    assertRefused(410, "GET", "/kv?prefix=k&revision=5", null);
    assertEquals(5, ok("GET", "/kv?prefix=k&revision=" + http.store.compacted(), null).json().get("kvs").size());
    assertRefused(410, "GET", "/watch?prefix=k&fromRevision=3", null);
  }

  @Test
  void txnPicksABranchAndAppliesItAtomically() {
    ok("PUT", "/kv/x", "1");
    JsonNode won = ok("POST", "/kv/txn", """
        {"if":[{"key":"x","target":"value","op":"=","value":"1"},{"key":"x","target":"version","op":">","value":0}],
         "then":[{"put":{"key":"x","value":"2"}},{"put":{"key":"y","value":"3"}},{"get":{"key":"x"}}],
         "else":[{"delete":{"key":"x"}}]}""").json();
    assertTrue(won.get("succeeded").asBoolean());
    assertEquals(2, won.get("revision").asLong());
    assertEquals("2", won.get("results").get(2).get("kv").get("value").asText());
    JsonNode lost = ok("POST", "/kv/txn", """
        {"if":[{"key":"x","target":"modRevision","op":"=","value":1}],"then":[{"delete":{"key":"x"}}],
         "else":[{"get":{"key":"y"}}]}""").json();
    assertFalse(lost.get("succeeded").asBoolean());
    assertEquals("3", lost.get("results").get(0).get("kv").get("value").asText());
    assertEquals("2", http.send("GET", "/kv/x", null).text());
    assertRefused(400, "POST", "/kv/txn", "{");
    assertRefused(400, "POST", "/kv/txn", "[]");
    assertRefused(400, "POST", "/kv/txn", "{\"if\":[],\"then\":[],\"type\":\"put\"}");
    assertRefused(400, "POST", "/kv/txn", "{\"if\":[],\"then\":[],\"unknown\":1}");
    assertRefused(400, "POST", "/kv/txn", "{\"if\":[{\"key\":\"x\",\"target\":\"version\",\"op\":\"=\",\"value\":\"1\"}],\"then\":[{\"put\":{\"key\":\"z\",\"value\":\"1\"}}]}");
    assertRefused(400, "POST", "/kv/txn", "{\"then\":[{\"put\":{\"key\":\"z\",\"value\":\"1\"}},{\"put\":{\"key\":\"z\",\"value\":\"2\"}}]}");
    assertRefused(404, "POST", "/kv/txn", "{\"then\":[{\"put\":{\"key\":\"z\",\"value\":\"1\"}},{\"put\":{\"key\":\"w\",\"value\":\"2\",\"lease\":999}}]}");
    StringBuilder many = new StringBuilder("{\"if\":[");
    for (int i = 0; i < 5_000; i++) {
      many.append(i == 0 ? "" : ",").append("{\"key\":\"x\",\"target\":\"exists\",\"op\":\"=\",\"value\":true}");
    }
    assertRefused(400, "POST", "/kv/txn", many.append("]}").toString());
    assertEquals(404, http.send("GET", "/kv/z", null).status(), "no refused txn wrote anything");
  }

  @Test
  void leasesGrantKeepAliveAttachRevokeAndExpire() {
    http.tick("n1#1", 1_000);
    long id = ok("POST", "/leases", "{\"ttlMs\":2000}").json().get("id").asLong();
    assertEquals(2_000, ok("POST", "/leases/" + id + "/keepalive", null).json().get("ttlMs").asLong());
    ok("PUT", "/kv/session?lease=" + id, "alive");
    JsonNode info = ok("GET", "/leases/" + id, null).json();
    assertEquals(List.of("session"), List.of(info.get("keys").get(0).asText()));
    assertTrue(info.get("remainingMs").asLong() > 0);
    assertEquals(id, ok("GET", "/kv?prefix=session", null).json().get("kvs").get(0).get("lease").asLong());
    long other = ok("POST", "/leases", "{\"ttlMs\":500}").json().get("id").asLong();
    ok("PUT", "/kv/eph?lease=" + other, "x");
    http.tick("n1#1", 1_100); // the first tick after the grant settles it: 1_100 + 500
    http.tick("n1#1", 1_600);
    assertEquals(404, http.send("GET", "/kv/eph", null).status(), "expired with its lease");
    assertEquals(404, http.send("GET", "/leases/" + other, null).status());
    JsonNode revoked = ok("DELETE", "/leases/" + id, null).json();
    assertEquals(1, revoked.get("keys").asInt());
    assertEquals(404, http.send("GET", "/kv/session", null).status());
    assertRefused(400, "POST", "/leases", "{\"ttlMs\":\"x\"}");
    assertRefused(400, "POST", "/leases", "{\"ttlMs\":5}");
    assertRefused(400, "POST", "/leases", "{\"ttlMs\":1000,\"extra\":1}");
    assertRefused(400, "POST", "/leases", "not json");
    assertRefused(404, "POST", "/leases/424242/keepalive", null);
    assertRefused(404, "DELETE", "/leases/424242", null);
    assertRefused(404, "PUT", "/kv/k?lease=424242", "v");
    assertRefused(400, "PUT", "/kv/k?lease=abc", "v");
    assertRefused(400, "PUT", "/kv/_coord%2Flocks%2Fx%2F1", "forged");
    assertRefused(400, "DELETE", "/kv/_coord%2Flocks%2Fx%2F1", null);
  }

  @Test
  void watchStreamsEveryChangeInOrderWithCausesAndProgress() throws Exception {
    http.tick("n1#1", 0);
    ok("PUT", "/kv/cfg%2Fa", "1");
    try (CoordHttp.Stream watch = http.stream("/watch?prefix=cfg/&fromRevision=1")) {
      JsonNode first = watch.nextChange(WITHIN);
      assertEquals("put", first.get("type").asText());
      assertEquals("cfg/a", first.get("key").asText());
      assertEquals("1", first.get("value").asText());
      assertEquals(2, first.get("modRevision").asLong());
      long lease = ok("POST", "/leases", "{\"ttlMs\":300}").json().get("id").asLong();
      ok("PUT", "/kv/other", "not watched");
      ok("PUT", "/kv/cfg%2Fb?lease=" + lease, "2");
      JsonNode second = watch.nextChange(WITHIN);
      assertEquals("cfg/b", second.get("key").asText());
      assertEquals(lease, second.get("lease").asLong());
      JsonNode progress = watch.nextData(WITHIN);
      assertEquals("progress", progress.get("type").asText(), "an idle watcher hears how far the store is");
      http.tick("n1#1", 10_000); // settles the lease: 10_300
      http.tick("n1#1", 10_300);
      JsonNode expired = watch.nextChange(WITHIN);
      assertEquals("delete", expired.get("type").asText());
      assertEquals("lease-expired:" + lease, expired.get("cause").asText());
      assertTrue(expired.get("modRevision").asLong() > second.get("modRevision").asLong());
    }
    try (CoordHttp.Stream resumed = http.stream("/watch?prefix=cfg/&fromRevision=3")) {
      assertEquals("cfg/b", resumed.nextChange(WITHIN).get("key").asText(), "resumes from a revision");
    }
    assertRefused(400, "GET", "/watch?fromRevision=abc", null);
    assertRefused(400, "GET", "/watch?fromRevision=0", null);
  }

  @Test
  void aWatcherThatFallsBehindTheHistoryIsCancelledWithAReason() throws Exception {
    // A client that reads nothing: once the socket buffers are full the stream stops pulling from
    // the history, the history (50 revisions here) moves past it, and on its next pull it is cancelled.
    java.net.http.HttpResponse<java.io.InputStream> slow = CoordHttp.CLIENT.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(http.base + "/watch?prefix=k&fromRevision=1")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, slow.statusCode());
    String big = "x".repeat(64 * 1024);
    for (int i = 0; i < 300; i++) {
      ok("PUT", "/kv/k", big);
    }
    try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(slow.body(),
        java.nio.charset.StandardCharsets.UTF_8))) {
      String cancelled = null;
      long deadline = System.nanoTime() + WITHIN.toNanos();
      for (String line = lines.readLine(); line != null && System.nanoTime() < deadline; line = lines.readLine()) {
        if (line.startsWith("event: cancelled")) {
          cancelled = lines.readLine();
          break;
        }
      }
      assertNotNull(cancelled, "the stream says why it ends");
      assertTrue(cancelled.contains("fell behind"), cancelled);
      String rest = lines.readLine();
      while (rest != null && rest.isEmpty()) {
        rest = lines.readLine();
      }
      assertEquals(null, rest, "and then it ends");
    }
  }

  @Test
  void locksQueueFairlyAnswerTokensTimeOutAndFenceStaleWrites() throws Exception {
    http.tick("n1#1", 0);
    long a = ok("POST", "/leases", "{\"ttlMs\":5000}").json().get("id").asLong();
    long b = ok("POST", "/leases", "{\"ttlMs\":5000}").json().get("id").asLong();
    JsonNode held = ok("POST", "/locks/db", "{\"lease\":" + a + "}").json();
    long tokenA = held.get("fencingToken").asLong();
    assertEquals("db", held.get("name").asText());
    CoordHttp.Reply timedOut = http.send("POST", "/locks/db", "{\"lease\":" + b + ",\"waitMs\":200}");
    assertEquals(408, timedOut.status(), timedOut.text());
    JsonNode holder = ok("GET", "/locks/db", null).json();
    assertTrue(holder.get("held").asBoolean());
    assertEquals(tokenA, holder.get("fencingToken").asLong());
    assertEquals(a, holder.get("lease").asLong());
    assertEquals(200, http.send("PUT", "/kv/resource", "from-a", Map.of("X-Fencing-Lock", "db",
        "X-Fencing-Token", Long.toString(tokenA))).status());
    CompletableFuture<CoordHttp.Reply> waiting = CompletableFuture.supplyAsync(
        () -> http.send("POST", "/locks/db", "{\"lease\":" + b + ",\"waitMs\":10000}"));
    awaitQueueLength(2);
    ok("DELETE", "/locks/db?fencingToken=" + tokenA, null);
    CoordHttp.Reply granted = waiting.get(15, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(200, granted.status(), granted.text());
    long tokenB = granted.json().get("fencingToken").asLong();
    assertTrue(tokenB > tokenA, "tokens only grow");
    CoordHttp.Reply stale = http.send("PUT", "/kv/resource", "late-a", Map.of("X-Fencing-Lock", "db",
        "X-Fencing-Token", Long.toString(tokenA)));
    assertEquals(409, stale.status(), stale.text());
    assertTrue(stale.json().get("error").asText().contains("newer fencing token " + tokenB), stale.text());
    assertEquals("from-a", http.send("GET", "/kv/resource", null).text());
    assertEquals(200, http.send("PUT", "/kv/resource", "from-b", Map.of("X-Fencing-Lock", "db",
        "X-Fencing-Token", Long.toString(tokenB))).status());
    assertRefused(400, "POST", "/locks/db", "{}");
    assertRefused(400, "POST", "/locks/db", "{\"lease\":\"x\"}");
    assertRefused(400, "POST", "/locks/db", "{\"lease\":" + b + ",\"waitMs\":99999999}");
    assertRefused(400, "POST", "/locks/db", "{\"lease\":" + b + ",\"colour\":1}");
    assertRefused(404, "POST", "/locks/db", "{\"lease\":424242}");
    assertRefused(400, "POST", "/locks/a%2Fb", "{\"lease\":" + b + "}");
    assertRefused(400, "DELETE", "/locks/db", null);
    assertRefused(404, "DELETE", "/locks/db?fencingToken=" + tokenA, null);
    for (Map<String, String> bad : List.of(Map.of("X-Fencing-Lock", "db"), Map.of("X-Fencing-Token", "5"),
        Map.of("X-Fencing-Lock", "db", "X-Fencing-Token", "abc"), Map.of("X-Fencing-Lock", "a/b", "X-Fencing-Token", "5"))) {
      long revision = http.store.revision();
      assertEquals(400, http.send("PUT", "/kv/resource", "bad", bad).status(), bad.toString());
      assertEquals(revision, http.store.revision());
    }
    assertEquals("from-b", http.send("GET", "/kv/resource", null).text());
  }

  @Test
  void electionsCampaignObserveAndResign() throws Exception {
    http.tick("n1#1", 0);
    long a = ok("POST", "/leases", "{\"ttlMs\":5000}").json().get("id").asLong();
    long b = ok("POST", "/leases", "{\"ttlMs\":5000}").json().get("id").asLong();
    assertEquals(404, http.send("GET", "/elections/svc", null).status(), "no leader yet");
    try (CoordHttp.Stream observe = http.stream("/elections/svc/observe")) {
      assertTrue(observe.nextData(WITHIN).get("value").isNull(), "first: nobody leads");
      long revA = ok("POST", "/elections/svc/campaign", "{\"lease\":" + a + ",\"value\":\"http://a\"}").json()
          .get("revision").asLong();
      assertEquals("http://a", observe.nextData(WITHIN).get("value").asText());
      JsonNode leader = ok("GET", "/elections/svc", null).json();
      assertEquals("http://a", leader.get("value").asText());
      assertEquals(revA, leader.get("revision").asLong());
      assertEquals(408, http.send("POST", "/elections/svc/campaign", "{\"lease\":" + b + ",\"value\":\"http://b\",\"waitMs\":100}").status());
      CompletableFuture<CoordHttp.Reply> campaign = CompletableFuture.supplyAsync(() ->
          http.send("POST", "/elections/svc/campaign", "{\"lease\":" + b + ",\"value\":\"http://b\",\"waitMs\":10000}"));
      long deadline = System.nanoTime() + WITHIN.toNanos();
      while (ok("GET", "/kv?prefix=_coord/elections/svc/", null).json().get("kvs").size() < 2) {
        assertTrue(System.nanoTime() < deadline, "b never joined the queue");
        Thread.sleep(10);
      }
      ok("POST", "/elections/svc/resign", "{\"lease\":" + a + "}");
      CoordHttp.Reply won = campaign.get(15, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(200, won.status(), won.text());
      assertTrue(won.json().get("revision").asLong() > revA);
      assertEquals("http://b", observe.nextData(WITHIN).get("value").asText());
    }
    assertRefused(400, "POST", "/elections/svc/campaign", "{\"lease\":" + b + "}");
    assertRefused(400, "POST", "/elections/svc/resign", "{}");
    assertRefused(404, "POST", "/elections/svc/resign", "{\"lease\":" + a + "}");
  }

  @Test
  void underPbftOrderingRangesAndTxnWorkAndTheRestAnswers501() throws Exception {
    try (CoordHttp pbft = new CoordHttp(kit, false)) {
      assertEquals(200, pbft.send("PUT", "/kv/a", "1").status());
      assertEquals(1, pbft.send("GET", "/kv?prefix=a", null).json().get("kvs").size());
      assertTrue(pbft.send("POST", "/kv/txn", "{\"if\":[{\"key\":\"a\",\"target\":\"exists\",\"op\":\"=\",\"value\":true}],"
          + "\"then\":[{\"put\":{\"key\":\"b\",\"value\":\"2\"}}]}").json().get("succeeded").asBoolean());
      for (String[] r : List.of(new String[] {"POST", "/leases", "{\"ttlMs\":1000}"}, new String[] {"GET", "/leases/1", null},
          new String[] {"GET", "/watch?prefix=a", null}, new String[] {"POST", "/locks/x", "{\"lease\":1}"},
          new String[] {"GET", "/locks/x", null}, new String[] {"POST", "/elections/e/campaign", "{\"lease\":1,\"value\":\"v\"}"},
          new String[] {"GET", "/elections/e/observe", null}, new String[] {"PUT", "/kv/k?lease=1", "v"})) {
        CoordHttp.Reply reply = pbft.send(r[0], r[1], r[2]);
        assertEquals(501, reply.status(), r[0] + " " + r[1] + " -> " + reply.text());
        assertTrue(reply.json().get("error").asText().contains("PBFT"), reply.text());
      }
    }
  }

  private void awaitQueueLength(int n) throws InterruptedException {
    long deadline = System.nanoTime() + WITHIN.toNanos();
    while (ok("GET", "/kv?prefix=_coord/locks/db/", null).json().get("kvs").size() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the queue of db never had " + n + " members");
      }
      Thread.sleep(10);
    }
  }
}
