package clusternode.node.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Concurrent KV writers for the overload tests, over java.net.http (pooled connections, as real
 * clients use, unlike {@link RawHttp}), and the checks on what they got back.
 */
final class KvLoad {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private KvLoad() {}

  record Answer(int status, String body) {}

  static Answer put(int port, String key, String value) {
    try {
      HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/kv/" + key))
          .timeout(Duration.ofSeconds(30)).PUT(HttpRequest.BodyPublishers.ofString(value)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("PUT " + key + ": " + e, e);
    }
  }

  /**
   * {@code clients} writers at once, each putting {@code writesPerClient} keys {@code c<client>-<i>}
   * with the value {@code v-<key>}; returns every key's answer once all finished within {@code timeout}.
   */
  static Map<String, Answer> writeConcurrently(int port, int clients, int writesPerClient, Duration timeout)
      throws Exception {
    Map<String, Answer> answers = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int id = c;
        writers.add(pool.submit(() -> {
          for (int i = 0; i < writesPerClient; i++) {
            String key = "c" + id + "-" + i;
            answers.put(key, put(port, key, "v-" + key));
          }
        }));
      }
      for (Future<?> f : writers) {
        f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return answers;
  }

  /** {@code a} has one of the {@code allowed} statuses and the JSON error {@code {error, status}}. */
  static void assertJsonError(Answer a, int... allowed) throws IOException {
    boolean ok = false;
    for (int s : allowed) {
      ok |= a.status() == s;
    }
    assertTrue(ok, "status " + a.status() + ": " + a.body());
    JsonNode json = Json.MAPPER.readTree(a.body());
    assertEquals(a.status(), json.path("status").asInt(), a.body());
    assertTrue(json.path("error").asText().length() > 10, a.body());
  }

  static long usedHeap() {
    return MEMORY.getHeapMemoryUsage().getUsed();
  }

  /** Heap in use after a full collection (System.gc is honoured by the default collector). */
  static long usedHeapAfterGc() {
    MEMORY.gc();
    return usedHeap();
  }
}
