package clusternode.node.hardening;

import static clusternode.node.hardening.KvLoad.assertJsonError;
import static clusternode.node.hardening.KvLoad.usedHeapAfterGc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.hardening.KvLoad.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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

  @Test
  void thePrimaryRefusesTheExcessWith429AndEveryReplicaAppliesExactlyWhatItAccepted() throws Exception {
    try (PbftDeployment pbft = PbftDeployment.start(dir, 1, """
        cluster-node.pbft.client-sessions = %d
        cluster-node.pbft.max-waiting-requests = %d
        cluster-node.http.max-in-flight-requests = 1000
        """.formatted(CLIENT_SESSIONS, MAX_WAITING))) {
      long heapBefore = usedHeapAfterGc();
      Map<String, Answer> answers;
      long maxPending;
      long maxHeap;
      try (Peak pending = new Peak("pending", () -> pbft.status(0).path("pendingRequests").asLong());
          Peak heap = new Peak("heap", KvLoad::usedHeap)) {
        answers = KvLoad.writeConcurrently(pbft.httpPortBase, CLIENTS, WRITES_PER_CLIENT, Duration.ofSeconds(180));
        maxPending = pending.stop();
        maxHeap = heap.stop();
      }
      assertTrue(maxPending <= CLIENT_SESSIONS, "the primary's pendingRequests reached " + maxPending);
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
      long heapAfter = usedHeapAfterGc();
      System.out.printf("pbft overload: %d clients, %d accepted, %d refused with 429, pending max %d; "
          + "heap used %d MiB before, %d MiB peak, %d MiB after (after full GCs)%n", CLIENTS, accepted, refused,
          maxPending, heapBefore >> 20, maxHeap >> 20, heapAfter >> 20);
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
}
