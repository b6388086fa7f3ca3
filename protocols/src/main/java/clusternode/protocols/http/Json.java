package clusternode.protocols.http;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON for the HTTP API: one mapper, one error shape ({@code {"error": ..., "status": ...}}) for
 * every route of every protocol. Reading is strict: well-formed UTF-8 only, unknown and duplicate
 * fields are an error, and nesting depth, string and number length are bounded.
 */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      // {"delta": 1, "delta": 1} is not one request: refuse it rather than let the last one win.
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  static {
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(32).maxStringLength(1 << 20).maxNumberLength(32).build());
  }

  private Json() {}

  /**
   * Reads a request body as a JSON tree: strict UTF-8 first (Jackson lets overlong forms and
   * encoded surrogates through), then the mapper's limits. A blank body is a MissingNode.
   */
  public static JsonNode readTree(byte[] body) throws IOException {
    requireUtf8(body);
    return MAPPER.readTree(body);
  }

  /** A body already decoded to text, under the mapper's limits. */
  public static JsonNode readTree(String body) throws IOException {
    return MAPPER.readTree(body);
  }

  /** Reads a request body as {@code type}, checked as {@link #readTree}. */
  public static <T> T read(byte[] body, Class<T> type) throws IOException {
    requireUtf8(body);
    return MAPPER.readValue(body, type);
  }

  /** @throws JsonParseException naming the byte offset of the first byte that is not well-formed UTF-8 */
  public static void requireUtf8(byte[] body) throws JsonParseException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body);
    CharBuffer out = CharBuffer.allocate(Math.min(body.length, 8192) + 16);
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isError()) {
        throw new JsonParseException((JsonParser) null, "invalid UTF-8 at byte " + in.position());
      }
      if (result.isUnderflow()) {
        return;
      }
      out.clear(); // overflow: only validity matters, drop the decoded characters
    }
  }

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
