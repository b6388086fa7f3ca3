package clusternode.node.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.http.Json;
import clusternode.protocols.peers.Peer;
import clusternode.protocols.peers.PeerDirectory;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** {@code /cluster} over fake peers: good answers, garbage, and silence. */
class ClusterViewTest {
  private static final List<Peer> PEERS = List.of(new Peer("n1", "127.0.0.1", 1, 11), new Peer("n2", "127.0.0.1", 2, 12),
      new Peer("n3", "127.0.0.1", 3, 13), new Peer("n4", "127.0.0.1", 4, 14), new Peer("n5", "127.0.0.1", 5, 15));

  private static String health(String id) {
    return "{\"id\":\"" + id + "\",\"protocols\":[\"raft\",\"gossip\"],\"status\":\"ok\",\"reachable\":{\"nodes\":5,\"of\":5}}";
  }

  private static String consensus(String role, long term, String leader) {
    return "{\"role\":\"" + role + "\",\"term\":" + term + ",\"leader\":" + (leader == null ? "null" : "\"" + leader + "\"")
        + ",\"commitIndex\":10,\"lastApplied\":9,\"quorum\":{\"size\":3,\"reachable\":5,\"healthy\":true}}";
  }

  /** {@code self}'s peer monitor reaches exactly {@code reachable}. */
  private static String peers(String self, List<String> reachable) {
    StringBuilder sb = new StringBuilder("{\"self\":\"" + self + "\",\"peers\":[");
    boolean first = true;
    for (Peer p : PEERS) {
      if (p.id().equals(self)) {
        continue;
      }
      sb.append(first ? "" : ",").append("{\"id\":\"").append(p.id()).append("\",\"status\":\"")
          .append(reachable.contains(p.id()) ? "reachable" : "unreachable").append("\"}");
      first = false;
    }
    return sb.append("],\"matrix\":{},\"faults\":{\"partition\":[]}}").toString();
  }

  private static final String METRICS = """
      # TYPE raft_commit_latency_ms summary
      raft_commit_latency_ms{quantile="0.5"} 2.5
      raft_commit_latency_ms{quantile="0.99"} 17
      raft_commit_latency_ms_count 42
      raft_commit_latency_ms_sum 130.5
      """;

  private static CompletableFuture<ClusterView.Fetched> ok(String body) {
    return CompletableFuture.completedFuture(new ClusterView.Fetched(200, body));
  }

  /** n1 (self) good and leader; n2 good; n3 garbage; n4 silent (refused); n5 times out. */
  private static ClusterView.Fetcher mixed(List<String> reachableFromN1) {
    return (peer, path) -> switch (peer.id()) {
      case "n1", "n2" -> switch (path) {
        case "/health" -> ok(health(peer.id()));
        case "/health/consensus" -> ok(peer.id().equals("n1") ? consensus("leader", 7, "n1") : consensus("follower", 7, "n1"));
        case "/health/peers" -> ok(peers(peer.id(), peer.id().equals("n1") ? reachableFromN1 : List.of("n1")));
        case "/gossip/members" -> ok("{\"members\":[{\"id\":\"n1\",\"status\":\"alive\",\"incarnation\":0}]}");
        case "/metrics" -> ok(METRICS);
        default -> CompletableFuture.completedFuture(new ClusterView.Fetched(404, "{}"));
      };
      case "n3" -> switch (path) {
        case "/health" -> ok("<html>I am a teapot</html>");
        case "/health/consensus" -> ok("[1,2,3]");
        case "/health/peers" -> CompletableFuture.completedFuture(new ClusterView.Fetched(500, "oops"));
        case "/metrics" -> ok("raft_commit_latency_ms_count banana\n");
        default -> ok("{\"members\": ");
      };
      case "n4" -> CompletableFuture.failedFuture(new ConnectException("Connection refused"));
      default -> new CompletableFuture<ClusterView.Fetched>().orTimeout(50, TimeUnit.MILLISECONDS);
    };
  }

  private static Map<String, JsonNode> byId(JsonNode view) {
    Map<String, JsonNode> m = new java.util.LinkedHashMap<>();
    view.path("nodes").forEach(n -> m.put(n.path("id").asText(), n));
    return m;
  }

  private static JsonNode snapshot(ClusterView view) throws Exception {
    Map<String, Object> body = view.snapshot().get(5, TimeUnit.SECONDS);
    return Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(body)); // what the route renders
  }

  @Test
  void goodGarbageAndSilentPeersSideBySide() throws Exception {
    JsonNode view = snapshot(new ClusterView(new PeerDirectory("n1", PEERS), true, mixed(List.of("n2", "n3", "n4", "n5"))));
    Map<String, JsonNode> nodes = byId(view);
    assertEquals(List.of("n1", "n2", "n3", "n4", "n5"), List.copyOf(nodes.keySet()), "every node, in deployment order");

    JsonNode n1 = nodes.get("n1");
    assertEquals("ok", n1.path("status").asText());
    assertEquals("leader", n1.path("consensus").path("role").asText());
    assertEquals(7, n1.path("consensus").path("term").asLong());
    assertEquals("alive", n1.path("members").path(0).path("status").asText());
    assertEquals(42, n1.path("metrics").path("commitsTotal").asLong());
    assertEquals(17.0, n1.path("metrics").path("commitLatencyP99Ms").asDouble());
    assertEquals(4, n1.path("peers").size());

    JsonNode n3 = nodes.get("n3");
    assertEquals("unreadable", n3.path("status").asText());
    assertTrue(n3.path("error").asText().contains("health: not JSON"), n3.toString());
    assertTrue(n3.path("error").asText().contains("consensus: not a JSON object"), n3.toString());
    assertTrue(n3.path("error").asText().contains("reachability: HTTP 500"), n3.toString());
    assertTrue(n3.path("consensus").isNull());
    assertFalse(n3.path("metrics").has("commitsTotal"), "a malformed metric line is skipped");

    assertEquals("unreachable", nodes.get("n4").path("status").asText());
    assertTrue(nodes.get("n4").path("error").asText().contains("Connection refused"));
    assertEquals("unreachable", nodes.get("n5").path("status").asText());
    assertEquals("no answer within the timeout", nodes.get("n5").path("error").asText());

    JsonNode sb = view.path("splitBrain");
    assertTrue(sb.path("ok").asBoolean());
    assertEquals(1, sb.path("maxLeadersInOneTerm").asInt());
    assertEquals(1, sb.path("distinctLeadersBelieved").asInt());
    assertEquals("n1", sb.path("leadersByTerm").path("7").path(0).asText());
    assertEquals(2, sb.path("answered").asInt(), "only n1 and n2 gave a readable consensus view");

    JsonNode q = view.path("quorum");
    assertEquals(5, q.path("reachableFromHere").asInt(), "the peer monitor's view, not HTTP's");
    assertEquals(5, q.path("size").asInt());
    assertEquals(3, q.path("needed").asInt());
    assertTrue(q.path("healthy").asBoolean());
  }

  @Test
  void aMinorityViewSaysNoQuorum() throws Exception {
    JsonNode view = snapshot(new ClusterView(new PeerDirectory("n1", PEERS), true, mixed(List.of("n2"))));
    JsonNode q = view.path("quorum");
    assertEquals(2, q.path("reachableFromHere").asInt());
    assertFalse(q.path("healthy").asBoolean());
  }

  @Test
  void twoLeadersInOneTermAcrossPeersFailTheVerdict() throws Exception {
    ClusterView.Fetcher twoLeaders = (peer, path) -> switch (path) {
      case "/health/consensus" -> ok(consensus("leader", 9, peer.id()));
      case "/health/peers" -> ok(peers(peer.id(), List.of()));
      default -> ok(health(peer.id()));
    };
    JsonNode view = snapshot(new ClusterView(new PeerDirectory("n1", PEERS.subList(0, 2)), false, twoLeaders));
    assertFalse(view.path("splitBrain").path("ok").asBoolean());
    assertEquals(2, view.path("splitBrain").path("maxLeadersInOneTerm").asInt());
    assertFalse(byId(view).get("n1").has("members"), "no gossip, no membership asked");
  }

  @Test
  void aFetcherThatThrowsOrAllPeersSilentNeverFailsTheView() throws Exception {
    ClusterView.Fetcher broken = (peer, path) -> {
      if (peer.id().equals("n1")) {
        throw new IllegalStateException("boom");
      }
      return CompletableFuture.failedFuture(new TimeoutException());
    };
    JsonNode view = snapshot(new ClusterView(new PeerDirectory("n1", PEERS), true, broken));
    byId(view).values().forEach(n -> assertEquals("unreachable", n.path("status").asText()));
    assertTrue(view.path("splitBrain").path("ok").asBoolean());
    assertEquals(0, view.path("splitBrain").path("answered").asInt());
    assertNull(view.path("quorum").path("reachableFromHere").isNull() ? null : "set");
    assertFalse(view.path("quorum").path("healthy").asBoolean());
  }

  @Test
  void aHugeAnswerIsUnreadableNotAMemoryProblem() throws Exception {
    String huge = "{\"x\":\"" + "a".repeat(ClusterView.MAX_BODY_CHARS) + "\"}";
    ClusterView.Fetcher fetcher = (peer, path) -> ok(huge);
    JsonNode view = snapshot(new ClusterView(new PeerDirectory("n1", PEERS.subList(0, 1)), false, fetcher));
    JsonNode n1 = byId(view).get("n1");
    assertEquals("unreadable", n1.path("status").asText());
    assertNotNull(n1.path("error").asText());
  }

  @Test
  void theTableShowsEveryNodeTheVerdictAndTheQuorum() throws Exception {
    JsonNode view = snapshot(new ClusterView(new PeerDirectory("n1", PEERS), true, mixed(List.of("n2"))));
    String table = ClusterTable.render(view);
    assertTrue(table.startsWith("node "), table);
    for (String id : List.of("n1", "n2", "n3", "n4", "n5")) {
      assertTrue(table.contains("\n" + id + " "), id + " missing:\n" + table);
    }
    assertTrue(table.contains("unreachable"), table);
    assertTrue(table.contains("unreadable"), table);
    assertTrue(table.contains("split brain: no"), table);
    assertTrue(table.contains("quorum from n1: 2 of 5 reachable, needs 3: NO QUORUM"), table);
  }
}
