package clusternode.pbft.http;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import clusternode.pbft.core.Byzantine;
import clusternode.pbft.core.PbftStatus;
import clusternode.pbft.shell.PbftReplicated;
import clusternode.protocols.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health/consensus} (or {@code /health/pbft} when Raft serves the former):
 * {@code {view, primary, lastExecuted, stableCheckpoint, ...}}; and the admin routes
 * {@code POST /admin/pbft/byzantine {"mode": "..."}} (also at {@code /admin/byzantine}) and
 * {@code GET} of the same path.
 */
public final class PbftRoutes extends AllDirectives {
  private final PbftReplicated pbft;
  private final String healthPath;

  /** @param healthPath {@code consensus} or {@code pbft}: the segment under {@code /health} */
  public PbftRoutes(PbftReplicated pbft, String healthPath) {
    this.pbft = pbft;
    this.healthPath = healthPath;
  }

  public Route routes() {
    return pathPrefix("health", () -> path(healthPath, () -> get(() -> completeWithFuture(
        pbft.status().thenApply(s -> Json.ok(asMap(s))).exceptionally(Json::failure)))));
  }

  public Route adminRoutes() {
    return concat(pathPrefix("pbft", () -> path("byzantine", this::byzantine)), path("byzantine", this::byzantine));
  }

  private Route byzantine() {
    return concat(
        get(() -> completeWithFuture(pbft.status().thenApply(s -> Json.ok(Map.of("mode", s.byzantine())))
            .exceptionally(Json::failure))),
        post(() -> entity(Unmarshaller.entityToByteArray(), body -> {
          Byzantine mode;
          try {
            JsonNode json = Json.readTree(body);
            // Exactly one field: a body with more (a typo'd option, a client from another version) must
            // not switch a replica to a byzantine mode while the extra field is silently ignored.
            if (json == null || !json.isObject() || json.size() != 1 || !json.has("mode") || !json.get("mode").isTextual()) {
              return complete(Json.error(StatusCodes.BAD_REQUEST, "expected {\"mode\": \"honest|silent|equivocate|forge|lie|slow-primary|flood\"}"));
            }
            mode = Byzantine.parse(json.get("mode").asText());
          } catch (IOException e) {
            return complete(Json.error(StatusCodes.BAD_REQUEST, "malformed JSON; expected {\"mode\": \"...\"}"));
          } catch (IllegalArgumentException e) {
            return complete(Json.error(StatusCodes.BAD_REQUEST, e.getMessage()));
          }
          return completeWithFuture(pbft.setByzantine(mode).thenApply(s -> Json.ok(asMap(s))).exceptionally(Json::failure));
        })));
  }

  public static Map<String, Object> asMap(PbftStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id());
    m.put("view", s.view());
    m.put("primary", s.primary());
    m.put("viewActive", s.active());
    m.put("lastExecuted", s.lastExecuted());
    m.put("stableCheckpoint", s.stableCheckpoint());
    m.put("highWater", s.highWater());
    m.put("pendingRequests", s.pendingRequests());
    m.put("byzantine", s.byzantine());
    return m;
  }
}
