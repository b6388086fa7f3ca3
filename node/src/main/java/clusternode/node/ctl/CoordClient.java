package clusternode.node.ctl;

import clusternode.protocols.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * The coordination verbs' HTTP: plain JSON calls with a per-call timeout (a lock wait is long), and
 * Server-Sent Events read line by line as they arrive.
 */
final class CoordClient {
  record Answer(int status, String body) {
    JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException("not JSON: " + body);
      }
    }

    boolean ok() {
      return status / 100 == 2;
    }

    String error() {
      try {
        return json().path("error").asText(body);
      } catch (IllegalStateException e) {
        return body;
      }
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String base;

  CoordClient(URI url) {
    String s = url.toString();
    this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  Answer send(String method, String path, String json, Duration timeout) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * Reads the event stream at {@code path}, handing each {@code data:} payload (with the last
   * {@code id:} seen, or -1, and the event name) to {@code onEvent} until it returns false or the
   * stream ends. Answers the HTTP status, or the error answer when it is not 200.
   */
  Answer stream(String path, SseHandler onEvent) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/event-stream").build();
    HttpResponse<java.io.InputStream> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (r.statusCode() != 200) {
      return new Answer(r.statusCode(), new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
    }
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      String event = "message";
      long id = -1;
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("id: ")) {
          id = Long.parseLong(line.substring(4).strip());
        } else if (line.startsWith("event: ")) {
          event = line.substring(7).strip();
        } else if (line.startsWith("data: ")) {
          if (!onEvent.on(event, id, line.substring(6))) {
            break;
          }
          event = "message";
        }
      }
    }
    return new Answer(200, "");
  }

  @FunctionalInterface
  interface SseHandler {
    boolean on(String event, long lastId, String data);
  }

  static Predicate<Answer> ok() {
    return Answer::ok;
  }
}
