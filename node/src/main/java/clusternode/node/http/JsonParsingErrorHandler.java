package clusternode.node.http;

import akka.event.LoggingAdapter;
import akka.http.ParsingErrorHandler;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.scaladsl.model.ErrorInfo;
import akka.http.scaladsl.model.StatusCode;
import akka.http.scaladsl.settings.ServerSettings;
import clusternode.protocols.http.Json;

/**
 * Answers requests too malformed for any route (bad request line, invalid percent-encoding, header
 * or URI too long, unknown method, bad chunking) with the API's JSON error, as every other error.
 * Akka's own answer is plain text. Such a request is always the client's fault, so a 5xx the parser
 * picked (501 unknown method, 505 unknown HTTP version, 501 unknown transfer coding) becomes 405
 * (unknown method) or 400.
 * Named in {@code akka.http.server.parsing.error-handler} by {@code NodeConfig}.
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler {
  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    String summary = info.summary() == null || info.summary().isBlank() ? status.reason() : info.summary();
    int code = status.intValue();
    if (code == 501 && summary.toLowerCase(java.util.Locale.ROOT).contains("method")) {
      return Json.error(StatusCodes.METHOD_NOT_ALLOWED, summary + "; this API uses GET, PUT, POST and DELETE");
    }
    if (code < 400 || code >= 500) {
      return Json.error(StatusCodes.BAD_REQUEST, summary);
    }
    return Json.error(StatusCodes.get(code), summary);
  }
}
