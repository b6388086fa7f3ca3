package clusternode.node.check.watch;

import clusternode.protocols.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Optional;

/**
 * One change as {@code GET /watch} reports it (contract: {@code data: {type: put|delete, key,
 * value?, modRevision, createRevision?, lease?}}). A data line that is not such a change (a
 * progress notification, an error, a cancellation) parses to nothing and is kept as it came.
 *
 * @param value null for a delete
 * @param createRevision 0 when the event does not say
 * @param lease 0 when none
 */
public record WatchEvent(String type, String key, String value, long modRevision, long createRevision, long lease) {
  public static final String PUT = "put";
  public static final String DELETE = "delete";

  public WatchEvent {
    if (!PUT.equals(type) && !DELETE.equals(type)) {
      throw new IllegalArgumentException("a change is a put or a delete: " + type);
    }
    if (key == null || modRevision <= 0) {
      throw new IllegalArgumentException("a change needs a key and a revision > 0");
    }
  }

  /** The change a data payload carries, or empty when it is not a change event (or not JSON). */
  public static Optional<WatchEvent> parse(String data) {
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(data);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (n == null || !n.isObject()) {
      return Optional.empty();
    }
    String type = n.path("type").asText("");
    JsonNode key = n.get("key");
    long rev = n.path("modRevision").asLong(0);
    if (!(PUT.equals(type) || DELETE.equals(type)) || key == null || !key.isTextual() || rev <= 0) {
      return Optional.empty();
    }
    JsonNode value = n.get("value");
    return Optional.of(new WatchEvent(type, key.asText(), value == null || value.isNull() ? null : value.asText(), rev,
        n.path("createRevision").asLong(0), n.path("lease").asLong(0)));
  }

  /**
   * The revision a progress notification vouches for (every change up to it has been sent), or 0
   * when {@code data} is not one. Only a message the server names {@code progress} (as the SSE
   * event name or as {@code type}) counts: an error payload also carries a revision and vouches for
   * nothing.
   */
  public static long progressRevision(String eventName, String data) {
    try {
      JsonNode n = Json.MAPPER.readTree(data);
      if (n == null || !n.isObject()) {
        return 0;
      }
      boolean progress = "progress".equals(eventName) || "progress".equals(n.path("type").asText(""));
      return progress && n.path("revision").canConvertToLong() ? Math.max(0, n.path("revision").asLong(0)) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Same change: same revision, key, type and value (lease and createRevision are not compared). */
  public boolean sameChange(WatchEvent o) {
    return modRevision == o.modRevision && key.equals(o.key) && type.equals(o.type)
        && java.util.Objects.equals(value, o.value);
  }

  public String describe() {
    return type + " " + key + (value == null ? "" : "=" + value) + " @" + modRevision;
  }
}
