package clusternode.node.hardening;

import static clusternode.node.hardening.BadRequests.pick;
import static clusternode.node.hardening.BadRequests.shorten;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import clusternode.pbft.shell.PbftReplicated;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HttpFuzzTest} for a PBFT deployment: four replicas in this JVM ({@link PbftDeployment}),
 * the fuzz aimed at n1 (the primary of view 0). The shared seeded invalid requests
 * ({@link BadRequests}: malformed JSON, wrong types, huge numbers, deep nesting, invalid UTF-8,
 * oversized bodies and KV values over PBFT's operation limit, unknown routes, bad framing, missing
 * tokens, ...) and seeded bad {@code /admin/byzantine} requests (unknown or mis-cased modes, wrong
 * types, unknown and duplicate fields, valid bodies without the token or with the wrong method) must
 * each get a 4xx with the JSON error shape. None may change anything: n1's lastExecuted and
 * byzantine mode are checked after every case, every replica's lastExecuted, mode and KV contents at
 * the end; then every replica is healthy.
 */
class PbftHttpFuzzTest {
  private static final long BASE_SEED = 0xB_F022L;
  private static final int GENERAL_CASES = 1000;
  private static final int BYZANTINE_CASES = 400;
  private static final int MAX_REQUEST_BYTES = 256 * 1024;
  private static final int FUZZED = 0;
  private static final List<String> KEYS = List.of("a", "b", "warm-up");

  @TempDir static Path dir;
  private static PbftDeployment pbft;
  private static BadRequests generator;

  @BeforeAll
  static void start() throws Exception {
    pbft = PbftDeployment.start(dir, 0, "cluster-node.http.max-request-bytes = " + MAX_REQUEST_BYTES);
    for (String key : List.of("a", "b")) {
      RawHttp.Response put = pbft.send(FUZZED, "PUT", "/kv/" + key, "value-" + key, Map.of());
      assertEquals(200, put.status(), put.text());
    }
    generator = new BadRequests(MAX_REQUEST_BYTES, PbftReplicated.MAX_OP_BYTES, SingleNode.TOKEN);
  }

  @AfterAll
  static void stop() {
    if (pbft != null) {
      pbft.close();
    }
  }

  /** One request, why it is invalid, and its raw bytes. */
  private record Attempt(long seed, String description, byte[] raw) {}

  @Test
  void invalidRequestsGet4xxJsonAndChangeNoReplica() throws Exception {
    List<Attempt> attempts = new ArrayList<>();
    for (int i = 0; i < GENERAL_CASES; i++) {
      BadRequests.Case c = generator.generate(BASE_SEED + i);
      attempts.add(new Attempt(c.seed(), "[" + c.kind() + "] " + c.description(), c.raw()));
    }
    for (int i = 0; i < BYZANTINE_CASES; i++) {
      attempts.add(badByzantine(BASE_SEED + GENERAL_CASES + i));
    }
    long executed = pbft.awaitSameLastExecuted();
    Map<String, String> before = state();
    List<String> failures = new ArrayList<>();
    int orderedReads = 0;
    long started = System.nanoTime();
    for (Attempt a : attempts) {
      String problem = BadRequests.refusalProblem(pbft.http.get(FUZZED), a.raw());
      JsonNode status = pbft.status(FUZZED);
      long after = status.path("lastExecuted").asLong();
      // PBFT orders linearizable reads: a GET of a well-formed key that is not there (a 404, which
      // the shared generator counts as invalid) executes one read and changes nothing else.
      boolean read = new String(a.raw(), 0, 4, StandardCharsets.ISO_8859_1).equals("GET ");
      if (problem == null && after == executed + 1 && read) {
        orderedReads++;
      } else if (problem == null && after != executed) {
        problem = "executed a request (lastExecuted " + executed + " -> " + after + ")";
      }
      String mode = status.path("byzantine").asText();
      if (!mode.equals("honest")) {
        problem = (problem == null ? "" : problem + "; ") + "changed the byzantine mode to " + mode;
        RawHttp.Response restore = pbft.admin(FUZZED, "POST", "/admin/byzantine", "{\"mode\":\"honest\"}");
        assertEquals(200, restore.status(), "could not restore honest mode: " + restore.text());
      }
      executed = after;
      if (problem != null) {
        failures.add("seed " + a.seed() + " " + a.description() + ": " + problem);
      }
    }
    System.out.printf("pbft http fuzz: %d cases (%d byzantine) in %d ms, %d failures, %d ordered reads of absent keys%n",
        attempts.size(), BYZANTINE_CASES, (System.nanoTime() - started) / 1_000_000, failures.size(), orderedReads);
    if (!failures.isEmpty()) {
      fail(failures.size() + " of " + attempts.size() + " cases failed:\n"
          + String.join("\n", failures.subList(0, Math.min(40, failures.size()))));
    }
    long expectedExecuted = Long.parseLong(before.get("n1 lastExecuted")) + orderedReads;
    assertEquals(expectedExecuted, pbft.awaitSameLastExecuted(), "replicas executed more than the ordered reads");
    assertEquals(withExecuted(before, expectedExecuted), state(), "invalid requests changed a replica's state");
    for (int i = 0; i < PbftDeployment.IDS.size(); i++) {
      RawHttp.Response health = pbft.send(i, "GET", "/health", null, Map.of());
      assertEquals(200, health.status(), PbftDeployment.IDS.get(i) + ": " + health.text());
      assertEquals("ok", SingleNode.json(health).path("status").asText(), health.text());
    }
    // Still live: a valid write commits afterwards.
    RawHttp.Response put = pbft.send(FUZZED, "PUT", "/kv/after-fuzz", "ok", Map.of());
    assertEquals(200, put.status(), put.text());
  }

  /** Seeded invalid requests to the byzantine switch (both of its paths); none is a valid mode change. */
  private static Attempt badByzantine(long seed) {
    Random r = new Random(seed);
    String path = r.nextBoolean() ? "/admin/byzantine" : "/admin/pbft/byzantine";
    Map<String, String> token = Map.of("Authorization", "Bearer " + SingleNode.TOKEN);
    String mode = pick(r, List.of("silent", "equivocate", "forge", "lie", "slow-primary", "flood"));
    String body;
    String method = "POST";
    Map<String, String> headers = token;
    switch (r.nextInt(9)) {
      case 0 -> body = "{\"mode\":" + quote(pick(r, List.of("evil", "", "HONEST", "Silent", " lie", "lie ",
          "slow_primary", "silent\\u0000", "flood\\n", "x".repeat(5000), "\u00e9quivocate", "honest,silent"))) + "}";
      case 1 -> body = "{\"mode\":" + pick(r, List.of("5", "null", "true", "[\"" + mode + "\"]", "{}", "1e400",
          "123456789012345678901234567890123")) + "}";
      case 2 -> body = pick(r, List.of("[]", "\"" + mode + "\"", "5", "null", "", "{}", "{\"Mode\":\"" + mode + "\"}"));
      case 3 -> body = pick(r, List.of("{\"mode\":\"" + mode + "\"", "{\"mode\":", "{mode:\"" + mode + "\"}",
          "{\"mode\":\"" + mode + "\"}x", "{\"mode\":'" + mode + "'}", "\u0000\u0001"));
      case 4 -> body = "{\"mode\":\"" + mode + "\",\"" + pick(r, List.of("x", "force", "target", "")) + "\":1}";
      case 5 -> body = "{\"mode\":\"" + mode + "\",\"mode\":\"honest\"}";
      case 6 -> body = "{\"mode\":" + "[".repeat(40 + r.nextInt(200)) + "]".repeat(40) + "}";
      case 7 -> {
        body = "{\"mode\":\"" + mode + "\"}";
        headers = pick(r, Arrays.asList(Map.of(), Map.of("Authorization", "Bearer wrong"),
            Map.of("Authorization", SingleNode.TOKEN), Map.of("Authorization", "Bearer " + SingleNode.TOKEN + "x")));
      }
      default -> {
        body = "{\"mode\":\"" + mode + "\"}";
        method = pick(r, List.of("PUT", "DELETE", "PATCH"));
      }
    }
    String description = method + " " + path + " " + shorten(body) + (headers == token ? "" : " auth " + headers);
    return new Attempt(seed, description, RawHttp.request(method, path, headers, body.getBytes(StandardCharsets.UTF_8)));
  }

  /** What an invalid request might wrongly change on any replica, read locally (nothing ordered). */
  private static Map<String, String> state() throws IOException {
    Map<String, String> s = new LinkedHashMap<>();
    for (int i = 0; i < PbftDeployment.IDS.size(); i++) {
      String id = PbftDeployment.IDS.get(i);
      JsonNode status = pbft.status(i);
      s.put(id + " lastExecuted", status.path("lastExecuted").asText());
      s.put(id + " byzantine", status.path("byzantine").asText());
      for (String key : KEYS) {
        RawHttp.Response r = pbft.send(i, "GET", "/kv/" + key + "?consistency=local", null, Map.of());
        s.put(id + " kv " + key, r.status() + " " + r.text());
      }
    }
    return s;
  }

  /** {@code state} with every replica's lastExecuted set to {@code executed}. */
  private static Map<String, String> withExecuted(Map<String, String> state, long executed) {
    Map<String, String> s = new LinkedHashMap<>(state);
    s.replaceAll((k, v) -> k.endsWith(" lastExecuted") ? Long.toString(executed) : v);
    return s;
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
