package clusternode.node.check.watch;

import clusternode.node.check.Event;
import clusternode.node.check.History.Operation;
import clusternode.protocols.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A watch run's history read back as what the checker reasons about: the writers' writes with
 * their outcomes, each watcher's received changes with the range of revisions it vouches for, and
 * the final range read. Pure: operations in, records out.
 */
public record WatchHistory(List<Write> writes, Map<String, Stream> watchers, Optional<Stream> reference,
    Optional<Range> start, Optional<Range> range) {

  /**
   * One writer operation.
   *
   * @param type {@link WatchEvent#PUT} or {@link WatchEvent#DELETE}
   * @param outcome ok, fail or info
   * @param revision the revision the node acknowledged; 0 when unknown or when nothing changed
   * @param changed false for an acknowledged delete of an absent key (no event is due)
   */
  public record Write(int op, String process, String type, String key, String value, String outcome, long revision,
      boolean changed) {
    boolean acknowledged() {
      return outcome.equals(Event.OK);
    }

    String describe() {
      return process + " " + type + " " + key + (value == null ? "" : "=" + value)
          + (revision > 0 ? " acknowledged at revision " + revision : "");
    }
  }

  /** A received change and the operation that recorded it. */
  public record Received(int op, WatchEvent event) {}

  /** One connection: the revision asked for and the changes it delivered, in arrival order. */
  public record Segment(int op, long fromRevision, List<Received> received) {}

  /**
   * One watcher's whole life, its reconnections included.
   *
   * @param vouchedTo the highest revision the watcher was told everything up to (an event, a
   *     progress notification or the final catch-up reached it); 0 if none
   * @param stuck why the watcher did not catch up after the heal (a failed {@code watch-caught-up});
   *     null when it did or was not asked
   */
  public record Stream(String process, List<Segment> segments, long vouchedTo, String stuck) {
    /** The first revision asked for; 0 when it never connected. */
    public long firstFrom() {
      return segments.isEmpty() ? 0 : segments.get(0).fromRevision();
    }

    /** Every change received, in arrival order. */
    public List<Received> received() {
      List<Received> all = new ArrayList<>();
      segments.forEach(s -> all.addAll(s.received()));
      return all;
    }

    /** Whether this stream owes every change at {@code revision}. */
    public boolean covers(long revision) {
      return !segments.isEmpty() && revision >= firstFrom() && revision <= vouchedTo;
    }
  }

  /** A {@code GET /kv?prefix=} (before the run, or the final one): its revision and the live keys' values. */
  public record Range(int op, long revision, Map<String, String> values) {}

  public static WatchHistory of(List<Operation> ops) {
    List<Write> writes = new ArrayList<>();
    Map<String, List<Operation>> byProcess = new TreeMap<>();
    Range start = null;
    Range range = null;
    for (Operation op : ops) {
      String f = op.invoke().f();
      if (op.invoke().process().equals(Event.NEMESIS)) {
        continue;
      }
      if (f.equals(WatchOps.PUT) || f.equals(WatchOps.DELETE)) {
        writes.add(write(op));
      } else if (WatchOps.isStreamOp(f)) {
        byProcess.computeIfAbsent(op.invoke().process(), k -> new ArrayList<>()).add(op);
      } else if (f.equals(WatchOps.RANGE) && op.type().equals(Event.OK)) {
        if (op.invoke().process().equals(WatchOps.SETUP)) {
          start = range(op);
        } else {
          range = range(op);
        }
      }
    }
    Map<String, Stream> watchers = new LinkedHashMap<>();
    Stream reference = null;
    for (Map.Entry<String, List<Operation>> e : byProcess.entrySet()) {
      Stream s = stream(e.getKey(), e.getValue());
      if (e.getKey().equals(WatchOps.REFERENCE)) {
        reference = s;
      } else {
        watchers.put(e.getKey(), s);
      }
    }
    return new WatchHistory(writes, watchers, Optional.ofNullable(reference), Optional.ofNullable(start),
        Optional.ofNullable(range));
  }

  private static Write write(Operation op) {
    Event in = op.invoke();
    String result = op.result();
    boolean changed = !WatchOps.NO_CHANGE.equals(result);
    long revision = 0;
    if (op.type().equals(Event.OK) && changed && result != null) {
      try {
        revision = Long.parseLong(result);
      } catch (NumberFormatException e) {
        revision = 0; // the node's answer named no revision: checked by value against the reference only
      }
    }
    return new Write(op.id(), in.process(), in.f(), in.key(), in.f().equals(WatchOps.PUT) ? in.value() : null,
        op.type(), revision, changed);
  }

  private static Stream stream(String process, List<Operation> ops) {
    List<Segment> segments = new ArrayList<>();
    List<Received> current = null;
    long vouched = 0;
    String stuck = null;
    for (Operation op : ops) {
      Event in = op.invoke();
      switch (in.f()) {
        case WatchOps.OPEN -> {
          if (op.type().equals(Event.OK)) {
            current = new ArrayList<>();
            segments.add(new Segment(op.id(), parseLong(in.value()), current));
          }
        }
        case WatchOps.EVENT -> {
          Optional<WatchEvent> ev = WatchEvent.parse(op.result() == null ? "" : op.result());
          if (ev.isPresent()) {
            if (current == null) { // an event with no open stream: keep it, it is evidence
              current = new ArrayList<>();
              segments.add(new Segment(op.id(), 0, current));
            }
            current.add(new Received(op.id(), ev.get()));
            vouched = Math.max(vouched, ev.get().modRevision());
          }
        }
        case WatchOps.OTHER -> vouched = Math.max(vouched,
            WatchEvent.progressRevision(in.value(), op.result() == null ? "" : op.result()));
        case WatchOps.CAUGHT_UP -> {
          if (op.type().equals(Event.OK)) {
            vouched = Math.max(vouched, parseLong(in.value()));
          } else {
            stuck = "did not reach revision " + in.value() + " after the heal: " + op.error();
          }
        }
        case WatchOps.END -> current = null;
        default -> {
          // other stream words carry nothing the checker uses
        }
      }
    }
    return new Stream(process, segments, vouched, stuck);
  }

  private static Range range(Operation op) {
    try {
      JsonNode n = Json.MAPPER.readTree(op.result());
      Map<String, String> values = new TreeMap<>();
      for (JsonNode kv : n.path("kvs")) {
        values.put(kv.path("key").asText(), kv.path("value").isNull() ? null : kv.path("value").asText());
      }
      return new Range(op.id(), n.path("revision").asLong(0), values);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long parseLong(String s) {
    try {
      return s == null ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
