package clusternode.node.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.Main;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code clusterctl}'s plain reads, through the jar's own entry point, against a stand-in node. */
class ClusterCtlTest {
  private HttpServer server;
  @TempDir Path dir;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    answer("/health", 200, "{\"status\":\"ok\"}");
    answer("/health/peers", 200, "{\"peers\":[]}");
    answer("/metrics", 503, "{\"error\":\"busy\"}");
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
  void theReadsAreListedInTheHelp() {
    String usage = new CommandLine(new Main()).getSubcommands().get("clusterctl").getUsageMessage();
    for (String read : new String[] {"health", "peers", "metrics", "faults"}) {
      assertTrue(usage.contains("  " + read + " "), read + " missing from: " + usage);
    }
  }

  private record Run(int exitCode, String out) {}

  private Run run(String command) {
    String url = "http://127.0.0.1:" + server.getAddress().getPort();
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new Main()).execute("clusterctl", "--url", url, "--token-file",
          dir.resolve("no-token").toString(), command);
      return new Run(code, captured.toString(StandardCharsets.UTF_8).strip());
    } finally {
      System.setOut(stdout);
    }
  }

  private void answer(String path, int status, String body) {
    server.createContext(path, x -> {
      if (!x.getRequestURI().getPath().equals(path)) {
        x.sendResponseHeaders(404, -1);
        x.close();
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(status, bytes.length);
      x.getResponseBody().write(bytes);
      x.close();
    });
  }
}
