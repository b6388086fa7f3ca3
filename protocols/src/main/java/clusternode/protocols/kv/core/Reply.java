package clusternode.protocols.kv.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The answer to a coordination command or query: an HTTP-like status decided by the state
 * machine (so every replica answers alike and the route only renders it), an error message when
 * not 200, and the body.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Reply(int status, String error, JsonNode body) {
  public static final int OK = 200;
  public static final int BAD_REQUEST = 400;
  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;
  public static final int GONE = 410;
  public static final int TOO_MANY = 429;
  public static final int NOT_IMPLEMENTED = 501;

  public boolean ok() {
    return status == OK;
  }

  static Reply ok(JsonNode body) {
    return new Reply(OK, null, body);
  }

  static Reply error(int status, String message) {
    return new Reply(status, message, null);
  }
}
