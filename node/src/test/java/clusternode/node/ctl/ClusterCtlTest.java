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
      "/metrics", new Answer(503, "{\"error\":\"busy\"}"));

  private record Answer(int status, String body) {}

  private record Run(int exitCode, String out) {}

  private HttpServer server;
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
  void everyCommandIsListedInTheHelp() {
    String usage = new CommandLine(new Main()).getSubcommands().get("clusterctl").getUsageMessage();
    for (String command : List.of("health", "peers", "metrics", "put", "get", "del", "cas", "leader",
        "transfer-leader", "add-node", "remove-node", "cluster", "faults")) {
      assertTrue(usage.contains("  " + command + " "), command + " missing from: " + usage);
    }
  }

  private Run run(String... command) {
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    List<String> args = new java.util.ArrayList<>(List.of("clusterctl", "--url", url, "--token-file",
        dir.resolve("no-token").toString()));
    args.addAll(List.of(command));
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new Main()).execute(args.toArray(String[]::new));
      return new Run(code, captured.toString(StandardCharsets.UTF_8).strip());
    } finally {
      System.setOut(stdout);
    }
  }

  private void handle(HttpExchange x) throws IOException {
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
