package clusternode.node.check;

import clusternode.node.check.History.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a PN-counter and an add-wins OR-set must hold once every fault is healed, from what the
 * clients saw, and whether the nodes' final states hold it.
 *
 * <ul>
 *   <li>counter: every acknowledged update counts, an unknown (info) one may or may not, a failed
 *       one must not; so the value lies in [acknowledged + unknown decrements, acknowledged +
 *       unknown increments];
 *   <li>set: an acknowledged add must be present unless some remove of that element could have
 *       seen it (a remove that did not certainly fail and did not finish before the add began; an
 *       observed remove only removes what its replica had seen, so with one the element may be
 *       either way); an element nobody tried to add must never appear (a phantom), neither at the
 *       end nor in any read during the run;
 *   <li>convergence: every node holds the same counter value and the same set.
 * </ul>
 */
public final class CrdtCheck {
  static final String COUNTER_ADD = "counter-add";
  static final String COUNTER_READ = "counter-read";
  static final String SET_ADD = "set-add";
  static final String SET_REMOVE = "set-remove";
  static final String SET_READ = "set-read";
  /** How many elements of a set difference a violation names: enough to look them up, not the whole set. */
  private static final int SHOWN = 5;
  static final String UNREADABLE = ": could not be read";

  /**
   * What every node must converge to.
   *
   * @param mustContain element -> the acknowledged add that makes it required
   * @param mayContain every element some add may have put in (acknowledged or unknown)
   */
  public record Expectation(long counterAcknowledged, long counterMin, long counterMax, int counterUpdates,
      Map<String, Operation> mustContain, Set<String> mayContain) {}

  /** One node's state as read locally; a null field: that part could not be read. */
  public record Observation(String node, Long counter, Set<String> elements) {
    boolean complete() {
      return counter != null && elements != null;
    }
  }

  /**
   * The verdict on one round of observations: converged, or the smallest evidence of why not.
   *
   * @param missingAdds the acknowledged adds some node lacks (operation ids), for the report to mark
   * @param wrongCounterOn nodes whose final counter is out of bounds or differs from another's
   * @param wrongSetOn nodes whose final set lacks a required element, holds a phantom, or differs
   */
  public record Verdict(boolean converged, List<String> violations, Set<Integer> missingAdds,
      Set<String> wrongCounterOn, Set<String> wrongSetOn) {}

  private CrdtCheck() {}

  public static Expectation expect(List<Operation> ops) {
    long acknowledged = 0;
    long unknownUp = 0;
    long unknownDown = 0;
    int updates = 0;
    Map<String, List<Operation>> removes = new LinkedHashMap<>();
    List<Operation> adds = new ArrayList<>();
    Set<String> may = new TreeSet<>();
    for (Operation op : ops) {
      if (!Report.isClient(op) || op.type().equals(Event.FAIL)) {
        continue; // a failed operation certainly did not happen
      }
      switch (op.invoke().f()) {
        case COUNTER_ADD -> {
          long delta = Long.parseLong(op.invoke().value());
          updates++;
          if (op.type().equals(Event.OK)) {
            acknowledged += delta;
          } else if (delta > 0) {
            unknownUp += delta;
          } else {
            unknownDown += delta;
          }
        }
        case SET_ADD -> {
          may.add(op.invoke().value());
          if (op.type().equals(Event.OK)) {
            adds.add(op);
          }
        }
        case SET_REMOVE -> removes.computeIfAbsent(op.invoke().value(), k -> new ArrayList<>()).add(op);
        default -> {
          // reads change nothing
        }
      }
    }
    Map<String, Operation> must = new LinkedHashMap<>();
    for (Operation add : adds) {
      String e = add.invoke().value();
      boolean couldBeRemoved = removes.getOrDefault(e, List.of()).stream()
          .anyMatch(r -> r.returnNs() >= add.callNs()); // info removes never return: they could
      if (!couldBeRemoved) {
        must.putIfAbsent(e, add);
      }
    }
    return new Expectation(acknowledged, acknowledged + unknownDown, acknowledged + unknownUp, updates, must, may);
  }

  /** Phantoms in the reads during the run: an element read before anyone began to add it. */
  public static List<String> readViolations(List<Operation> ops) {
    return phantomReads(ops).stream().map(p -> "phantom element '" + p.element() + "' read before any add of it began: "
        + p.read().describe()).toList();
  }

  /** A read during the run that saw {@code element} before any add of it began. */
  record PhantomRead(Operation read, String element) {}

  /** The first few phantom reads (at most {@link #SHOWN}). */
  static List<PhantomRead> phantomReads(List<Operation> ops) {
    Map<String, Long> firstAddNs = new LinkedHashMap<>();
    for (Operation op : ops) {
      if (Report.isClient(op) && op.invoke().f().equals(SET_ADD) && !op.type().equals(Event.FAIL)) {
        firstAddNs.merge(op.invoke().value(), op.callNs(), Math::min);
      }
    }
    List<PhantomRead> phantoms = new ArrayList<>();
    for (Operation op : ops) {
      if (!op.invoke().f().equals(SET_READ) || !op.type().equals(Event.OK) || op.result() == null) {
        continue;
      }
      for (String e : elements(op.result())) {
        Long added = firstAddNs.get(e);
        if (added == null || added > op.returnNs()) {
          phantoms.add(new PhantomRead(op, e));
          if (phantoms.size() >= SHOWN) {
            return phantoms;
          }
        }
      }
    }
    return phantoms;
  }

  /** Judges one round of final observations (one per node, every node of the run). */
  public static Verdict judge(Expectation x, List<Observation> observed) {
    List<String> violations = new ArrayList<>();
    Set<Integer> missingAdds = new TreeSet<>();
    Set<String> wrongCounterOn = new TreeSet<>();
    Set<String> wrongSetOn = new TreeSet<>();
    if (observed.isEmpty()) {
      violations.add("no node was read");
    }
    for (Observation o : observed) {
      if (!o.complete()) {
        violations.add(o.node() + UNREADABLE);
        continue;
      }
      if (o.counter() < x.counterMin()) {
        violations.add(String.format("%s: counter %d is below %d: an acknowledged update was lost (acknowledged "
            + "updates sum to %d, unknown ones allow [%d, %d])", o.node(), o.counter(), x.counterMin(),
            x.counterAcknowledged(), x.counterMin(), x.counterMax()));
        wrongCounterOn.add(o.node());
      } else if (o.counter() > x.counterMax()) {
        violations.add(String.format("%s: counter %d is above %d: an update counted twice or from nowhere "
            + "(acknowledged updates sum to %d, unknown ones allow [%d, %d])", o.node(), o.counter(), x.counterMax(),
            x.counterAcknowledged(), x.counterMin(), x.counterMax()));
        wrongCounterOn.add(o.node());
      }
      int shown = 0;
      for (Map.Entry<String, Operation> e : x.mustContain().entrySet()) {
        if (!o.elements().contains(e.getKey()) && shown++ < SHOWN) {
          violations.add(o.node() + ": acknowledged add of '" + e.getKey() + "', never removed, is missing: "
              + e.getValue().describe());
          missingAdds.add(e.getValue().id());
          wrongSetOn.add(o.node());
        }
      }
      shown = 0;
      for (String e : o.elements()) {
        if (!x.mayContain().contains(e) && shown++ < SHOWN) {
          violations.add(o.node() + ": phantom element '" + e + "': no client ever tried to add it");
          wrongSetOn.add(o.node());
        }
      }
    }
    divergence(observed, violations, wrongCounterOn, wrongSetOn);
    return new Verdict(violations.isEmpty(), violations, missingAdds, wrongCounterOn, wrongSetOn);
  }

  private static void divergence(List<Observation> observed, List<String> violations, Set<String> wrongCounterOn,
      Set<String> wrongSetOn) {
    List<Observation> readable = observed.stream().filter(Observation::complete).toList();
    if (readable.size() < 2) {
      return;
    }
    Observation first = readable.get(0);
    for (Observation o : readable.subList(1, readable.size())) {
      if (!Objects.equals(first.counter(), o.counter())) {
        violations.add("nodes disagree on the counter: " + first.node() + " " + first.counter() + ", " + o.node() + " "
            + o.counter());
        wrongCounterOn.addAll(List.of(first.node(), o.node()));
      }
      if (!first.elements().equals(o.elements())) {
        violations.add("nodes disagree on the set: only on " + first.node() + " " + firstFew(minus(first, o))
            + ", only on " + o.node() + " " + firstFew(minus(o, first)));
        wrongSetOn.addAll(List.of(first.node(), o.node()));
      }
    }
  }

  private static Set<String> minus(Observation a, Observation b) {
    Set<String> d = new TreeSet<>(a.elements());
    d.removeAll(b.elements());
    return d;
  }

  private static String firstFew(Set<String> s) {
    List<String> l = s.stream().limit(SHOWN).toList();
    return s.size() > SHOWN ? l + " and " + (s.size() - SHOWN) + " more" : l.toString();
  }

  /** A set read's result as recorded: elements joined by a comma (elements never contain one). */
  static Set<String> elements(String recorded) {
    Set<String> out = new TreeSet<>();
    if (recorded != null && !recorded.isEmpty()) {
      out.addAll(List.of(recorded.split(",")));
    }
    return out;
  }

  static String record(Set<String> elements) {
    return String.join(",", new TreeSet<>(elements));
  }
}
