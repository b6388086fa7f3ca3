package clusternode.protocols.http;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON for the HTTP API: one mapper, one error shape ({@code {"error": ..., "status": ...}}) for
 * every route of every protocol. Reading is strict: unknown fields are an error, and nesting depth
 * and string length are bounded.
 */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  static {
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(32).maxStringLength(1 << 20).maxNumberLength(32).build());
  }

  private Json() {}

  public static HttpResponse ok(Object body) {
    return response(StatusCodes.OK, body);
  }

  public static HttpResponse response(StatusCode status, Object body) {
    try {
      return HttpResponse.create().withStatus(status)
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render JSON for " + body.getClass(), e);
    }
  }

  /**
   * The answer for a failed request: {@code Unavailable} is 503 (no leader, no quorum, timeout),
   * {@code Overloaded} 429 (too many requests waiting here; nothing was proposed),
   * {@code IllegalArgumentException} 400, anything else 500.
   */
  public static HttpResponse failure(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof clusternode.protocols.statemachine.Unavailable) {
      return error(StatusCodes.SERVICE_UNAVAILABLE, t.getMessage());
    }
    if (t instanceof clusternode.protocols.statemachine.Overloaded) {
      return error(StatusCodes.TOO_MANY_REQUESTS, t.getMessage());
    }
    if (t instanceof IllegalArgumentException) {
      return error(StatusCodes.BAD_REQUEST, t.getMessage());
    }
    return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error: " + t.getClass().getSimpleName() + ": " + t.getMessage());
  }

  /** The API's one error shape. */
  public static HttpResponse error(StatusCode status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("status", status.intValue());
    return response(status, body);
  }
}
