package clusternode.node.check;

import clusternode.node.check.History.Operation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Linearizability of a history of registers (read, write, compare-and-set on keys), checked the
 * way Porcupine and Knossos do: the history is split per key (a register per key is independent,
 * so the whole is linearizable iff every key is: P-compositionality), and each key's history is
 * searched with Wing and Gong's algorithm as improved by Lowe: walk the invocations and returns in
 * time order, try to linearize any operation whose invocation comes before the first pending
 * return, backtrack when a return is reached whose operation is not yet linearized, and remember
 * every (set of linearized operations, register value) pair already explored so no state is
 * explored twice.
 *
 * <p>Unknown outcomes (info): a write or cas whose answer never came may take effect at any point
 * after its invocation, or never. It is given a return at the end of time, so it can be
 * linearized anywhere after its invocation; linearizing it after everything else is the same as
 * never (no later operation observes it). A read whose answer never came constrains nothing and
 * is dropped, as is any operation that certainly failed. A cas refused with 409 certainly took
 * place as a read: the value then was not the expected one and was the {@code current} it
 * reported.
 *
 * <p>The search is bounded ({@link Limits}); past the bound the verdict is {@link Verdict#UNKNOWN},
 * never a guess. A violation is reduced to a small witness: the shortest prefix of the key's
 * history (operations still running at the cut become unknown) that is not linearizable, then
 * greedily without every operation whose removal keeps it so, sparing the writes some remaining
 * operation observed (so a stale read keeps the writes that make it stale).
 */
public final class Linearizability {
  public enum Verdict { VALID, INVALID, UNKNOWN }

  /** Bounds of one key's search: steps walked and (set, value) states remembered. */
  public record Limits(long maxSteps, int maxStates, int maxMinimizeChecks) {
    public static final Limits DEFAULT = new Limits(50_000_000L, 2_000_000, 400);
  }

  /**
   * The verdict; for INVALID the key, the witness (operations, as given, in invocation order) and
   * the witness as lines; per key the verdict and steps searched.
   */
  public record Result(Verdict verdict, String key, List<Operation> witness, List<String> witnessLines,
      Map<String, Verdict> perKey, long steps, String explanation) {
    public boolean valid() {
      return verdict == Verdict.VALID;
    }
  }

  static final String ABSENT = "\u0000absent";
  private static final int READ = 0;
  private static final int WRITE = 1;
  private static final int CAS = 2;
  private static final int OK = 0;
  private static final int MISMATCH = 1;
  private static final int INFO = 2;

  /** One register operation as the search sees it. */
  private record RegOp(int id, Operation source, int kind, String value, String expected, int outcome,
      String result, long call, long ret, boolean cut) {
    RegOp asUnknown(int newId) {
      return new RegOp(newId, source, kind, value, expected, INFO, null, call, Long.MAX_VALUE, true);
    }

    RegOp renumbered(int newId) {
      return new RegOp(newId, source, kind, value, expected, outcome, result, call, ret, cut);
    }

    String line() {
      String base = source.describe();
      return cut ? base + "  (still running at the cut: unknown)" : base;
    }
  }

  private Linearizability() {}

  public static Result check(List<Operation> operations) {
    return check(operations, Limits.DEFAULT);
  }

  /** Checks every register operation (f = read, write or cas) of {@code operations}; others are ignored. */
  public static Result check(List<Operation> operations, Limits limits) {
    Map<String, List<RegOp>> byKey = new LinkedHashMap<>();
    for (Operation op : operations) {
      RegOp r = toRegOp(op);
      if (r != null) {
        byKey.computeIfAbsent(op.invoke().key(), k -> new ArrayList<>()).add(r);
      }
    }
    Map<String, Verdict> perKey = new LinkedHashMap<>();
    long steps = 0;
    String unknownKey = null;
    for (Map.Entry<String, List<RegOp>> e : byKey.entrySet()) {
      List<RegOp> ops = renumber(withoutUnobservedUnknowns(e.getValue()));
      Search s = new Search(ops, limits);
      Verdict v = s.run();
      steps += s.steps;
      perKey.put(e.getKey(), v);
      if (v == Verdict.INVALID) {
        List<RegOp> witness = minimize(ops, limits);
        List<Operation> sources = witness.stream().map(RegOp::source).toList();
        List<String> lines = witness.stream().map(RegOp::line).toList();
        return new Result(Verdict.INVALID, e.getKey(), sources, lines, perKey, steps,
            "no order of these " + witness.size() + " operations on key " + e.getKey()
                + " is consistent with both their real-time order and a single register");
      }
      if (v == Verdict.UNKNOWN && unknownKey == null) {
        unknownKey = e.getKey();
      }
    }
    if (unknownKey != null) {
      return new Result(Verdict.UNKNOWN, unknownKey, List.of(), List.of(), perKey, steps,
          "search bound exceeded on key " + unknownKey + " (" + limits + "); no verdict");
    }
    return new Result(Verdict.VALID, null, List.of(), List.of(), perKey, steps,
        "every key's history is linearizable");
  }

  private static RegOp toRegOp(Operation op) {
    Event in = op.invoke();
    int kind = switch (in.f()) {
      case "read" -> READ;
      case "write" -> WRITE;
      case "cas" -> CAS;
      default -> -1;
    };
    if (kind < 0 || in.key() == null) {
      return null;
    }
    String type = op.type();
    int outcome;
    if (type.equals(Event.OK)) {
      outcome = OK;
    } else if (type.equals(Event.FAIL)) {
      if (kind != CAS || !Event.MISMATCH.equals(op.error())) {
        return null; // certainly did not happen
      }
      outcome = MISMATCH;
    } else {
      if (kind == READ) {
        return null; // an unanswered read constrains nothing
      }
      outcome = INFO;
    }
    if (kind != READ && in.value() == null) {
      throw new IllegalArgumentException("a " + in.f() + " needs a value: " + in);
    }
    long ret = outcome == INFO ? Long.MAX_VALUE : op.returnNs();
    return new RegOp(0, op, kind, in.value(), enc(in.expected()), outcome, enc(op.result()), op.callNs(), ret, false);
  }

  /**
   * Drops every unknown write or cas whose value no operation observed. Taking effect, it would
   * set a value nobody read before the next write replaced it, which is the same to every other
   * operation as never taking effect; so the history is linearizable with it iff without it. With
   * unique values this removes most unknown operations, each of which would otherwise double the
   * states the search may have to visit.
   */
  private static List<RegOp> withoutUnobservedUnknowns(List<RegOp> ops) {
    Set<String> observed = new HashSet<>();
    for (RegOp r : ops) {
      if (r.kind == READ || r.outcome == MISMATCH) {
        observed.add(r.result);
      }
      if (r.kind == CAS) {
        observed.add(r.expected);
      }
    }
    return ops.stream().filter(r -> r.outcome != INFO || observed.contains(r.value)).toList();
  }

  private static String enc(String v) {
    return v == null ? ABSENT : v;
  }

  private static List<RegOp> renumber(List<RegOp> ops) {
    List<RegOp> out = new ArrayList<>(ops.size());
    List<RegOp> sorted = new ArrayList<>(ops);
    sorted.sort(Comparator.comparingLong(RegOp::call));
    for (RegOp r : sorted) {
      out.add(r.renumbered(out.size()));
    }
    return out;
  }

  /** The register's value after {@code op} from {@code state}, or null if {@code op} cannot happen then. */
  private static String step(String state, RegOp op) {
    return switch (op.kind) {
      case READ -> state.equals(op.result) ? state : null;
      case WRITE -> op.value;
      default -> switch (op.outcome) {
        case OK -> state.equals(op.expected) ? op.value : null;
        case MISMATCH -> !state.equals(op.expected) && state.equals(op.result) ? state : null;
        default -> state.equals(op.expected) ? op.value : state;
      };
    };
  }

  /** One key's Wing-Gong-Lowe search over a doubly linked list of calls and returns. */
  private static final class Search {
    private static final class Entry {
      final RegOp op;
      final boolean call;
      final long time;
      Entry match;
      Entry prev;
      Entry next;

      Entry(RegOp op, boolean call, long time) {
        this.op = op;
        this.call = call;
        this.time = time;
      }
    }

    private record State(BitSet linearized, String value) {}

    private record Frame(Entry entry, String value) {}

    private final Entry head = new Entry(null, false, Long.MIN_VALUE);
    private final Limits limits;
    private long steps;

    Search(List<RegOp> ops, Limits limits) {
      this.limits = limits;
      List<Entry> entries = new ArrayList<>(ops.size() * 2);
      for (RegOp op : ops) {
        Entry call = new Entry(op, true, op.call);
        Entry ret = new Entry(op, false, op.ret);
        call.match = ret;
        entries.add(call);
        entries.add(ret);
      }
      // Time order; at equal times calls first (the two operations then count as concurrent).
      entries.sort(Comparator.comparingLong((Entry x) -> x.time).thenComparing(x -> x.call ? 0 : 1));
      Entry last = head;
      for (Entry x : entries) {
        last.next = x;
        x.prev = last;
        last = x;
      }
    }

    private static void lift(Entry call) {
      call.prev.next = call.next;
      if (call.next != null) {
        call.next.prev = call.prev;
      }
      Entry ret = call.match;
      ret.prev.next = ret.next;
      if (ret.next != null) {
        ret.next.prev = ret.prev;
      }
    }

    private static void unlift(Entry call) {
      Entry ret = call.match;
      ret.prev.next = ret;
      if (ret.next != null) {
        ret.next.prev = ret;
      }
      call.prev.next = call;
      if (call.next != null) {
        call.next.prev = call;
      }
    }

    Verdict run() {
      Set<State> seen = new HashSet<>();
      Deque<Frame> stack = new ArrayDeque<>();
      BitSet linearized = new BitSet();
      String value = ABSENT;
      Entry entry = head.next;
      while (head.next != null) {
        if (++steps > limits.maxSteps() || seen.size() > limits.maxStates()) {
          return Verdict.UNKNOWN;
        }
        if (entry.call) {
          String next = step(value, entry.op);
          if (next != null) {
            linearized.set(entry.op.id);
            if (seen.add(new State((BitSet) linearized.clone(), next))) {
              stack.push(new Frame(entry, value));
              value = next;
              lift(entry);
              entry = head.next;
              continue;
            }
            linearized.clear(entry.op.id);
          }
          entry = entry.next;
        } else {
          // A return whose operation is not linearized: undo the last choice and try the next one.
          if (stack.isEmpty()) {
            return Verdict.INVALID;
          }
          Frame f = stack.pop();
          value = f.value;
          linearized.clear(f.entry.op.id);
          unlift(f.entry);
          entry = f.entry.next;
        }
      }
      return Verdict.VALID;
    }
  }

  private static Verdict verdict(List<RegOp> ops, Limits limits) {
    return new Search(renumber(ops), limits).run();
  }

  /** The history as it stood at time {@code cut}: later invocations gone, unfinished ones unknown. */
  private static List<RegOp> prefix(List<RegOp> ops, long cut) {
    List<RegOp> out = new ArrayList<>();
    for (RegOp r : ops) {
      if (r.call > cut) {
        continue;
      }
      if (r.ret > cut && r.ret != Long.MAX_VALUE) {
        if (r.kind != READ) {
          out.add(r.asUnknown(out.size()));
        }
      } else {
        out.add(r.renumbered(out.size()));
      }
    }
    return out;
  }

  private static List<RegOp> minimize(List<RegOp> ops, Limits limits) {
    // 1. The shortest non-linearizable prefix: prefixes of a linearizable history are linearizable.
    TreeSet<Long> cutSet = new TreeSet<>();
    for (RegOp r : ops) {
      if (r.ret != Long.MAX_VALUE) {
        cutSet.add(r.ret);
      }
    }
    List<Long> cuts = new ArrayList<>(cutSet);
    cuts.add(Long.MAX_VALUE);
    int lo = 0;
    int hi = cuts.size() - 1; // known invalid
    int checks = 0;
    while (lo < hi && checks < limits.maxMinimizeChecks()) {
      int mid = (lo + hi) >>> 1;
      checks++;
      if (verdict(prefix(ops, cuts.get(mid)), limits) == Verdict.INVALID) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    List<RegOp> witness = prefix(ops, cuts.get(hi));
    // 2. Greedy removal in chunks (halves, then quarters, ... then single operations, as delta
    //    debugging does), sparing what some remaining operation observed.
    for (int chunk = Math.max(1, witness.size() / 2); chunk >= 1 && checks < limits.maxMinimizeChecks(); chunk /= 2) {
      for (int end = witness.size(); end > 0 && checks < limits.maxMinimizeChecks(); end -= chunk) {
        int begin = Math.max(0, end - chunk);
        List<RegOp> kept = witness;
        List<RegOp> without = new ArrayList<>(witness.subList(0, begin));
        for (RegOp r : witness.subList(begin, Math.min(end, witness.size()))) {
          if (observed(r, kept)) {
            without.add(r);
          }
        }
        without.addAll(witness.subList(Math.min(end, witness.size()), witness.size()));
        if (without.size() == witness.size()) {
          continue;
        }
        checks++;
        if (verdict(without, limits) == Verdict.INVALID) {
          witness = without;
        }
      }
    }
    return renumber(witness);
  }

  private static boolean observed(RegOp w, List<RegOp> ops) {
    if (w.kind == READ) {
      return false;
    }
    for (RegOp r : ops) {
      if (r == w) {
        continue;
      }
      boolean sees = (r.kind == READ && r.outcome == OK && Objects.equals(r.result, w.value))
          || (r.kind == CAS && r.outcome != MISMATCH && Objects.equals(r.expected, w.value))
          || (r.kind == CAS && r.outcome == MISMATCH && Objects.equals(r.result, w.value));
      if (sees) {
        return true;
      }
    }
    return false;
  }
}
