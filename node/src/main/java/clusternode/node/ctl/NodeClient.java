package clusternode.node.ctl;

import clusternode.protocols.http.Json;
import clusternode.protocols.peers.Peer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** A small HTTP client of one node's API, shared by the launcher and {@code clusterctl}. */
public final class NodeClient {
  /** One answer: the status code and the body, parsed as JSON when it is JSON. */
  public record Answer(int status, String body) {
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException("not JSON: " + body);
      }
    }

    public boolean ok() {
      return status / 100 == 2;
    }
  }

  /**
   * Makes clients of one deployment's nodes, so code that talks to them never decides HTTP or
   * HTTPS itself: {@code LocalCluster::client} trusts the deployment CA when it serves HTTPS.
   */
  @FunctionalInterface
  public interface Factory {
    NodeClient client(String adminToken, Duration timeout);
  }

  private final HttpClient http;
  private final String adminToken;
  private final Duration timeout;
  private final String scheme;

  public NodeClient(String adminToken, Duration timeout) {
    this(adminToken, timeout, null);
  }

  /** With {@code tls} (trusting the deployment CA) the client speaks HTTPS to every node; null: plain HTTP. */
  public NodeClient(String adminToken, Duration timeout, SSLContext tls) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    this.http = (tls == null ? builder : builder.sslContext(tls)).build();
    this.adminToken = adminToken;
    this.timeout = timeout;
    this.scheme = tls == null ? "http" : "https";
  }

  /** Where a node's API is, as this client reaches it. */
  public String base(Peer peer) {
    return scheme + "://" + peer.host() + ":" + peer.httpPort();
  }

  public Answer get(Peer peer, String path) throws IOException {
    return send(peer, path, "GET", null);
  }

  public Answer send(Peer peer, String path, String method, String jsonBody) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base(peer) + path)).timeout(timeout)
        .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
    if (jsonBody != null) {
      b.header("Content-Type", "application/json");
    }
    if (adminToken != null && !adminToken.isEmpty()) {
      b.header("Authorization", "Bearer " + adminToken);
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The node's {@code /health} status ("ok", "degraded"), or null when it does not answer. */
  public String healthStatus(Peer peer) {
    try {
      Answer a = get(peer, "/health");
      return a.ok() ? a.json().path("status").asText(null) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
