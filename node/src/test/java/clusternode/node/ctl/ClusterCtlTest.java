package clusternode.node.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.Main;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code clusterctl}'s requests, through the jar's own entry point, against a stand-in node that
 * answers a few paths with fixed bodies and echoes every other request as {@code METHOD PATH BODY}.
 */
class ClusterCtlTest {
  private static final Map<String, Answer> FIXED = Map.of(
      "/health", new Answer(200, "{\"status\":\"ok\"}"),
      "/health/peers", new Answer(200, "{\"peers\":[]}"),
      "/metrics", new Answer(503, "{\"error\":\"busy\"}"),
      "/ledger/transfers/gone/void", new Answer(404, "{\"error\":\"no pending transfer gone\",\"status\":404}"),
      "/ledger/transfers/t9/post", new Answer(409, "{\"error\":\"already voided\",\"status\":409}"),
      "/ledger/accounts/x/history", new Answer(400, "{\"error\":\"asOf is a log index or an ISO-8601 time\"}"),
      "/ledger/accounts/down", new Answer(503, "no quorum"));

  private record Answer(int status, String body) {}

  private record Run(int exitCode, String out) {}

  private HttpServer server;
  private String stderr = "";
  private volatile int requests;
  @TempDir Path dir;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void readsPrintTheBodyAndExitByStatus() {
    assertEquals(new Run(0, "{\"status\":\"ok\"}"), run("health"));
    assertEquals(new Run(0, "{\"peers\":[]}"), run("peers"));
    assertEquals(new Run(1, "{\"error\":\"busy\"}"), run("metrics"));
  }

  @Test
  void argumentsAndOptionsBecomeTheRequest() {
    assertEquals(new Run(0, "PUT /kv/a%20b v1"), run("put", "a b", "v1"));
    assertEquals(new Run(0, "GET /kv/k?consistency=local"), run("get", "--local", "k"));
    assertEquals(new Run(0, "GET /kv/k"), run("get", "k"));
    assertEquals(new Run(0, "DELETE /kv/k"), run("del", "k"));
    assertEquals(new Run(0, "GET /health/consensus"), run("leader"));
    assertEquals(new Run(0, "POST /admin/raft/transfer-leader {\"target\": \"n2\"}"), run("transfer-leader", "n2"));
    assertEquals(new Run(0, "POST /admin/raft/members {\"add\": \"n4\"}"), run("add-node", "n4"));
    assertEquals(new Run(0, "DELETE /admin/raft/members/n3"), run("remove-node", "n3"));
  }

  @Test
  void ledgerCommandsSendTheirRoutesRequests() {
    assertEquals(new Run(0, "POST /ledger/accounts {\"id\":\"alice\"}"), run("ledger", "open", "alice"));
    assertEquals(new Run(0, "POST /ledger/accounts {\"id\":\"bob\",\"limit\":500}"),
        run("ledger", "open", "bob", "--limit", "500"));
    assertEquals(new Run(0, "POST /ledger/deposits {\"id\":\"d1\",\"account\":\"alice\",\"amount\":100}"),
        run("ledger", "deposit", "d1", "alice", "100"));
    assertEquals(new Run(0, "POST /ledger/withdrawals {\"id\":\"w1\",\"account\":\"alice\",\"amount\":7}"),
        run("ledger", "withdraw", "w1", "alice", "7"));
    assertEquals(new Run(0, "POST /ledger/transfers {\"id\":\"t1\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":30}"),
        run("ledger", "transfer", "t1", "alice", "bob", "30"));
    assertEquals(new Run(0, "POST /ledger/transfers {\"id\":\"t2\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":5,"
        + "\"pending\":true,\"timeoutMs\":60000}"),
        run("ledger", "transfer", "t2", "alice", "bob", "5", "--pending", "--timeout-ms", "60000"));
    assertEquals(new Run(0, "POST /ledger/transfers {\"id\":\"t3\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":1,"
        + "\"linked\":[{\"id\":\"t4\",\"from\":\"bob\",\"to\":\"carol\",\"amount\":2},"
        + "{\"id\":\"t5\",\"from\":\"carol\",\"to\":\"alice\",\"amount\":3}]}"),
        run("ledger", "transfer", "t3", "alice", "bob", "1", "--linked", "t4:bob:carol:2", "--linked", "t5:carol:alice:3"));
    assertEquals(new Run(0, "POST /ledger/transfers/t2/post"), run("ledger", "post", "t2"));
    assertEquals(new Run(0, "POST /ledger/transfers/t2/post {\"amount\":4}"), run("ledger", "post", "t2", "--amount", "4"));
    assertEquals(new Run(0, "POST /ledger/transfers/t%3A2/void"), run("ledger", "void", "t:2"));
    assertEquals(new Run(0, "GET /ledger/accounts/alice"), run("ledger", "balance", "alice"));
    assertEquals(new Run(0, "GET /ledger/accounts/alice?asOf=12&consistency=local"),
        run("ledger", "balance", "alice", "--as-of", "12", "--local"));
    assertEquals(new Run(0, "GET /ledger/accounts/alice?asOf=2026-01-01T00%3A00%3A00%2B01%3A00"),
        run("ledger", "balance", "alice", "--as-of", "2026-01-01T00:00:00+01:00"));
    assertEquals(new Run(0, "GET /ledger/accounts/alice/history"), run("ledger", "history", "alice"));
    assertEquals(new Run(0, "GET /ledger/accounts/alice/history?asOf=9&after=3&limit=2"),
        run("ledger", "history", "alice", "--as-of", "9", "--after", "3", "--limit", "2"));
    assertEquals(new Run(0, "GET /ledger/audit?consistency=local"), run("ledger", "audit", "--local"));
    assertEquals("", stderr);
  }

  @Test
  void ledgerErrorsExitNonZeroWithTheMessage() {
    assertEquals(new Run(1, "{\"error\":\"no pending transfer gone\",\"status\":404}"), run("ledger", "void", "gone"));
    assertEquals("error: HTTP 404: no pending transfer gone", stderr);
    assertEquals(1, run("ledger", "post", "t9").exitCode());
    assertEquals("error: HTTP 409: already voided", stderr);
    assertEquals(1, run("ledger", "history", "x", "--as-of", "soon").exitCode());
    assertEquals("error: HTTP 400: asOf is a log index or an ISO-8601 time", stderr);
    assertEquals(new Run(1, "no quorum"), run("ledger", "balance", "down"));
    assertEquals("error: HTTP 503: no quorum", stderr);
  }

  @Test
  void malformedLedgerArgumentsSendNothing() {
    int before = requests;
    assertEquals(Main.EXIT_CONFIG, run("ledger", "transfer", "t1", "a", "b", "1", "--linked", "t2:a:b").exitCode());
    assertTrue(stderr.contains("ID:FROM:TO:AMOUNT"), stderr);
    assertEquals(Main.EXIT_CONFIG, run("ledger", "transfer", "t1", "a", "b", "1", "--linked", "t2:a:b:ten").exitCode());
    assertEquals(Main.EXIT_CONFIG, run("ledger", "deposit", "d1", "alice", "ten").exitCode());
    assertEquals(Main.EXIT_CONFIG, run("ledger", "open").exitCode());
    assertEquals(Main.EXIT_CONFIG, run("ledger").exitCode());
    assertEquals(before, requests, "no request was sent");
  }

  @Test
  void everyCommandIsListedInTheHelp() {
    String usage = new CommandLine(new Main()).getSubcommands().get("clusterctl").getUsageMessage();
    for (String command : List.of("health", "peers", "metrics", "put", "get", "del", "cas", "leader",
        "transfer-leader", "add-node", "remove-node", "cluster", "faults", "ledger")) {
      assertTrue(usage.contains("  " + command + " "), command + " missing from: " + usage);
    }
    String ledger = new CommandLine(new Main()).getSubcommands().get("clusterctl").getSubcommands().get("ledger")
        .getUsageMessage();
    for (String command : List.of("open", "deposit", "withdraw", "transfer", "post", "void", "balance", "history",
        "audit")) {
      assertTrue(ledger.contains("  " + command + " "), command + " missing from: " + ledger);
    }
  }

  private Run run(String... command) {
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    List<String> args = new java.util.ArrayList<>(List.of("clusterctl", "--url", url, "--token-file",
        dir.resolve("no-token").toString()));
    args.addAll(List.of(command));
    PrintStream stdout = System.out;
    PrintStream stderrBefore = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new Main()).execute(args.toArray(String[]::new));
      return new Run(code, captured.toString(StandardCharsets.UTF_8).strip());
    } finally {
      System.setOut(stdout);
      System.setErr(stderrBefore);
      stderr = capturedErr.toString(StandardCharsets.UTF_8).strip();
    }
  }

  private void handle(HttpExchange x) throws IOException {
    requests++;
    String path = x.getRequestURI().getRawPath();
    String query = x.getRequestURI().getRawQuery();
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Answer a = FIXED.getOrDefault(path, new Answer(200, (x.getRequestMethod() + " " + path
        + (query == null ? "" : "?" + query) + " " + body).strip()));
    byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(a.status(), bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }
}
