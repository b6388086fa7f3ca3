package clusternode.node.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import clusternode.node.hardening.BadRequests.Case;
import clusternode.node.hardening.BadRequests.Kind;
import clusternode.protocols.testing.TestPorts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the real HTTP server of a running one-node deployment (Raft, ledger, gossip) with seeded
 * invalid requests: malformed JSON, wrong types, huge numbers, deep nesting, duplicate and unknown
 * fields, invalid UTF-8, oversized bodies and values, bad sessions, unknown routes, wrong and
 * unknown methods, odd paths and percent-encoding, huge headers, broken framing, missing tokens.
 * Each must get a 4xx with the JSON error shape; none may change anything (KV, ledger, CRDTs, fault
 * plan, Raft commit index); the node stays healthy. A failure prints its seed; a seed that once
 * failed is pinned in {@link #PINNED_SEEDS}.
 */
class HttpFuzzTest {
  private static final long BASE_SEED = 0xF0220_8L;
  private static final int CASES = 2000;
  private static final int MAX_REQUEST_BYTES = 256 * 1024;
  private static final int MAX_BYTES_PER_APPEND = 32 * 1024;
  /**
   * Seeds that failed once (bug fixed since), run always: duplicate fields were "last wins" and so
   * applied (15737360 crdt register, 15737363 ledger transfer, 15737428 admin faults, 15737480
   * counter, 15737518 set, 15737670 kv cas); a post of a pending transfer with body {@code null}
   * read as "no body" and committed (15737471).
   */
  private static final long[] PINNED_SEEDS = {15737360, 15737363, 15737428, 15737480, 15737518, 15737670, 15737471};

  @TempDir static Path dataDir;
  private static SingleNode node;
  private static BadRequests generator;

  @BeforeAll
  static void start() throws Exception {
    node = SingleNode.start(dataDir, TestPorts.port(27901), TestPorts.port(28401), """
        cluster-node.http.max-request-bytes = %d
        cluster-node.raft.max-bytes-per-append = %d
        """.formatted(MAX_REQUEST_BYTES, MAX_BYTES_PER_APPEND));
    node.ok("PUT", "/kv/a", "1");
    node.ok("POST", "/ledger/accounts", "{\"id\":\"alice\"}");
    node.ok("POST", "/ledger/accounts", "{\"id\":\"bob\"}");
    node.ok("POST", "/ledger/deposits", "{\"id\":\"d1\",\"account\":\"alice\",\"amount\":100}");
    node.ok("POST", "/crdt/counters/c", "{\"delta\":5}");
    node.ok("POST", "/crdt/sets/s", "{\"add\":\"x\"}");
    node.ok("POST", "/crdt/registers/r", "{\"value\":\"v\"}");
    // The KV op limit the node derives from max-bytes-per-append (RaftSettings.maxCommandBytes keeps 1152 for headers).
    generator = new BadRequests(MAX_REQUEST_BYTES, MAX_BYTES_PER_APPEND - 1152, SingleNode.TOKEN);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void pinnedRegressionSeeds() throws IOException {
    run(java.util.Arrays.stream(PINNED_SEEDS).boxed().toList());
  }

  @Test
  void invalidRequestsGet4xxJsonAndChangeNothing() throws IOException {
    List<Long> seeds = new ArrayList<>();
    for (int i = 0; i < CASES; i++) {
      seeds.add(BASE_SEED + i);
    }
    Map<Kind, Integer> kinds = run(seeds);
    for (Kind k : Kind.values()) {
      assertTrue(kinds.getOrDefault(k, 0) >= CASES / Kind.values().length / 2, "too few cases of " + k + ": " + kinds);
    }
  }

  /** Sends every seed's case, checks each answer, then that nothing changed and the node is healthy. */
  private static Map<Kind, Integer> run(List<Long> seeds) throws IOException {
    Map<String, String> before = state();
    List<String> failures = new ArrayList<>();
    Map<Kind, Integer> kinds = new EnumMap<>(Kind.class);
    long started = System.nanoTime();
    long commitIndex = node.consensus("commitIndex");
    for (long seed : seeds) {
      Case c = generator.generate(seed);
      kinds.merge(c.kind(), 1, Integer::sum);
      String problem = BadRequests.refusalProblem(node.http, c.raw());
      // The commit index after every case names the seed that got something into the log.
      long after = node.consensus("commitIndex");
      if (problem == null && after != commitIndex) {
        problem = "committed a log entry (commit index " + commitIndex + " -> " + after + ")";
      }
      commitIndex = after;
      if (problem != null) {
        failures.add("seed " + seed + " [" + c.kind() + "] " + c.description() + ": " + problem);
      }
    }
    System.out.printf("http fuzz: %d cases in %d ms, %d failures; kinds %s%n", seeds.size(),
        (System.nanoTime() - started) / 1_000_000, failures.size(), kinds);
    if (!failures.isEmpty()) {
      fail(failures.size() + " of " + seeds.size() + " cases failed (replay a seed with BadRequests.generate):\n"
          + String.join("\n", failures.subList(0, Math.min(40, failures.size()))));
    }
    assertEquals(before, state(), "invalid requests changed the node's state");
    RawHttp.Response health = node.send("GET", "/health", null, Map.of());
    assertEquals(200, health.status(), health.text());
    assertEquals("ok", SingleNode.json(health).path("status").asText(), health.text());
    return kinds;
  }

  /** Everything an invalid request might wrongly change, read locally (no log entry needed). */
  private static Map<String, String> state() throws IOException {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("raft commitIndex", Long.toString(node.consensus("commitIndex")));
    s.put("raft lastIndex", Long.toString(node.consensus("lastIndex")));
    for (String path : List.of("/kv/a?consistency=local", "/ledger/audit?consistency=local",
        "/ledger/accounts/alice?consistency=local", "/ledger/accounts/bob?consistency=local", "/crdt/counters/c",
        "/crdt/sets/s", "/crdt/registers/r", "/gossip/convergence")) {
      RawHttp.Response r = node.send("GET", path, null, Map.of());
      assertEquals(200, r.status(), path + " -> " + r.text());
      s.put(path, path.startsWith("/gossip") ? SingleNode.json(r).path("keys").toString() : r.text());
    }
    RawHttp.Response faults = node.admin("GET", "/admin/faults", null);
    assertEquals(200, faults.status(), faults.text());
    s.put("faults", faults.text());
    return s;
  }
}
