package clusternode.node.hardening;

import static clusternode.node.hardening.KvLoad.assertJsonError;
import static clusternode.node.hardening.KvLoad.usedHeapAfterGc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.hardening.KvLoad.Answer;
import clusternode.protocols.testing.TestPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

  @Test
  void aHealthyNodeRefusesTheExcessWith429AndAppliesExactlyWhatItAccepted() throws Exception {
    try (SingleNode node = SingleNode.start(dir.resolve("healthy"), TestPorts.port(27902), TestPorts.port(28402), """
        cluster-node.raft.max-pending-requests = %d
        cluster-node.http.max-in-flight-requests = %d
        """.formatted(MAX_PENDING, MAX_IN_FLIGHT_HTTP))) {
      long heapBefore = usedHeapAfterGc();
      Map<String, Answer> answers;
      long maxPending;
      try (Peak pending = new Peak("pending", () -> node.consensus("pendingRequests"))) {
        answers = KvLoad.writeConcurrently(TestPorts.port(28402), CLIENTS, WRITES_PER_CLIENT, Duration.ofSeconds(120));
        maxPending = pending.stop();
      }
      assertTrue(maxPending <= MAX_PENDING, "pendingRequests reached " + maxPending);
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
      long heapAfter = usedHeapAfterGc();
      System.out.printf("overload: %d clients, %d accepted, %d refused with 429, pending max %d, in flight max %d; "
          + "heap used %d MiB before, %d MiB after (after full GCs)%n",
          CLIENTS, accepted, refused, maxPending, inFlightSeen, heapBefore >> 20, heapAfter >> 20);
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
    try (SingleNode node = SingleNode.startWithoutLeader(dir.resolve("minority"), TestPorts.port(27903),
        TestPorts.port(28403), """
        cluster-node.peers.n2 { host = "127.0.0.1", akka-port = %d, http-port = %d }
        cluster-node.raft.max-pending-requests = %d
        cluster-node.raft.request-timeout = 1s
        cluster-node.http.max-in-flight-requests = 1000
        """.formatted(TestPorts.port(27904), TestPorts.port(28404), MAX_PENDING))) {
      int clients = 10 * MAX_PENDING;
      List<Answer> answers = new ArrayList<>();
      long maxPending;
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try (Peak pending = new Peak("pending", () -> node.consensus("pendingRequests"))) {
        List<Future<Answer>> calls = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          String key = "m" + c;
          calls.add(pool.submit(() -> KvLoad.put(TestPorts.port(28403), key, "x")));
        }
        for (Future<Answer> f : calls) {
          answers.add(f.get(60, TimeUnit.SECONDS));
        }
        maxPending = pending.stop();
      } finally {
        pool.shutdownNow();
      }
      long tooMany = answers.stream().filter(a -> a.status() == 429).count();
      long unavailable = answers.stream().filter(a -> a.status() == 503).count();
      for (Answer a : answers) {
        assertJsonError(a, 429, 503);
      }
      System.out.printf("no quorum: %d clients, %d got 429, %d got 503, pending max %d%n", clients, tooMany,
          unavailable, maxPending);
      assertTrue(maxPending <= MAX_PENDING, "pendingRequests reached " + maxPending);
      assertTrue(unavailable >= 1 && unavailable <= clients - tooMany, unavailable + " x 503");
      assertTrue(tooMany >= clients - 2L * MAX_PENDING, tooMany + " x 429 of " + clients);
      assertEquals(0, node.consensus("commitIndex"), "a minority commits nothing");
    }
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
