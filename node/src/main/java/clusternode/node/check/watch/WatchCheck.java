package clusternode.node.check.watch;

import clusternode.node.check.Event;
import clusternode.node.check.History.Operation;
import clusternode.node.check.watch.WatchHistory.Received;
import clusternode.node.check.watch.WatchHistory.Stream;
import clusternode.node.check.watch.WatchHistory.Write;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Judges a watch run. The committed history of the prefix is what the writers were told
 * (acknowledged writes at their revisions) plus, when it was read, the reference stream: a final
 * watch from the first revision on a healthy node, itself checked against the acknowledged writes
 * and against the final range read. Each watcher must then have received exactly that history over
 * the revisions it covers (from its first {@code fromRevision} to the last revision it was told
 * about), across its reconnections:
 *
 * <ol>
 *   <li>order: revisions never go down, and no change (revision, key) arrives twice;
 *   <li>no gap: every acknowledged write at a covered revision arrived, with its value;
 *   <li>no phantom: every change that arrived was written by some client whose write did not
 *       certainly fail;
 *   <li>the same history: over the covered revisions the watcher's changes equal the reference's,
 *       one for one, in order;
 *   <li>the reference agrees with the final range read: its changes up to the range's revision
 *       fold to the same live keys and values;
 *   <li>not stuck: after the heal every watcher reaches the last revision of the committed history
 *       within a bound (a stream that silently stops delivering would otherwise cover less and
 *       less, and pass).
 * </ol>
 * Writes of unknown outcome may appear or not. Several changes may share a revision (a txn, a
 * lease expiry); a watcher that reconnects from the last revision it saw plus one relies on the
 * server sending one revision's changes together.
 */
public final class WatchCheck {
  /** Bound on the violations listed; past it the first ones are evidence enough. */
  static final int MAX_VIOLATIONS = 50;

  /** The verdict, the evidence, and the history operations that show it. */
  public record Result(boolean valid, List<String> violations, Set<Integer> violating, Map<String, Object> stats) {}

  private final List<String> violations = new ArrayList<>();
  private final Set<Integer> violating = new TreeSet<>();
  /** (acknowledged change, watcher covering it) pairs checked: 0 means the run proved nothing. */
  private long deliveriesChecked;

  private WatchCheck() {}

  public static Result check(List<Operation> ops) {
    return new WatchCheck().run(WatchHistory.of(ops));
  }

  private Result run(WatchHistory h) {
    Map<String, Write> acked = new HashMap<>();
    Map<String, Map<String, Write>> possible = new HashMap<>(); // key -> value (or "" for a delete) -> write
    int ackedWithoutRevision = 0;
    for (Write w : h.writes()) {
      if (!w.outcome().equals(Event.FAIL)) {
        possible.computeIfAbsent(w.key(), k -> new HashMap<>()).put(w.value() == null ? "" : w.value(), w);
      }
      if (w.acknowledged() && w.changed()) {
        if (w.revision() > 0) {
          acked.put(w.revision() + "\u0000" + w.key(), w);
        } else {
          ackedWithoutRevision++;
        }
      }
    }
    List<Stream> all = new ArrayList<>(h.watchers().values());
    h.reference().ifPresent(all::add);
    for (Stream s : all) {
      if (s.stuck() != null) {
        violations.add(s.process() + ": stuck: " + s.stuck() + " (it had reached " + s.vouchedTo() + ")");
      }
      order(s);
      noGap(s, acked);
      noPhantom(s, possible);
    }
    h.reference().ifPresent(ref -> h.watchers().values().forEach(s -> sameAs(s, ref)));
    h.reference().ifPresent(ref -> h.range().ifPresent(r -> agreesWithRange(ref, h.start().orElse(null), r)));
    Map<String, Object> stats = new TreeMap<>();
    stats.put("writesAcknowledged", h.writes().stream().filter(Write::acknowledged).count());
    stats.put("writesUnknown", h.writes().stream().filter(w -> w.outcome().equals(Event.INFO)).count());
    stats.put("acknowledgedWithoutRevision", ackedWithoutRevision);
    stats.put("watchers", h.watchers().size());
    stats.put("deliveriesChecked", deliveriesChecked);
    Map<String, Object> perWatcher = new TreeMap<>();
    h.watchers().forEach((p, s) -> perWatcher.put(p, Map.of("events", s.received().size(), "connections",
        s.segments().size(), "from", s.firstFrom(), "vouchedTo", s.vouchedTo())));
    stats.put("perWatcher", perWatcher);
    stats.put("reference", h.reference().map(r -> Map.of("events", r.received().size(), "from", r.firstFrom(),
        "vouchedTo", r.vouchedTo())).orElse(null));
    stats.put("rangeRevision", h.range().map(WatchHistory.Range::revision).orElse(null));
    return new Result(violations.isEmpty(), List.copyOf(violations), Set.copyOf(violating), stats);
  }

  private void order(Stream s) {
    Set<String> seen = new HashSet<>();
    long last = 0;
    for (WatchHistory.Segment seg : s.segments()) {
      for (Received r : seg.received()) {
        WatchEvent e = r.event();
        if (e.modRevision() < seg.fromRevision()) {
          violation(r.op(), s.process() + ": received " + e.describe() + " on a stream asked to start at revision "
              + seg.fromRevision());
        }
        if (e.modRevision() < last) {
          violation(r.op(), s.process() + ": out of order: " + e.describe() + " after a change at revision " + last);
        }
        if (!seen.add(e.modRevision() + "\u0000" + e.key())) {
          violation(r.op(), s.process() + ": duplicate: " + e.describe() + " received twice");
        }
        last = Math.max(last, e.modRevision());
      }
    }
  }

  private void noGap(Stream s, Map<String, Write> acked) {
    Map<String, WatchEvent> got = new HashMap<>();
    s.received().forEach(r -> got.putIfAbsent(r.event().modRevision() + "\u0000" + r.event().key(), r.event()));
    for (Write w : acked.values().stream().sorted((a, b) -> Long.compare(a.revision(), b.revision())).toList()) {
      if (!s.covers(w.revision())) {
        continue;
      }
      if (!s.process().equals(WatchOps.REFERENCE)) {
        deliveriesChecked++;
      }
      WatchEvent e = got.get(w.revision() + "\u0000" + w.key());
      if (e == null) {
        violation(w.op(), s.process() + ": gap: missed " + w.describe() + " (it covers " + s.firstFrom() + ".."
            + s.vouchedTo() + ")");
      } else if (!e.type().equals(w.type()) || !Objects.equals(e.value(), w.value())) {
        violation(w.op(), s.process() + ": wrong change: " + w.describe() + " arrived as " + e.describe());
      }
    }
  }

  private void noPhantom(Stream s, Map<String, Map<String, Write>> possible) {
    for (Received r : s.received()) {
      WatchEvent e = r.event();
      Map<String, Write> forKey = possible.getOrDefault(e.key(), Map.of());
      if (!forKey.containsKey(e.value() == null ? "" : e.value())) {
        violation(r.op(), s.process() + ": phantom: " + e.describe() + " was written by no client whose write could "
            + "have taken effect");
      }
    }
  }

  /** Over the revisions both cover, the watcher's changes are the reference's, one for one, in order. */
  private void sameAs(Stream s, Stream ref) {
    long from = Math.max(s.firstFrom(), ref.firstFrom());
    long to = Math.min(s.vouchedTo(), ref.vouchedTo());
    if (s.segments().isEmpty() || from > to) {
      return;
    }
    List<Received> mine = s.received().stream().filter(r -> within(r, from, to)).toList();
    List<Received> theirs = ref.received().stream().filter(r -> within(r, from, to)).toList();
    int i = 0;
    for (; i < Math.min(mine.size(), theirs.size()); i++) {
      WatchEvent a = mine.get(i).event();
      WatchEvent b = theirs.get(i).event();
      if (!a.sameChange(b)) {
        String what = a.modRevision() > b.modRevision() ? "gap: missed " + b.describe() + ", next came " + a.describe()
            : a.modRevision() < b.modRevision() ? "extra change " + a.describe() + " where the committed history has "
                + b.describe() : "wrong change: " + a.describe() + " where the committed history has " + b.describe();
        violation(mine.get(i).op(), s.process() + ": differs from the committed history (reference stream) at its "
            + "change #" + i + " within " + from + ".." + to + ": " + what);
        return;
      }
    }
    if (mine.size() < theirs.size()) {
      violation(theirs.get(i).op(), s.process() + ": gap: missed " + theirs.get(i).event().describe() + " and "
          + (theirs.size() - i - 1) + " later committed changes within " + from + ".." + to);
    } else if (mine.size() > theirs.size()) {
      violation(mine.get(i).op(), s.process() + ": extra change " + mine.get(i).event().describe()
          + " not in the committed history");
    }
  }

  private static boolean within(Received r, long from, long to) {
    return r.event().modRevision() >= from && r.event().modRevision() <= to;
  }

  /**
   * The reference's changes up to the final range read's revision, applied to what the setup range
   * read found, give the final range's live keys and values.
   */
  private void agreesWithRange(Stream ref, WatchHistory.Range start, WatchHistory.Range range) {
    long startRevision = start == null ? 0 : start.revision();
    if (ref.firstFrom() > startRevision + 1 || ref.vouchedTo() < range.revision()) {
      return; // the reference does not hold the whole history since the setup read: no fold to compare
    }
    Map<String, String> folded = new TreeMap<>(start == null ? Map.of() : start.values());
    for (Received r : ref.received()) {
      if (r.event().modRevision() > startRevision && r.event().modRevision() <= range.revision()) {
        if (r.event().type().equals(WatchEvent.PUT)) {
          folded.put(r.event().key(), r.event().value());
        } else {
          folded.remove(r.event().key());
        }
      }
    }
    if (!folded.equals(range.values())) {
      Set<String> keys = new TreeSet<>(folded.keySet());
      keys.addAll(range.values().keySet());
      for (String k : keys) {
        if (!Objects.equals(folded.get(k), range.values().get(k))) {
          violation(range.op(), "the final range read at revision " + range.revision() + " has " + k + "="
              + range.values().get(k) + " but the committed history (reference stream) folds to " + k + "="
              + folded.get(k));
        }
      }
    }
  }

  private void violation(int op, String why) {
    violating.add(op);
    if (violations.size() < MAX_VIOLATIONS) {
      violations.add(why);
    }
  }
}
