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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten times more concurrent clients than a node's limits allow. Queues stay within their limits
 * (watched through /health/consensus and /metrics while the load runs), every refusal is a 429 (or
 * 503 without a quorum) with the JSON error, every accepted write is applied exactly as sent, and
 * every refused write is not applied at all; the heap kept after the load (measured after a full
 * GC) is within 64 MiB of before.
 */
class OverloadTest {
  private static final int MAX_PENDING = 4;
  private static final int MAX_IN_FLIGHT_HTTP = 8;
  private static final int CLIENTS = 10 * MAX_IN_FLIGHT_HTTP;
  private static final int WRITES_PER_CLIENT = 5;
  /** What the node may keep after the load: its log and KV entries, not queues of refused requests. */
  private static final long RETAINED_HEAP_BYTES_MAX = 64L << 20;

  @TempDir Path dir;

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private record Answer(int status, String body) {}

  private Answer put(int port, String key, String value) {
    try {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/kv/" + key))
          .timeout(Duration.ofSeconds(30)).PUT(HttpRequest.BodyPublishers.ofString(value)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("PUT " + key + ": " + e, e);
    }
  }

  /** Raises {@code max} to the highest {@code pendingRequests} seen until {@code stop}. */
  private Thread watchPending(SingleNode node, AtomicBoolean stop, AtomicLong max) {
    Thread t = new Thread(() -> {
      while (!stop.get()) {
        try {
          max.accumulateAndGet(node.consensus("pendingRequests"), Math::max);
          Thread.sleep(2); // a sample every few ms, leaving the CPU to the load
        } catch (IOException | AssertionError e) {
          max.set(Long.MAX_VALUE); // an unreadable status is a failure too
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "pending-watcher");
    t.start();
    return t;
  }

  private static void assertJsonError(Answer a, int... allowed) throws IOException {
    boolean ok = false;
    for (int s : allowed) {
      ok |= a.status() == s;
    }
    assertTrue(ok, "status " + a.status() + ": " + a.body());
    JsonNode json = Json.MAPPER.readTree(a.body());
    assertEquals(a.status(), json.path("status").asInt(), a.body());
    assertTrue(json.path("error").asText().length() > 10, a.body());
  }

  @Test
  void aHealthyNodeRefusesTheExcessWith429AndAppliesExactlyWhatItAccepted() throws Exception {
    try (SingleNode node = SingleNode.start(dir.resolve("healthy"), 27902, 28402, """
        cluster-node.raft.max-pending-requests = %d
        cluster-node.http.max-in-flight-requests = %d
        """.formatted(MAX_PENDING, MAX_IN_FLIGHT_HTTP))) {
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      long heapBefore = usedHeapAfterGc(memory);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong maxPending = new AtomicLong();
      Thread watcher = watchPending(node, stop, maxPending);
      Map<String, Answer> answers = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      try {
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          int id = c;
          clients.add(pool.submit(() -> {
            for (int i = 0; i < WRITES_PER_CLIENT; i++) {
              String key = "c" + id + "-" + i;
              answers.put(key, put(28402, key, "v-" + key));
            }
          }));
        }
        for (Future<?> f : clients) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        stop.set(true);
        watcher.join(10_000);
        pool.shutdownNow();
      }
      assertTrue(maxPending.get() <= MAX_PENDING, "pendingRequests reached " + maxPending.get());
      String metrics = node.send("GET", "/metrics", null, Map.of()).text();
      long inFlightSeen = metric(metrics, "http_requests_in_flight_max_seen");
      assertTrue(inFlightSeen >= 1 && inFlightSeen <= MAX_IN_FLIGHT_HTTP, "in flight reached " + inFlightSeen);
      int accepted = 0;
      int refused = 0;
      for (Map.Entry<String, Answer> e : answers.entrySet()) {
        Answer a = e.getValue();
        RawHttp.Response read = node.send("GET", "/kv/" + e.getKey() + "?consistency=local", null, Map.of());
        if (a.status() == 200) {
          accepted++;
          assertEquals(200, read.status(), e.getKey());
          assertEquals("v-" + e.getKey(), read.text(), "accepted write of " + e.getKey());
        } else {
          refused++;
          assertJsonError(a, 429);
          assertEquals(404, read.status(), "refused write of " + e.getKey() + " was applied: " + read.text());
        }
      }
      long heapAfter = usedHeapAfterGc(memory);
      System.out.printf("overload: %d clients, %d accepted, %d refused with 429, pending max %d, in flight max %d; "
          + "heap used %d MiB before, %d MiB after (after full GCs)%n",
          CLIENTS, accepted, refused, maxPending.get(), inFlightSeen, heapBefore >> 20, heapAfter >> 20);
      assertTrue(heapAfter - heapBefore < RETAINED_HEAP_BYTES_MAX,
          "the load left " + ((heapAfter - heapBefore) >> 20) + " MiB more heap in use");
      assertEquals(CLIENTS * WRITES_PER_CLIENT, accepted + refused);
      assertTrue(accepted > 0 && refused > 0, accepted + " accepted, " + refused + " refused");
      assertEquals(0, node.consensus("pendingRequests"), "nothing left waiting");
      assertEquals("ok", SingleNode.json(node.send("GET", "/health", null, Map.of())).path("status").asText());
    }
  }

  @Test
  void withoutAQuorumTheExcessGets429AtOnceAndTheRest503() throws Exception {
    // n2 never runs: n1 alone is no majority of two, so every write waits for a leader until its deadline.
    try (SingleNode node = SingleNode.startWithoutLeader(dir.resolve("minority"), 27903, 28403, """
        cluster-node.peers.n2 { host = "127.0.0.1", akka-port = 27904, http-port = 28404 }
        cluster-node.raft.max-pending-requests = %d
        cluster-node.raft.request-timeout = 1s
        cluster-node.http.max-in-flight-requests = 1000
        """.formatted(MAX_PENDING))) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong maxPending = new AtomicLong();
      Thread watcher = watchPending(node, stop, maxPending);
      int clients = 10 * MAX_PENDING;
      List<Answer> answers = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        List<Future<Answer>> calls = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          String key = "m" + c;
          calls.add(pool.submit(() -> put(28403, key, "x")));
        }
        for (Future<Answer> f : calls) {
          answers.add(f.get(60, TimeUnit.SECONDS));
        }
      } finally {
        stop.set(true);
        watcher.join(10_000);
        pool.shutdownNow();
      }
      long tooMany = answers.stream().filter(a -> a.status() == 429).count();
      long unavailable = answers.stream().filter(a -> a.status() == 503).count();
      for (Answer a : answers) {
        assertJsonError(a, 429, 503);
      }
      System.out.printf("no quorum: %d clients, %d got 429, %d got 503, pending max %d%n", clients, tooMany,
          unavailable, maxPending.get());
      assertTrue(maxPending.get() <= MAX_PENDING, "pendingRequests reached " + maxPending.get());
      assertTrue(unavailable >= 1 && unavailable <= clients - tooMany, unavailable + " x 503");
      assertTrue(tooMany >= clients - 2L * MAX_PENDING, tooMany + " x 429 of " + clients);
      assertEquals(0, node.consensus("commitIndex"), "a minority commits nothing");
    }
  }

  /** Heap in use after a full collection (System.gc is honoured by the default collector). */
  private static long usedHeapAfterGc(MemoryMXBean memory) {
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static long metric(String prometheus, String name) {
    for (String line : prometheus.split("\n")) {
      if (line.startsWith(name + " ")) {
        return (long) Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError("no metric " + name);
  }
}
