package clusternode.node.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The coordination benchmarks' arguments, request bodies and fan-out timing, without a cluster. */
class CoordBenchTest {
  private static BenchOptions options(String workload, String protocol) {
    return new BenchOptions(workload, protocol, 100, 10, 64, "leader", 5);
  }

  @Test
  void txnRunsOnBothProtocolsLeasesAndWatchOnlyOnRaft() {
    assertEquals("txn", options("txn", "pbft").workload());
    assertEquals("watch-fanout", options("watch-fanout", "raft").workload());
    assertEquals("lease-keepalive", options("lease-keepalive", "raft").workload());
    for (String w : new String[] {"lease-keepalive", "watch-fanout"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> options(w, "pbft"));
      assertEquals("--workload " + w + " measures raft, not pbft: PBFT answers 501 for leases and watch",
          e.getMessage());
    }
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> options("txns", "raft"));
    assertTrue(unknown.getMessage().contains("txn, lease-keepalive (raft), watch-fanout (raft)"), unknown.getMessage());
  }

  @Test
  void aBenchTxnComparesFourKeysAndPutsFourValues() throws IOException {
    HttpLoad.Request r = CoordLoads.txns(8).make(3, 251);
    assertEquals("POST", r.method());
    assertEquals("/kv/txn", r.path());
    JsonNode txn = Json.MAPPER.readTree(new String(r.body(), StandardCharsets.UTF_8));
    assertEquals(4, txn.path("if").size());
    assertEquals(4, txn.path("then").size());
    assertEquals(0, txn.path("else").size());
    for (int i = 0; i < 4; i++) {
      String key = "bench-txn-3-1-" + i; // request 251 of client 3: group 251 % 250
      assertEquals(key, txn.path("if").get(i).path("key").asText());
      assertEquals("version", txn.path("if").get(i).path("target").asText());
      assertEquals("<", txn.path("if").get(i).path("op").asText());
      assertEquals(key, txn.path("then").get(i).path("put").path("key").asText());
      assertEquals("vvvvvvvv", txn.path("then").get(i).path("put").path("value").asText());
    }
  }

  @Test
  void keepAlivesGoToEachClientsOwnLease() {
    HttpLoad.Requests r = CoordLoads.keepAlives(new long[] {7, 9});
    assertEquals("/leases/9/keepalive", r.make(1, 0).path());
    assertEquals("/leases/7/keepalive", r.make(0, 5).path());
  }

  @Test
  void fanOutTimesFromTheAnswerToTheLastWatchersEvent() {
    FanoutLatency f = new FanoutLatency(3, 10);
    f.sent(0, 0);
    f.answered(0, 1_000_000); // answer at 1 ms
    f.received(0, 2_000_000);
    f.received(0, 5_000_000);
    assertEquals(0, f.complete(), "two of three watchers is not yet fan-out");
    f.received(0, 4_000_000);
    assertEquals(1, f.complete());
    assertEquals(4_000, f.commitToLast().getMaxValue(), 4); // last event at 5 ms, 4 ms after the answer
    assertEquals(5_000, f.sendToLast().getMaxValue(), 5);
    // all three before the answer: counted, recorded as 0
    f.sent(1, 10_000_000);
    f.received(1, 11_000_000);
    f.received(1, 11_000_000);
    f.received(1, 12_000_000);
    assertEquals(1, f.complete());
    f.answered(1, 13_000_000);
    assertEquals(2, f.complete());
    assertEquals(1, f.beforeAnswer());
    f.received(99, 1); // not one of ours: ignored
    f.received(-1, 1);
    assertEquals(2, f.complete());
    assertEquals(-1, WatchFanout.writeIndex("x"));
    assertEquals(12, WatchFanout.writeIndex("12"));
  }
}
