package clusternode.protocols.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.server.Route;
import clusternode.protocols.ledger.core.LedgerCodec;
import clusternode.protocols.spi.ProtocolContext;
import clusternode.protocols.spi.ProtocolInstance;
import clusternode.protocols.statemachine.Replicated;
import clusternode.protocols.statemachine.Unavailable;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ledger's HTTP routes on a real Akka HTTP server on loopback, over a fake ordering protocol
 * that applies commands to a local {@link LedgerStateMachine} at once.
 */
class LedgerRoutesTest {
  private static ActorTestKit testKit;
  private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final AtomicLong clock = new AtomicLong(1_767_225_600_000L); // 2026-01-01T00:00:00Z

  private InMemoryOrdering ordering;
  private String base;

  /** Orders commands by applying them to a local state machine, one at a time. */
  static final class InMemoryOrdering implements Replicated {
    final LedgerStateMachine machine = new LedgerStateMachine();
    final List<ReadConsistency> reads = new ArrayList<>();
    long index;
    int commands;
    int ticks;

    synchronized int ticks() {
      return ticks;
    }

    synchronized long localReads() {
      return reads.stream().filter(r -> r == ReadConsistency.LOCAL).count();
    }

    @Override
    public synchronized CompletionStage<byte[]> command(String name, byte[] command) {
      assertEquals("ledger", name);
      if (new String(command, java.nio.charset.StandardCharsets.UTF_8).contains("\"tick\"")) {
        ticks++;
      } else {
        commands++;
      }
      index += 2; // other machines' commands take indexes too
      return CompletableFuture.completedFuture(machine.apply(index, command));
    }

    @Override
    public synchronized CompletionStage<byte[]> query(String name, byte[] query, ReadConsistency consistency) {
      assertEquals("ledger", name);
      reads.add(consistency);
      return CompletableFuture.completedFuture(machine.query(query));
    }
  }

  @BeforeAll
  static void startKit() {
    testKit = ActorTestKit.create("ledger-routes");
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void start() throws Exception {
    ordering = new InMemoryOrdering();
    base = bind(new LedgerRoutes(ordering, clock::get, 64).route());
  }

  private static String bind(Route route) throws Exception {
    ServerBinding binding = Http.get(testKit.system()).newServerAt("127.0.0.1", 0).bind(route)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + binding.localAddress().getPort();
  }

  record Reply(int status, JsonNode body) {}

  private Reply send(String method, String path, String body) throws Exception {
    return send(base, method, path, body);
  }

  private static Reply send(String base, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
        : b.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body().isEmpty() ? null : LedgerCodec.MAPPER.readTree(r.body()));
  }

  private Reply post(String path, String body) throws Exception {
    return send("POST", path, body);
  }

  private Reply get(String path) throws Exception {
    return send("GET", path, null);
  }

  private static void assertError(int status, String reason, Reply r) {
    assertEquals(status, r.status(), () -> String.valueOf(r.body()));
    assertEquals(status, r.body().path("status").asInt(), () -> String.valueOf(r.body()));
    assertTrue(r.body().path("error").isTextual(), () -> String.valueOf(r.body()));
    if (reason != null) {
      assertEquals(reason, r.body().path("reason").asText(), () -> String.valueOf(r.body()));
    }
  }

  private void setUpAccounts() throws Exception {
    assertEquals(201, post("/ledger/accounts", "{\"id\":\"alice\"}").status());
    assertEquals(201, post("/ledger/accounts", "{\"id\":\"bob\",\"limit\":50}").status());
    assertEquals(201, post("/ledger/deposits", "{\"id\":\"d1\",\"account\":\"alice\",\"amount\":1000}").status());
  }

  @Test
  void commandsAnswer201ThenRepeatsAnswer200AndReadsShowTheBalance() throws Exception {
    Reply opened = post("/ledger/accounts", "{\"id\":\"alice\"}");
    assertEquals(201, opened.status());
    assertTrue(opened.body().path("ok").asBoolean());
    assertEquals("open", opened.body().path("type").asText());
    Reply again = post("/ledger/accounts", "{\"id\":\"alice\"}");
    assertEquals(200, again.status());
    assertTrue(again.body().path("duplicate").asBoolean());
    assertEquals(opened.body().path("index"), again.body().path("index"));
    assertEquals(201, post("/ledger/accounts", "{\"id\":\"bob\",\"limit\":50}").status());
    assertEquals(201, post("/ledger/deposits", "{\"id\":\"d1\",\"account\":\"alice\",\"amount\":1000}").status());
    long afterDeposit = ordering.index;
    clock.addAndGet(60_000);
    assertEquals(201, post("/ledger/withdrawals", "{\"id\":\"w1\",\"account\":\"alice\",\"amount\":100}").status());
    assertEquals(201, post("/ledger/transfers", "{\"id\":\"t1\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":300}").status());

    Reply alice = get("/ledger/accounts/alice");
    assertEquals(200, alice.status());
    assertEquals(600, alice.body().path("balance").asLong());
    assertEquals(0, alice.body().path("pending").asLong());
    assertEquals(600, alice.body().path("available").asLong());
    assertEquals(0, alice.body().path("limit").asLong());
    assertEquals(ordering.index, alice.body().path("asOfIndex").asLong());
    assertEquals("alice", alice.body().path("id").asText());
    assertEquals(50, get("/ledger/accounts/bob").body().path("limit").asLong());

    Reply then = get("/ledger/accounts/alice?asOf=" + afterDeposit);
    assertEquals(1000, then.body().path("balance").asLong());
    assertEquals(afterDeposit, then.body().path("asOfIndex").asLong());
    String beforeWithdrawal = java.time.Instant.ofEpochMilli(clock.get() - 1).toString();
    assertEquals(1000, get("/ledger/accounts/alice?asOf=" + beforeWithdrawal).body().path("balance").asLong());
    assertEquals(1000, get("/ledger/accounts/alice?asOf=2026-01-01T00:00:30%2B00:00").body().path("balance").asLong());
    assertEquals(Replicated.ReadConsistency.LINEARIZABLE, ordering.reads.get(ordering.reads.size() - 1));
    assertEquals(200, get("/ledger/accounts/alice?consistency=local").status());
    assertEquals(Replicated.ReadConsistency.LOCAL, ordering.reads.get(ordering.reads.size() - 1));

    Reply history = get("/ledger/accounts/alice/history?limit=2");
    assertEquals(200, history.status());
    assertEquals(2, history.body().path("events").size());
    assertEquals("AccountOpened", history.body().path("events").get(0).path("event").path("type").asText());
    long next = history.body().path("next").asLong();
    Reply rest = get("/ledger/accounts/alice/history?after=" + next);
    assertEquals(List.of("Withdrawn", "TransferPosted"), List.of(
        rest.body().path("events").get(0).path("event").path("type").asText(),
        rest.body().path("events").get(1).path("event").path("type").asText()));
    assertTrue(rest.body().path("next").isMissingNode());

    assertEquals(List.of("AccountOpened", "Deposited"), types(get("/ledger/accounts/alice/history?asOf=" + afterDeposit)));
    assertEquals(List.of("AccountOpened", "Deposited"),
        types(get("/ledger/accounts/alice/history?asOf=" + beforeWithdrawal + "&consistency=local")));
    assertEquals(Replicated.ReadConsistency.LOCAL, ordering.reads.get(ordering.reads.size() - 1));
    Reply paged = get("/ledger/accounts/alice/history?asOf=" + afterDeposit + "&limit=1");
    assertEquals(List.of("AccountOpened"), types(paged));
    assertEquals(List.of("Deposited"), types(get("/ledger/accounts/alice/history?asOf=" + afterDeposit + "&after="
        + paged.body().path("next").asLong())));
    assertEquals(4, types(get("/ledger/accounts/alice/history?asOf=2030-01-01T00:00:00Z")).size());
    assertError(404, "unknown_account", get("/ledger/accounts/alice/history?asOf=1"));

    Reply audit = get("/ledger/audit");
    assertEquals(200, audit.status());
    assertTrue(audit.body().path("ok").asBoolean());
    assertEquals(900, audit.body().path("totalBalance").asLong());
    assertEquals(1000, audit.body().path("deposits").asLong());
    assertEquals(100, audit.body().path("withdrawals").asLong());
    assertEquals(2, audit.body().path("accounts").asInt());
    assertEquals(64, audit.body().path("digest").asText().length());
  }

  @Test
  void businessRejectionsAre409WithTheirReasonAndChangeNothing() throws Exception {
    setUpAccounts();
    String money = money();
    assertError(409, "insufficient_funds", post("/ledger/withdrawals", "{\"id\":\"w1\",\"account\":\"alice\",\"amount\":1001}"));
    assertError(409, "exceeds_limit", post("/ledger/transfers", "{\"id\":\"t1\",\"from\":\"bob\",\"to\":\"alice\",\"amount\":51}"));
    assertError(409, "unknown_account", post("/ledger/deposits", "{\"id\":\"d2\",\"account\":\"carol\",\"amount\":5}"));
    assertError(409, "overflow", post("/ledger/deposits", "{\"id\":\"d3\",\"account\":\"alice\",\"amount\":" + Long.MAX_VALUE + "}"));
    assertError(404, "unknown_transfer", post("/ledger/transfers/nope/post", null));
    Reply rejected = post("/ledger/withdrawals", "{\"id\":\"w1\",\"account\":\"alice\",\"amount\":1001}");
    assertError(409, "insufficient_funds", rejected);
    assertTrue(rejected.body().path("result").path("duplicate").asBoolean(), "the first result, again");
    assertEquals(money, money(), "rejections change no balance");
    Reply reused = post("/ledger/deposits", "{\"id\":\"d1\",\"account\":\"alice\",\"amount\":999}");
    assertError(409, "id_reused_with_different_body", reused);
    assertTrue(reused.body().path("result").path("ok").asBoolean());
    assertError(404, "unknown_account", get("/ledger/accounts/carol"));
    assertError(404, "unknown_account", get("/ledger/accounts/carol/history"));
    assertError(404, "unknown_account", get("/ledger/accounts/alice?asOf=1"));
  }

  @Test
  void pendingTransfersPostVoidAndExpire() throws Exception {
    setUpAccounts();
    assertEquals(201, post("/ledger/transfers",
        "{\"id\":\"p1\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":400,\"pending\":true}").status());
    JsonNode alice = get("/ledger/accounts/alice").body();
    assertEquals(1000, alice.path("balance").asLong());
    assertEquals(400, alice.path("pending").asLong());
    assertEquals(600, alice.path("available").asLong());
    assertEquals(201, post("/ledger/transfers/p1/post", "{\"amount\":150}").status());
    assertEquals(850, get("/ledger/accounts/alice").body().path("available").asLong());
    assertError(409, "already_posted", post("/ledger/transfers/p1/void", ""));
    assertEquals(201, post("/ledger/transfers",
        "{\"id\":\"p2\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":100,\"pending\":true}").status());
    assertEquals(201, post("/ledger/transfers/p2/void", "{}").status());
    assertEquals(200, post("/ledger/transfers/p2/void", null).status());
    assertError(409, "already_voided", post("/ledger/transfers/p2/post", null));
    assertError(409, "not_pending", post("/ledger/transfers/d1/post", null));
    assertEquals(201, post("/ledger/transfers",
        "{\"id\":\"p3\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":100,\"pending\":true,\"timeoutMs\":1000}").status());
    clock.addAndGet(1_000);
    assertError(409, "pending_expired", post("/ledger/transfers/p3/post", null));
    assertEquals(850, get("/ledger/accounts/alice").body().path("available").asLong());
    assertTrue(get("/ledger/audit").body().path("ok").asBoolean());
  }

  @Test
  void linkedTransfersAreAllOrNothing() throws Exception {
    setUpAccounts();
    assertEquals(201, post("/ledger/accounts", "{\"id\":\"carol\"}").status());
    String money = money();
    Reply failed = post("/ledger/transfers", "{\"id\":\"t1\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":600,"
        + "\"linked\":[{\"id\":\"t2\",\"from\":\"alice\",\"to\":\"carol\",\"amount\":600}]}");
    assertError(409, "insufficient_funds", failed);
    assertEquals("linked_event_failed", failed.body().path("result").path("items").get(0).path("reason").asText());
    assertEquals(money, money());
    Reply done = post("/ledger/transfers/batch", "{\"id\":\"b1\",\"items\":["
        + "{\"type\":\"transfer\",\"id\":\"t3\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":500},"
        + "{\"type\":\"transfer\",\"id\":\"t4\",\"from\":\"bob\",\"to\":\"carol\",\"amount\":500},"
        + "{\"type\":\"withdraw\",\"id\":\"w9\",\"account\":\"carol\",\"amount\":100}]}");
    assertEquals(201, done.status(), () -> done.body().toString());
    assertEquals(3, done.body().path("items").size());
    assertEquals(400, get("/ledger/accounts/carol").body().path("balance").asLong());
    assertEquals(200, post("/ledger/transfers/batch", "{\"id\":\"b1\",\"items\":["
        + "{\"type\":\"transfer\",\"id\":\"t3\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":500},"
        + "{\"type\":\"transfer\",\"id\":\"t4\",\"from\":\"bob\",\"to\":\"carol\",\"amount\":500},"
        + "{\"type\":\"withdraw\",\"id\":\"w9\",\"account\":\"carol\",\"amount\":100}]}").status());
    assertEquals(400, get("/ledger/accounts/carol").body().path("balance").asLong());
  }

  @Test
  void malformedInputIs400AndChangesNothing() throws Exception {
    setUpAccounts();
    String digest = digest();
    int commands = ordering.commands;
    String[][] bad = {
        {"/ledger/accounts", "{"},
        {"/ledger/accounts", "[]"},
        {"/ledger/accounts", "null"},
        {"/ledger/accounts", ""},
        {"/ledger/accounts", "{\"id\":\"x\",\"color\":\"red\"}"},
        {"/ledger/accounts", "{\"id\":\"" + "x".repeat(129) + "\"}"},
        {"/ledger/accounts", "{\"id\":\"a b\"}"},
        {"/ledger/accounts", "{\"id\":\"x\",\"limit\":-1}"},
        {"/ledger/accounts", "{\"id\":7}"},
        {"/ledger/accounts", "{\"id\":\"x\"} {}"},
        {"/ledger/deposits", "{\"id\":\"d9\",\"account\":\"alice\"}"},
        {"/ledger/deposits", "{\"id\":\"d9\",\"account\":\"alice\",\"amount\":0}"},
        {"/ledger/deposits", "{\"id\":\"d9\",\"account\":\"alice\",\"amount\":-5}"},
        {"/ledger/deposits", "{\"id\":\"d9\",\"account\":\"alice\",\"amount\":1.5}"},
        {"/ledger/deposits", "{\"id\":\"d9\",\"account\":\"alice\",\"amount\":\"7\"}"},
        {"/ledger/deposits", "{\"id\":\"d9\",\"account\":\"alice\",\"amount\":1e30}"},
        {"/ledger/deposits", "{\"id\":\"d9\",\"account\":\"alice\",\"amount\":99999999999999999999}"},
        {"/ledger/deposits", "{\"id\":\"d9\",\"account\":\"alice/x\",\"amount\":5}"},
        {"/ledger/withdrawals", "{\"id\":\"w9\",\"amount\":5}"},
        {"/ledger/transfers", "{\"id\":\"t9\",\"from\":\"alice\",\"to\":\"alice\",\"amount\":5}"},
        {"/ledger/transfers", "{\"id\":\"t9\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":5,\"timeoutMs\":10}"},
        {"/ledger/transfers", "{\"id\":\"t9\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":5,\"pending\":\"yes\"}"},
        {"/ledger/transfers", "{\"id\":\"t9\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":5,\"linked\":[]}"},
        {"/ledger/transfers", "{\"id\":\"t9\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":5,\"linked\":[{\"id\":\"t8\","
            + "\"from\":\"alice\",\"to\":\"bob\",\"amount\":5,\"linked\":[]}]}"},
        {"/ledger/transfers/batch", "{\"id\":\"b9\",\"items\":[]}"},
        {"/ledger/transfers/batch", "{\"id\":\"b9\",\"items\":[{\"type\":\"tick\",\"timeMs\":1}]}"},
        {"/ledger/transfers/batch", "{\"id\":\"b9\",\"items\":[{\"type\":\"batch\",\"id\":\"x\",\"items\":[]}]}"},
        {"/ledger/transfers/batch", "{\"id\":\"b9\",\"items\":[{\"type\":\"nope\"}]}"},
        {"/ledger/transfers/batch", "{\"id\":\"b9\",\"items\":[{\"type\":\"deposit\",\"id\":\"d9\",\"account\":\"alice\",\"amount\":0}]}"},
        {"/ledger/transfers/d1/post", "{\"amount\":0}"},
        {"/ledger/transfers/d1/post", "{\"amount\":-1}"},
        {"/ledger/transfers/d1/post", "{\"amt\":1}"},
        {"/ledger/transfers/d1/void", "{\"amount\":1}"},
    };
    for (String[] c : bad) {
      Reply r = post(c[0], c[1]);
      assertError(400, null, r);
      assertFalse(r.body().path("error").asText().isBlank());
    }
    assertError(400, null, get("/ledger/accounts/alice?asOf=yesterday"));
    assertError(400, null, get("/ledger/accounts/alice?asOf=99999999999999999999"));
    assertError(400, null, get("/ledger/accounts/alice?consistency=eventual"));
    assertError(400, null, get("/ledger/accounts/alice/history?limit=0"));
    assertError(400, null, get("/ledger/accounts/alice/history?limit=1001"));
    assertError(400, null, get("/ledger/accounts/alice/history?after=-1"));
    assertError(400, null, get("/ledger/accounts/alice/history?asOf=yesterday"));
    assertError(400, null, get("/ledger/accounts/alice/history?asOf=99999999999999999999"));
    assertError(400, null, get("/ledger/accounts/alice/history?asOf="));
    assertError(400, null, get("/ledger/accounts/" + "x".repeat(129)));
    assertEquals(commands, ordering.commands, "nothing malformed reaches the ordering protocol");
    assertEquals(digest, digest());
  }

  @Test
  void noQuorumIs503WithAJsonError() throws Exception {
    Replicated down = new Replicated() {
      @Override
      public CompletionStage<byte[]> command(String machine, byte[] command) {
        return CompletableFuture.failedFuture(new Unavailable("no quorum: 1 of 3 reachable"));
      }

      @Override
      public CompletionStage<byte[]> query(String machine, byte[] query, ReadConsistency consistency) {
        return CompletableFuture.supplyAsync(() -> {
          throw new Unavailable("no leader");
        });
      }
    };
    String url = bind(new LedgerRoutes(down, clock::get, 64).route());
    Reply command = send(url, "POST", "/ledger/deposits", "{\"id\":\"d1\",\"account\":\"alice\",\"amount\":5}");
    assertError(503, null, command);
    assertEquals("no quorum: 1 of 3 reachable", command.body().path("error").asText());
    assertError(503, null, send(url, "GET", "/ledger/accounts/alice", null));
    assertError(503, null, send(url, "GET", "/ledger/audit", null));
  }

  @Test
  void requestsInFlightAreBounded() throws Exception {
    List<CompletableFuture<byte[]>> waiting = new ArrayList<>();
    Replicated slow = new Replicated() {
      @Override
      public synchronized CompletionStage<byte[]> command(String machine, byte[] command) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        waiting.add(f);
        return f;
      }

      @Override
      public CompletionStage<byte[]> query(String machine, byte[] query, ReadConsistency consistency) {
        return command(machine, query);
      }
    };
    String url = bind(new LedgerRoutes(slow, clock::get, 2).route());
    List<CompletableFuture<HttpResponse<String>>> hanging = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      hanging.add(client.sendAsync(HttpRequest.newBuilder(URI.create(url + "/ledger/audit")).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      synchronized (slow) {
        if (waiting.size() == 2 || System.nanoTime() > deadline) {
          break;
        }
      }
      Thread.sleep(10);
    }
    assertError(429, null, send(url, "GET", "/ledger/audit", null));
    synchronized (slow) {
      waiting.forEach(f -> f.completeExceptionally(new Unavailable("timed out")));
    }
    for (CompletableFuture<HttpResponse<String>> h : hanging) {
      assertEquals(503, h.get(10, TimeUnit.SECONDS).statusCode());
    }
  }

  /**
   * The provider's ticks: none while no pending transfer with a timeout is due (an idle ledger's
   * log does not grow), one once a deadline has passed, which expires the reservation without any
   * other command.
   */
  @Test
  void theProviderStartsTheRoutesAndTicksOnlyWhenAPendingTimeoutIsDue() throws Exception {
    var config = ConfigFactory.parseString("cluster-node.ledger { ordering = raft, tick-interval = 50ms }");
    LedgerProvider provider = new LedgerProvider();
    assertEquals(java.util.Set.of("raft"), provider.startsAfter(config));
    Map<String, Object> services = new HashMap<>();
    services.put("raft", ordering);
    AtomicReference<ProtocolInstance> started = new AtomicReference<>();
    testKit.spawn(Behaviors.setup(ctx -> {
      started.set(provider.start(new ProtocolContext(ctx, config, null, null, Path.of("target"), services)));
      return Behaviors.empty();
    }));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (started.get() == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    String url = bind(started.get().routes().orElseThrow());
    assertEquals(201, send(url, "POST", "/ledger/accounts", "{\"id\":\"zed\"}").status());
    assertEquals(201, send(url, "POST", "/ledger/accounts", "{\"id\":\"yan\"}").status());
    assertEquals(201, send(url, "POST", "/ledger/deposits", "{\"id\":\"d1\",\"account\":\"zed\",\"amount\":100}").status());
    assertEquals(201, send(url, "POST", "/ledger/transfers",
        "{\"id\":\"p-long\",\"from\":\"zed\",\"to\":\"yan\",\"amount\":10,\"pending\":true,\"timeoutMs\":3600000}").status());
    awaitLocalReads(ordering.localReads() + 3, deadline);
    assertEquals(0, ordering.ticks(), "no tick while no pending timeout is due");

    int commands = ordering.commands;
    assertEquals(201, send(url, "POST", "/ledger/transfers",
        "{\"id\":\"p1\",\"from\":\"zed\",\"to\":\"yan\",\"amount\":40,\"pending\":true,\"timeoutMs\":200}").status());
    while (zedPending(url) != 10 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(10, zedPending(url), "p1 expired, p-long still reserved");
    assertEquals(commands + 1, ordering.commands, "no client command after p1");
    assertEquals(1, ordering.ticks(), "one tick expired it");
    assertTrue(types(send(url, "GET", "/ledger/accounts/zed/history?consistency=local", null)).contains("PendingExpired"));
    awaitLocalReads(ordering.localReads() + 3, deadline);
    assertEquals(1, ordering.ticks(), "no tick once nothing is due");
    assertEquals("raft", ((Map<?, ?>) started.get().health().toCompletableFuture().get()).get("ordering"));
  }

  private static long zedPending(String url) throws Exception {
    return send(url, "GET", "/ledger/accounts/zed?consistency=local", null).body().path("pending").asLong();
  }

  private void awaitLocalReads(long reads, long deadline) throws InterruptedException {
    while (ordering.localReads() < reads && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(ordering.localReads() >= reads, "the provider checks the next deadline each interval");
  }

  /**
   * Every balance and total, but not what a rejection does change: the remembered id (so a retry
   * gets the same answer), the last applied index and hence the digest.
   */
  private String money() throws Exception {
    JsonNode audit = get("/ledger/audit").body();
    StringBuilder out = new StringBuilder();
    for (String f : List.of("ok", "totalBalance", "deposits", "withdrawals", "accounts", "pendingTotal", "eventCount")) {
      out.append(f).append('=').append(audit.path(f)).append(' ');
    }
    for (String id : List.of("alice", "bob", "carol")) {
      JsonNode a = get("/ledger/accounts/" + id).body();
      out.append(id).append('=').append(a.path("balance")).append('/').append(a.path("pending")).append(' ');
    }
    return out.toString();
  }

  private static List<String> types(Reply history) {
    assertEquals(200, history.status(), () -> String.valueOf(history.body()));
    List<String> types = new ArrayList<>();
    history.body().path("events").forEach(e -> types.add(e.path("event").path("type").asText()));
    return types;
  }

  private String digest() throws Exception {
    Reply audit = get("/ledger/audit");
    assertTrue(audit.body().path("ok").asBoolean(), () -> audit.body().toString());
    return audit.body().path("digest").asText();
  }
}
