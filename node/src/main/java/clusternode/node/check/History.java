package clusternode.node.check;

import clusternode.protocols.http.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A history of events, recorded by many threads at once (each append is numbered and, when a file
 * is given, written as one JSON line at once, so a crash leaves everything up to it), and read
 * back as operations: each invocation paired with its completion.
 */
public final class History {
  /** Bound on the events one run records; beyond it the run is too long to check anyway. */
  public static final int MAX_EVENTS = 5_000_000;

  /** An invocation with its completion; {@code returnNs} is {@link Long#MAX_VALUE} when none came. */
  public record Operation(int id, Event invoke, Event completion) {
    public String type() {
      return completion == null ? Event.INFO : completion.type();
    }

    public long callNs() {
      return invoke.timeNs();
    }

    /** When it completed; an info (or never completed) operation may take effect until the end of time. */
    public long returnNs() {
      return completion == null || completion.type().equals(Event.INFO) ? Long.MAX_VALUE : completion.timeNs();
    }

    /** When the client stopped waiting (for drawing); the invocation time when it never did. */
    public long endNs() {
      return completion == null ? invoke.timeNs() : completion.timeNs();
    }

    public String result() {
      return completion == null ? null : completion.result();
    }

    public String error() {
      return completion == null ? null : completion.error();
    }

    public String describe() {
      StringBuilder b = new StringBuilder();
      b.append(String.format("%-7s %-4s %-8s %-6s", invoke.process(), invoke.node() == null ? "-" : invoke.node(),
          invoke.f(), invoke.key() == null ? "" : invoke.key()));
      if (invoke.expected() != null || invoke.f().equals("cas")) {
        b.append(" expected=").append(show(invoke.expected()));
      }
      if (invoke.value() != null) {
        b.append(" value=").append(invoke.value());
      }
      b.append(String.format("  [%.3f s, %s]  %s", invoke.timeNs() / 1e9,
          returnNs() == Long.MAX_VALUE ? "never" : String.format("%.3f s", returnNs() / 1e9), type()));
      if (completion != null && (invoke.f().endsWith("read") || Event.MISMATCH.equals(completion.error()))) {
        b.append(" -> ").append(show(completion.result()));
      }
      if (completion != null && completion.error() != null && !Event.MISMATCH.equals(completion.error())) {
        b.append(" (").append(completion.error()).append(')');
      }
      return b.toString();
    }

    private static String show(String v) {
      return v == null ? "<absent>" : v;
    }
  }

  private final List<Event> events = new ArrayList<>();
  private final BufferedWriter out;
  private final long startNs;

  private History(BufferedWriter out, long startNs) {
    this.out = out;
    this.startNs = startNs;
  }

  /** A history being recorded now; times are measured from this call. */
  public static History recording(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    return new History(Files.newBufferedWriter(file, StandardCharsets.UTF_8), System.nanoTime());
  }

  /** A history in memory only (tests). */
  public static History inMemory() {
    return new History(null, System.nanoTime());
  }

  public static History of(List<Event> list) {
    History h = inMemory();
    list.forEach(h::append);
    return h;
  }

  public static History read(Path file) throws IOException {
    History h = inMemory();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        h.append(Json.MAPPER.readValue(line, Event.class));
      }
    }
    return h;
  }

  /** Nanoseconds since this history began. */
  public long nowNs() {
    return System.nanoTime() - startNs;
  }

  /** Numbers and records {@code e}; returns it as recorded. */
  public synchronized Event append(Event e) {
    if (events.size() >= MAX_EVENTS) {
      throw new IllegalStateException("history over " + MAX_EVENTS + " events");
    }
    Event numbered = e.withIndex(events.size());
    events.add(numbered);
    if (out != null) {
      try {
        out.write(Json.MAPPER.writeValueAsString(numbered));
        out.write('\n');
        out.flush();
      } catch (JsonProcessingException ex) {
        throw new IllegalStateException(ex);
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
    }
    return numbered;
  }

  public synchronized List<Event> events() {
    return Collections.unmodifiableList(new ArrayList<>(events));
  }

  public synchronized void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }

  /**
   * Pairs every invocation with the next completion of the same process. An invocation without
   * one (none came, or the process invoked again first) is returned with a null completion
   * (treated as info). A completion without an invocation
   * is a malformed history.
   */
  public List<Operation> operations() {
    List<Operation> ops = new ArrayList<>();
    Map<String, Integer> open = new HashMap<>();
    List<Event> invokes = new ArrayList<>();
    List<Event> completions = new ArrayList<>();
    for (Event e : events()) {
      if (e.isInvoke()) {
        // A process that invokes again gave up on its open operation: that one stays unknown.
        open.put(e.process(), invokes.size());
        invokes.add(e);
        completions.add(null);
      } else {
        Integer i = open.remove(e.process());
        if (i == null) {
          throw new IllegalArgumentException("completion without invocation at event " + e.index() + ": " + e);
        }
        completions.set(i, e);
      }
    }
    for (int i = 0; i < invokes.size(); i++) {
      ops.add(new Operation(i, invokes.get(i), completions.get(i)));
    }
    return ops;
  }
}
