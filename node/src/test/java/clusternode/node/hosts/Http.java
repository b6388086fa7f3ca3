package clusternode.node.hosts;

import clusternode.protocols.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** Plain HTTP to the nodes' namespace addresses, from this machine's side of the bridge. */
final class Http {
  record Answer(int status, String body) {}

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Http() {}

  /** The answer, or empty when the node does not answer within {@code timeout} (paused, cut off). */
  static Optional<Answer> send(String base, String method, String path, String body, Duration timeout) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
      b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return Optional.of(new Answer(r.statusCode(), r.body()));
    } catch (java.io.IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  static Optional<JsonNode> json(String base, String path) {
    return send(base, "GET", path, null, Duration.ofSeconds(3)).filter(a -> a.status() == 200).map(a -> {
      try {
        return Json.MAPPER.readTree(a.body());
      } catch (java.io.IOException e) {
        throw new AssertionError("not JSON from " + base + path + ": " + a.body());
      }
    });
  }
}
