package clusternode.node.check.watch;

import java.util.Optional;

/**
 * Server-Sent Events framing (the WHATWG "event stream" rules), fed one line at a time: {@code data:}
 * lines accumulate, {@code event:} and {@code id:} set the message's name and id, a line starting
 * with {@code :} is a comment (a keep-alive), and a blank line dispatches the message. Pure: the
 * caller owns the socket, so the same code reads a node's stream and a test's strings.
 */
public final class SseParser {
  /** Bound on one message's data, so a stream that never sends a blank line cannot grow memory. */
  public static final int MAX_DATA_CHARS = 1 << 20;

  /** One dispatched message; {@code event} is {@code message} when the server named none. */
  public record Message(String event, String data, String id) {}

  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String event;
  private String id;

  /**
   * Takes one line without its line terminator; returns the message a blank line completes.
   *
   * @throws IllegalStateException when one message's data passes {@link #MAX_DATA_CHARS}
   */
  public Optional<Message> line(String line) {
    if (line.isEmpty()) {
      return dispatch();
    }
    if (line.startsWith(":")) {
      return Optional.empty(); // a comment: servers send these to keep an idle connection open
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
        if (data.length() > MAX_DATA_CHARS) {
          throw new IllegalStateException("an event's data passed " + MAX_DATA_CHARS + " characters without an end");
        }
      }
      case "event" -> event = value;
      case "id" -> id = value;
      default -> {
        // retry: and unknown fields carry nothing a watcher needs
      }
    }
    return Optional.empty();
  }

  private Optional<Message> dispatch() {
    Optional<Message> out = hasData || event != null
        ? Optional.of(new Message(event == null ? "message" : event, data.toString(), id))
        : Optional.empty();
    data.setLength(0);
    hasData = false;
    event = null;
    return out;
  }
}
