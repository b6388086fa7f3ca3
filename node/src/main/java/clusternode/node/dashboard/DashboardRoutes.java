package clusternode.node.dashboard;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.AccessControlAllowOrigin;
import akka.http.javadsl.model.headers.CacheControl;
import akka.http.javadsl.model.headers.CacheDirectives;
import akka.http.javadsl.model.headers.HttpOriginRanges;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import clusternode.protocols.http.Json;
import clusternode.protocols.peers.Peer;
import clusternode.protocols.peers.PeerDirectory;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's routes: {@code GET /} (the page), {@code GET /dashboard/*} (its static files,
 * packaged in the jar), {@code GET /cluster} (the cluster-wide view), and, under the node's
 * token-checked {@code /admin}: {@code POST /admin/shutdown} (this node halts, as kill -9 would)
 * and {@code /admin/cluster/...}, which relays one action to every node (or one named node), so
 * the page never has to call another origin with the token.
 */
public final class DashboardRoutes extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(DashboardRoutes.class);
  /** How long every peer gets to answer {@code /cluster}'s questions. */
  static final Duration PEER_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration RELAY_TIMEOUT = Duration.ofSeconds(5);
  /** Delay between answering {@code /admin/shutdown} and halting, so the answer leaves first. */
  private static final long HALT_DELAY_MS = 200;
  private static final long MAX_RELAY_BODY_BYTES = 64 * 1024;

  private final PeerDirectory peers;
  private final String adminToken;
  private final ClusterView view;
  private final HttpClient relayClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  public DashboardRoutes(PeerDirectory peers, String adminToken, boolean gossip) {
    this.peers = peers;
    this.adminToken = adminToken;
    this.view = new ClusterView(peers, gossip, ClusterView.http(PEER_TIMEOUT));
  }

  /** Public routes: the page, its files and the cluster view. */
  public Route routes() {
    return concat(
        pathSingleSlash(() -> get(() -> noCache(() -> getFromResource("dashboard/index.html", ContentTypes.TEXT_HTML_UTF8)))),
        pathPrefix("dashboard", () -> get(() -> noCache(() -> getFromResourceDirectory("dashboard")))),
        path("cluster", () -> get(() -> noCache(() ->
            // Read-only and token-free: any node's page may read it when its own node has died.
            respondWithHeader(AccessControlAllowOrigin.create(HttpOriginRanges.ALL), () ->
                completeWithFuture(view.snapshot().thenApply(Json::ok)))))));
  }

  /** Routes to mount inside {@code /admin}, after the token check. */
  public Route adminRoutes() {
    return concat(
        path("shutdown", () -> post(this::shutdown)),
        pathPrefix("cluster", () -> concat(
            path("faults", () -> concat(
                post(() -> withSizeLimit(MAX_RELAY_BODY_BYTES, () -> entity(Unmarshaller.entityToString(),
                    body -> completeWithFuture(relayToAll("POST", "/admin/faults", body))))),
                delete(() -> completeWithFuture(relayToAll("DELETE", "/admin/faults", null))))),
            path(PathMatchers.segment("shutdown").slash(PathMatchers.segment()), id -> post(() ->
                completeWithFuture(relayToOne(id, "POST", "/admin/shutdown", null)))),
            path(PathMatchers.segment("byzantine").slash(PathMatchers.segment()), id -> post(() ->
                withSizeLimit(MAX_RELAY_BODY_BYTES, () -> entity(Unmarshaller.entityToString(), body ->
                    completeWithFuture(relayToOne(id, "POST", "/admin/pbft/byzantine", body)))))))));
  }

  private Route noCache(java.util.function.Supplier<Route> inner) {
    return respondWithHeader(CacheControl.create(CacheDirectives.NO_CACHE), inner);
  }

  /** Answers, then halts the JVM: no shutdown hooks, no goodbye to peers, like kill -9. */
  private Route shutdown() {
    log.warn("POST /admin/shutdown: halting in {} ms, as kill -9 would", HALT_DELAY_MS);
    Thread halter = new Thread(() -> {
      try {
        Thread.sleep(HALT_DELAY_MS);
      } catch (InterruptedException ignored) {
        // halt anyway
      }
      Runtime.getRuntime().halt(137);
    }, "admin-shutdown");
    halter.setDaemon(false);
    halter.start();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", peers.selfId());
    body.put("halting", true);
    body.put("inMs", HALT_DELAY_MS);
    body.put("restart", "bin/cluster start " + peers.selfId());
    return complete(Json.response(StatusCodes.ACCEPTED, body));
  }

  private CompletionStage<HttpResponse> relayToOne(String id, String method, String path, String body) {
    if (!peers.contains(id)) {
      return CompletableFuture.completedFuture(Json.error(StatusCodes.NOT_FOUND,
          "unknown node '" + id + "'; this deployment has " + peers.ids()));
    }
    return relay(peers.get(id), method, path, body).thenApply(r -> {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("results", Map.of(id, r));
      out.put("ok", r.get("ok"));
      return Json.ok(out);
    });
  }

  /** The same admin request to every node; each node's answer (or silence) side by side. */
  private CompletionStage<HttpResponse> relayToAll(String method, String path, String body) {
    if (body != null) {
      try {
        JsonNode parsed = Json.readTree(body);
        if (parsed == null || !parsed.isObject()) {
          return CompletableFuture.completedFuture(Json.error(StatusCodes.BAD_REQUEST, "expected a JSON object"));
        }
      } catch (java.io.IOException e) {
        return CompletableFuture.completedFuture(Json.error(StatusCodes.BAD_REQUEST, "malformed JSON"));
      }
    }
    List<CompletableFuture<Map<String, Object>>> all = new ArrayList<>();
    for (Peer p : peers.all().values()) {
      all.add(relay(p, method, path, body));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(done -> {
      Map<String, Object> results = new LinkedHashMap<>();
      boolean ok = true;
      int i = 0;
      for (Peer p : peers.all().values()) {
        Map<String, Object> r = all.get(i++).join();
        results.put(p.id(), r);
        ok &= Boolean.TRUE.equals(r.get("ok"));
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("results", results);
      out.put("ok", ok);
      return Json.ok(out);
    });
  }

  private CompletableFuture<Map<String, Object>> relay(Peer p, String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(p.httpBase() + path)).timeout(RELAY_TIMEOUT)
        .header("Authorization", "Bearer " + adminToken)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return relayClient.sendAsync(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString()).handle((r, e) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      if (e != null) {
        m.put("ok", false);
        m.put("status", 0);
        m.put("error", "no answer: " + (e.getCause() != null ? e.getCause() : e));
        return m;
      }
      m.put("ok", r.statusCode() / 100 == 2);
      m.put("status", r.statusCode());
      try {
        m.put("body", Json.MAPPER.readTree(r.body()));
      } catch (java.io.IOException | RuntimeException notJson) {
        m.put("body", r.body().length() > 500 ? r.body().substring(0, 500) : r.body());
      }
      return m;
    });
  }
}
