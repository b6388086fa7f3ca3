package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.ctl.NodeClient;
import clusternode.protocols.http.Json;
import clusternode.protocols.peers.Peer;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The register workload's clients, through the shared {@link Client} loop, against one in-process
 * register that is linearizable by construction (one lock): every operation must be recorded as
 * sent and answered, and the history must check as linearizable. A client that classified an
 * answer wrongly (a refused cas as ok, a read's value lost) would make it fail.
 */
class RegisterWorkloadTest {
  private final Map<String, String> store = new HashMap<>();
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/kv/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void clientsRecordEveryAnswerAndTheHistoryIsLinearizable() throws Exception {
    Peer peer = new Peer("n1", "127.0.0.1", 1, server.getAddress().getPort());
    Nodes nodes = new Nodes(List.of(peer), NodeClient::new, Duration.ofSeconds(5));
    History history = History.inMemory();
    RegisterWorkload workload = new RegisterWorkload(nodes);
    List<Thread> threads = List.of(0, 1).stream().map(c -> {
      Client client = new Client(c, nodes, history, new Random(c));
      Workload.Steps steps = workload.client(client);
      return new Thread(() -> client.loop(steps, () -> history.events().size() < 400));
    }).toList();
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(60).toMillis());
    }
    List<History.Operation> ops = history.operations();
    assertTrue(ops.size() >= 200, "too few operations: " + ops.size());
    assertEquals(0, ops.stream().filter(o -> o.type().equals(Event.INFO)).count(), "unanswered: " + ops);
    assertTrue(ops.stream().anyMatch(o -> o.invoke().f().equals("read") && o.completion().result() != null),
        "no read saw a write");
    assertTrue(ops.stream().anyMatch(o -> Event.MISMATCH.equals(o.completion().error())), "no cas was refused");
    assertTrue(ops.stream().anyMatch(o -> o.invoke().f().equals("cas") && o.type().equals(Event.OK)), "no cas won");
    assertEquals("VALID", Linearizability.check(ops).verdict().name());
  }

  private void handle(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath();
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    synchronized (store) {
      if (path.endsWith("/cas")) {
        JsonNode cas = Json.MAPPER.readTree(body);
        String key = path.substring("/kv/".length(), path.length() - "/cas".length());
        String expected = cas.path("expected").isNull() ? null : cas.path("expected").asText();
        if (!Objects.equals(store.get(key), expected)) {
          answer(x, 409, Json.MAPPER.writeValueAsString(java.util.Collections.singletonMap("current", store.get(key))));
          return;
        }
        store.put(key, cas.path("value").asText());
        answer(x, 200, "{}");
      } else if (x.getRequestMethod().equals("PUT")) {
        store.put(path.substring("/kv/".length()), body);
        answer(x, 200, "{}");
      } else {
        String value = store.get(path.substring("/kv/".length()));
        answer(x, value == null ? 404 : 200, value == null ? "{\"error\":\"no such key\"}" : value);
      }
    }
  }

  private static void answer(HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }
}
