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
 * {@link OverloadTest} for PBFT: twenty times more concurrent clients than n1 of a four-replica
 * deployment has client sessions plus waiting places. Every refusal is a 429 with the JSON error,
 * every accepted write is applied exactly as sent on every replica, every refused one on none; the
 * primary's pending requests never exceed the client sessions, nothing is left waiting, and the
 * heap the deployment keeps after the load (measured after a full GC) is within a few MiB of before.
 */
class PbftOverloadTest {
  private static final int CLIENT_SESSIONS = 2;
  private static final int MAX_WAITING = 4;
  private static final int CLIENTS = 20 * (CLIENT_SESSIONS + MAX_WAITING);
  private static final int WRITES_PER_CLIENT = 5;
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

  @Test
  void thePrimaryRefusesTheExcessWith429AndEveryReplicaAppliesExactlyWhatItAccepted() throws Exception {
    try (PbftDeployment pbft = PbftDeployment.start(dir, 1, """
        cluster-node.pbft.client-sessions = %d
        cluster-node.pbft.max-waiting-requests = %d
        cluster-node.http.max-in-flight-requests = 1000
        """.formatted(CLIENT_SESSIONS, MAX_WAITING))) {
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      long heapBefore = usedHeapAfterGc(memory);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong maxPending = new AtomicLong();
      AtomicLong maxHeap = new AtomicLong();
      Thread watcher = new Thread(() -> {
        while (!stop.get()) {
          try {
            maxPending.accumulateAndGet(pbft.status(0).path("pendingRequests").asLong(), Math::max);
            maxHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
            Thread.sleep(2);
          } catch (IOException | AssertionError e) {
            maxPending.set(Long.MAX_VALUE); // an unreadable status is a failure too
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "pending-watcher");
      watcher.start();
      int port = pbft.httpPortBase;
      Map<String, Answer> answers = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      try {
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          int id = c;
          clients.add(pool.submit(() -> {
            for (int i = 0; i < WRITES_PER_CLIENT; i++) {
              String key = "c" + id + "-" + i;
              answers.put(key, put(port, key, "v-" + key));
            }
          }));
        }
        for (Future<?> f : clients) {
          f.get(180, TimeUnit.SECONDS);
        }
      } finally {
        stop.set(true);
        watcher.join(10_000);
        pool.shutdownNow();
      }
      assertTrue(maxPending.get() <= CLIENT_SESSIONS, "the primary's pendingRequests reached " + maxPending.get());
      pbft.awaitSameLastExecuted();
      int accepted = 0;
      int refused = 0;
      for (Map.Entry<String, Answer> e : answers.entrySet()) {
        Answer a = e.getValue();
        if (a.status() == 200) {
          accepted++;
        } else {
          refused++;
          assertJsonError(a, 429);
        }
        for (int replica = 0; replica < PbftDeployment.IDS.size(); replica++) {
          RawHttp.Response read = pbft.send(replica, "GET", "/kv/" + e.getKey() + "?consistency=local", null, Map.of());
          String where = e.getKey() + " on " + PbftDeployment.IDS.get(replica);
          if (a.status() == 200) {
            assertEquals(200, read.status(), "accepted write of " + where + ": " + read.text());
            assertEquals("v-" + e.getKey(), read.text(), "accepted write of " + where);
          } else {
            assertEquals(404, read.status(), "refused write of " + where + " was applied: " + read.text());
          }
        }
      }
      long heapAfter = usedHeapAfterGc(memory);
      System.out.printf("pbft overload: %d clients, %d accepted, %d refused with 429, pending max %d; "
          + "heap used %d MiB before, %d MiB peak, %d MiB after (after full GCs)%n", CLIENTS, accepted, refused,
          maxPending.get(), heapBefore >> 20, maxHeap.get() >> 20, heapAfter >> 20);
      assertEquals(CLIENTS * WRITES_PER_CLIENT, accepted + refused);
      assertTrue(accepted > 0 && refused > 0, accepted + " accepted, " + refused + " refused");
      assertEquals(0, pbft.status(0).path("pendingRequests").asLong(), "nothing left waiting");
      assertTrue(heapAfter - heapBefore < RETAINED_HEAP_BYTES_MAX,
          "the load left " + ((heapAfter - heapBefore) >> 20) + " MiB more heap in use");
      for (int replica = 0; replica < PbftDeployment.IDS.size(); replica++) {
        RawHttp.Response health = pbft.send(replica, "GET", "/health", null, Map.of());
        assertEquals("ok", SingleNode.json(health).path("status").asText(), health.text());
      }
    }
  }

  /** Heap in use after a full collection (System.gc is honoured by the default collector). */
  private static long usedHeapAfterGc(MemoryMXBean memory) {
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
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
}
