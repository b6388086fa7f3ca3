package clusternode.node.http;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.HttpChallenge;
import akka.http.javadsl.model.headers.WWWAuthenticate;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import akka.http.scaladsl.model.EntityStreamSizeException;
import clusternode.node.config.NodeConfig;
import clusternode.node.dashboard.DashboardRoutes;
import clusternode.protocols.http.Json;
import clusternode.protocols.metrics.Metrics;
import clusternode.protocols.monitor.PeerMonitor;
import clusternode.protocols.monitor.PeerMonitorProvider;
import clusternode.protocols.spi.ProtocolInstance;
import clusternode.protocols.transport.FaultPlan;
import clusternode.protocols.transport.Transport;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's own HTTP routes (health, peers, metrics, admin faults) plus every protocol's routes.
 * Every answer is JSON except {@code /metrics}; every error, including unknown routes, wrong
 * methods, oversized bodies and internal failures, is the one JSON error shape.
 */
public final class HttpApi extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

  private final NodeConfig node;
  private final Transport transport;
  private final Metrics metrics;
  private final Map<String, ProtocolInstance> protocols;
  private final DashboardRoutes dashboard;
  private final InFlightLimit inFlight;

  public HttpApi(NodeConfig node, Transport transport, Metrics metrics, Map<String, ProtocolInstance> protocols) {
    this.node = node;
    this.transport = transport;
    this.metrics = metrics;
    this.protocols = protocols;
    this.dashboard = new DashboardRoutes(node.peers(), node.adminToken(), protocols.containsKey("gossip"));
    this.inFlight = new InFlightLimit(node.maxInFlightRequests(), metrics);
  }

  /** Every route, under the node's bound on requests in flight ({@link InFlightLimit}). */
  public Route routes() {
    List<Route> all = new ArrayList<>(List.of(healthRoutes(), metricsRoute(), adminRoutes(), dashboard.routes()));
    protocols.values().forEach(p -> p.routes().ifPresent(all::add));
    Route work = concat(all.get(0), all.subList(1, all.size()).toArray(Route[]::new));
    Route joined = inFlight.limit(() -> work);
    return handleExceptions(exceptionHandler(), () -> handleRejections(rejectionHandler(), () -> joined));
  }

  private Route healthRoutes() {
    return pathPrefix("health", () -> concat(
        pathEnd(() -> get(() -> completeWithFuture(health()))),
        path("peers", () -> get(() -> completeWithFuture(peers())))));
  }

  private Route metricsRoute() {
    return path("metrics", () -> get(() -> complete(HttpResponse.create().withEntity(
        HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, metrics.renderPrometheus())))));
  }

  private Route adminRoutes() {
    List<Route> protocolAdmin = new ArrayList<>(List.of(dashboard.adminRoutes()));
    protocols.values().forEach(p -> p.adminRoutes().ifPresent(protocolAdmin::add));
    return pathPrefix("admin", () -> admin(() -> concat(faultRoutes(), protocolAdmin.toArray(Route[]::new))));
  }

  private Route faultRoutes() {
    return path("faults", () -> concat(
        get(() -> complete(Json.ok(FaultPlanJson.of(transport.faultPlan())))),
        post(() -> entity(Unmarshaller.entityToByteArray(), this::changeFaults)),
        delete(() -> {
          transport.setFaultPlan(FaultPlan.NONE);
          return complete(Json.ok(FaultPlanJson.of(FaultPlan.NONE)));
        })));
  }

  private Route changeFaults(byte[] body) {
    FaultPlanJson request;
    try {
      request = Json.read(body, FaultPlanJson.class);
    } catch (UnrecognizedPropertyException e) {
      return complete(Json.error(StatusCodes.BAD_REQUEST, "unknown field '" + e.getPropertyName()
          + "'; known: partition, cuts, drop, delayMs, jitterMs, duplicate"));
    } catch (java.io.IOException e) {
      return complete(Json.error(StatusCodes.BAD_REQUEST, "malformed JSON: " + firstLine(e)));
    }
    if (request == null) {
      return complete(Json.error(StatusCodes.BAD_REQUEST, "expected a JSON object such as {\"partition\": [[\"n1\"], [\"n2\"]]}"));
    }
    try {
      FaultPlan plan = request.applyTo(transport.faultPlan(), transport.peers());
      transport.setFaultPlan(plan);
      return complete(Json.ok(FaultPlanJson.of(plan)));
    } catch (IllegalArgumentException e) {
      return complete(Json.error(StatusCodes.BAD_REQUEST, e.getMessage()));
    }
  }

  /** Admin routes need {@code Authorization: Bearer TOKEN}; the compare takes constant time. */
  private Route admin(Supplier<Route> inner) {
    return optionalHeaderValueByName("Authorization", header -> {
      if (node.adminToken().isEmpty()) {
        return unauthorized("admin API disabled: no admin token configured; set cluster-node.admin-token or admin-token-file");
      }
      if (header.isEmpty() || !header.get().startsWith("Bearer ")) {
        return unauthorized("admin routes need the header Authorization: Bearer TOKEN");
      }
      byte[] given = header.get().substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8);
      if (!MessageDigest.isEqual(given, node.adminToken().getBytes(StandardCharsets.UTF_8))) {
        return unauthorized("wrong admin token");
      }
      return inner.get();
    });
  }

  private Route unauthorized(String why) {
    return complete(Json.error(StatusCodes.UNAUTHORIZED, why)
        .addHeader(WWWAuthenticate.create(HttpChallenge.createOAuth2("clusternode"))));
  }

  private CompletionStage<HttpResponse> health() {
    PeerMonitorProvider.Instance monitor = (PeerMonitorProvider.Instance) protocols.get(PeerMonitor.NAME);
    Map<String, CompletableFuture<Object>> details = new LinkedHashMap<>();
    protocols.forEach((name, p) -> details.put(name, p.health().toCompletableFuture()
        .exceptionally(e -> Map.of("error", String.valueOf(e.getMessage())))));
    return monitor.report().thenCompose(report -> CompletableFuture.allOf(details.values().toArray(CompletableFuture[]::new))
        .thenApply(done -> {
          long reachable = 1 + report.peers().stream().filter(v -> v.status().json().equals("reachable")).count();
          int size = node.peers().size();
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("id", node.peers().selfId());
          body.put("protocols", List.copyOf(protocols.keySet()));
          body.put("status", reachable > size / 2 ? "ok" : "degraded");
          body.put("reachable", Map.of("nodes", reachable, "of", size));
          Map<String, Object> detail = new LinkedHashMap<>();
          details.forEach((name, f) -> detail.put(name, f.join()));
          body.put("details", detail);
          return Json.ok(body);
        }));
  }

  private CompletionStage<HttpResponse> peers() {
    PeerMonitorProvider.Instance monitor = (PeerMonitorProvider.Instance) protocols.get(PeerMonitor.NAME);
    return monitor.report().thenApply(report -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("self", report.self());
      body.put("peers", report.peers());
      body.put("matrix", report.matrix());
      body.put("faults", FaultPlanJson.of(transport.faultPlan()));
      return Json.ok(body);
    });
  }

  private ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder()
        .match(EntityStreamSizeException.class, e -> complete(Json.error(StatusCodes.PAYLOAD_TOO_LARGE,
            "request body larger than " + e.limit() + " bytes")))
        .match(JsonProcessingException.class, e -> complete(Json.error(StatusCodes.BAD_REQUEST,
            "malformed JSON: " + firstLine(e))))
        .matchAny(e -> {
          log.error("request failed", e);
          return complete(Json.error(StatusCodes.INTERNAL_SERVER_ERROR,
              "internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
        })
        .build();
  }

  /** Akka's own rejection answers (404, 405, 413, ...), with their text moved into the JSON shape. */
  private static RejectionHandler rejectionHandler() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(response -> {
      HttpEntity entity = response.entity();
      String text = entity instanceof HttpEntity.Strict strict ? strict.getData().utf8String() : "";
      if (text.isBlank()) {
        text = response.status().reason();
      }
      return Json.error(response.status(), text).withHeaders(response.getHeaders());
    });
  }

  private static String firstLine(Exception e) {
    String m = Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
