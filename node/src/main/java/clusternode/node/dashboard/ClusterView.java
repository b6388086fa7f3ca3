package clusternode.node.dashboard;

import clusternode.protocols.http.Json;
import clusternode.protocols.peers.Peer;
import clusternode.protocols.peers.PeerDirectory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /cluster}: asks every node of the deployment (itself included, over the same HTTP a
 * user would use) for its health, consensus view, reachability, membership and commit metrics,
 * all in parallel with a short timeout, and puts the answers side by side with the split-brain
 * verdict and whether a quorum is reachable from here. A node that does not answer is
 * {@code unreachable}; one that answers garbage is {@code unreadable}; neither fails the view.
 */
public final class ClusterView {
  /** One HTTP answer; {@code status} 0 never occurs (no answer is a failed future). */
  public record Fetched(int status, String body) {}

  /** How a node is asked; a failed future means "no answer". */
  @FunctionalInterface
  public interface Fetcher {
    CompletableFuture<Fetched> get(Peer peer, String path);
  }

  /** Bytes kept of any one answer; a larger body is unreadable, not a memory problem. */
  static final int MAX_BODY_CHARS = 1 << 20;

  private final PeerDirectory peers;
  private final boolean gossip;
  private final Fetcher fetcher;

  public ClusterView(PeerDirectory peers, boolean gossip, Fetcher fetcher) {
    this.peers = peers;
    this.gossip = gossip;
    this.fetcher = fetcher;
  }

  /** The fetcher a node uses: Java's HTTP client, {@code timeout} for connect and answer. */
  public static Fetcher http(Duration timeout) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
        .executor(Executors.newFixedThreadPool(4, r -> {
          Thread t = new Thread(r, "cluster-view-http");
          t.setDaemon(true);
          return t;
        })).build();
    return (peer, path) -> client.sendAsync(HttpRequest.newBuilder(URI.create(peer.httpBase() + path))
            .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new Fetched(r.statusCode(), r.body()))
        .orTimeout(timeout.toMillis() + 250, TimeUnit.MILLISECONDS);
  }

  /** The whole view, in the JSON shape of {@code GET /cluster}. Never fails. */
  public CompletableFuture<Map<String, Object>> snapshot() {
    long began = System.nanoTime();
    List<CompletableFuture<Map<String, Object>>> asked = new ArrayList<>();
    for (Peer p : peers.all().values()) {
      asked.add(ask(p));
    }
    return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).thenApply(done -> {
      List<Map<String, Object>> nodes = asked.stream().map(CompletableFuture::join).toList();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("self", peers.selfId());
      body.put("timeMs", System.currentTimeMillis());
      body.put("nodes", nodes);
      body.put("splitBrain", splitBrain(nodes).json());
      body.put("quorum", quorum(nodes));
      body.put("tookMs", (System.nanoTime() - began) / 1_000_000);
      return body;
    });
  }

  /** One node: every part asked at once; the node's status follows from what came back. */
  private CompletableFuture<Map<String, Object>> ask(Peer p) {
    Map<String, CompletableFuture<Part>> parts = new LinkedHashMap<>();
    parts.put("health", part(p, "/health", true));
    parts.put("consensus", part(p, "/health/consensus", true));
    parts.put("reachability", part(p, "/health/peers", true));
    if (gossip) {
      parts.put("members", part(p, "/gossip/members", true));
    }
    parts.put("metrics", part(p, "/metrics", false));
    return CompletableFuture.allOf(parts.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("id", p.id());
      node.put("http", p.httpBase());
      List<String> problems = new ArrayList<>();
      int answered = 0;
      for (Map.Entry<String, CompletableFuture<Part>> e : parts.entrySet()) {
        Part part = e.getValue().join();
        answered += part.answered ? 1 : 0;
        if (part.problem != null && part.answered) {
          problems.add(e.getKey() + ": " + part.problem);
        }
      }
      if (answered == 0) {
        node.put("status", "unreachable");
        node.put("error", parts.get("health").join().problem);
        return node;
      }
      node.put("status", problems.isEmpty() ? "ok" : "unreadable");
      if (!problems.isEmpty()) {
        node.put("error", String.join("; ", problems));
      }
      JsonNode health = parts.get("health").join().json;
      if (health != null) {
        node.put("protocols", health.path("protocols"));
        node.put("health", health.path("status").asText(null));
        node.put("reachable", health.path("reachable"));
      }
      node.put("consensus", parts.get("consensus").join().json);
      JsonNode reach = parts.get("reachability").join().json;
      if (reach != null) {
        node.put("peers", reach.path("peers"));
        node.put("matrix", reach.path("matrix"));
        node.put("faults", reach.path("faults"));
      }
      if (gossip) {
        JsonNode members = parts.get("members").join().json;
        node.put("members", members == null ? null : members.path("members"));
      }
      String metrics = parts.get("metrics").join().text;
      if (metrics != null) {
        node.put("metrics", PrometheusText.commitFigures(metrics));
      }
      return node;
    });
  }

  /** What one request gave: parsed JSON or text, or why not. */
  private record Part(boolean answered, JsonNode json, String text, String problem) {}

  private CompletableFuture<Part> part(Peer p, String path, boolean json) {
    CompletableFuture<Fetched> f;
    try {
      f = fetcher.get(p, path);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f.handle((r, error) -> {
      if (error != null) {
        Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
            ? error.getCause() : error;
        String why = t instanceof java.util.concurrent.TimeoutException || t instanceof java.net.http.HttpTimeoutException
            ? "no answer within the timeout" : "no answer: " + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : " " + t.getMessage());
        return new Part(false, null, null, why);
      }
      if (r.status() == 404) {
        return new Part(true, null, null, null); // this node does not run that part (no raft, no gossip)
      }
      if (r.status() / 100 != 2) {
        return new Part(true, null, null, "HTTP " + r.status());
      }
      String body = r.body() == null ? "" : r.body();
      if (body.length() > MAX_BODY_CHARS) {
        return new Part(true, null, null, "answer larger than " + MAX_BODY_CHARS + " characters");
      }
      if (!json) {
        return new Part(true, null, body, null);
      }
      try {
        JsonNode node = Json.MAPPER.readTree(body);
        if (node == null || !node.isObject()) {
          return new Part(true, null, null, "not a JSON object");
        }
        return new Part(true, node, null, null);
      } catch (java.io.IOException | RuntimeException e) {
        return new Part(true, null, null, "not JSON");
      }
    });
  }

  /** Over the nodes that answered with a consensus view. */
  static SplitBrain.Verdict splitBrain(List<Map<String, Object>> nodes) {
    List<SplitBrain.Claim> claims = new ArrayList<>();
    for (Map<String, Object> n : nodes) {
      if (n.get("consensus") instanceof ObjectNode c && !"unreachable".equals(n.get("status"))) {
        Long term = c.hasNonNull("term") && c.get("term").canConvertToLong() ? c.get("term").asLong() : null;
        claims.add(new SplitBrain.Claim((String) n.get("id"), c.path("role").asText(null), term,
            c.path("leader").asText(null)));
      }
    }
    return SplitBrain.of(claims);
  }

  /**
   * Whether a majority of the deployment is reachable from this node, by its own peer monitor
   * (the transport the protocols use; HTTP is never subject to injected faults).
   */
  Map<String, Object> quorum(List<Map<String, Object>> nodes) {
    int size = peers.size();
    Map<String, Object> self = nodes.stream().filter(n -> peers.selfId().equals(n.get("id"))).findFirst().orElse(Map.of());
    Integer reachable = null;
    if (self.get("peers") instanceof JsonNode list && list.isArray()) {
      int count = 1;
      for (JsonNode peer : list) {
        count += "reachable".equals(peer.path("status").asText()) ? 1 : 0;
      }
      reachable = count;
    }
    Map<String, Object> q = new LinkedHashMap<>();
    q.put("from", peers.selfId());
    q.put("reachableFromHere", reachable);
    q.put("size", size);
    q.put("needed", size / 2 + 1);
    q.put("healthy", reachable != null && reachable > size / 2);
    if (self.get("consensus") instanceof JsonNode c && c.path("quorum").isObject()) {
      q.put("consensus", c.path("quorum")); // the protocol's own view, for comparison
    }
    return q;
  }
}
