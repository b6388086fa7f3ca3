package clusternode.node.check;

import clusternode.node.check.History.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The crdt workload's verdict for the run: the convergence poll's outcome plus phantoms read during
 * the run; {@code violating} are the operations that show it (phantom reads, acknowledged adds
 * found missing, the final reads of the nodes that hold a wrong state).
 */
record CrdtJudgement(String verdict, List<String> details, List<String> witness, Map<String, Object> results,
    Set<Integer> violating) {
  static CrdtJudgement of(List<Operation> ops, CrdtWorkload.Facts facts) {
    List<String> details = new ArrayList<>();
    Map<String, Object> results = new LinkedHashMap<>();
    if (facts == null) {
      return new CrdtJudgement("UNKNOWN", List.of("crdt: the final state was never read"), List.of(), results,
          Set.of());
    }
    CrdtCheck.Expectation x = facts.expectation();
    List<String> witness = new ArrayList<>(CrdtCheck.readViolations(ops));
    witness.addAll(facts.verdict().violations());
    details.add(String.format("crdt: counter: %d updates, acknowledged sum %d, allowed [%d, %d]; set: %d elements "
        + "must be present, %d may be", x.counterUpdates(), x.counterAcknowledged(), x.counterMin(), x.counterMax(),
        x.mustContain().size(), x.mayContain().size()));
    details.add(facts.convergedAfterMs() >= 0
        ? String.format("converged %d ms after the heal (%d ms after it began; %d polling rounds); final: %s",
            facts.convergedAfterMs(), facts.sinceHealBeganMs(), facts.rounds(), summary(facts))
        : String.format("NOT converged within the bound (%d polling rounds); last: %s", facts.rounds(), summary(facts)));
    results.put("convergedAfterMs", facts.convergedAfterMs());
    results.put("convergedSinceHealBeganMs", facts.sinceHealBeganMs());
    results.put("pollRounds", facts.rounds());
    results.put("counterAcknowledged", x.counterAcknowledged());
    results.put("counterAllowed", List.of(x.counterMin(), x.counterMax()));
    results.put("setMustContain", x.mustContain().size());
    results.put("setMayContain", x.mayContain().size());
    results.put("violations", witness);
    // A node that could not be read is no evidence either way; anything else is.
    boolean definite = witness.stream().anyMatch(w -> !w.endsWith(CrdtCheck.UNREADABLE));
    String verdict = definite ? "INVALID" : witness.isEmpty() ? "VALID" : "UNKNOWN";
    return new CrdtJudgement(verdict, details, witness, results, violating(ops, facts.verdict()));
  }

  private static Set<Integer> violating(List<Operation> ops, CrdtCheck.Verdict v) {
    Set<Integer> out = new TreeSet<>(v.missingAdds());
    CrdtCheck.phantomReads(ops).forEach(p -> out.add(p.read().id()));
    for (Operation op : ops) {
      String node = op.invoke().node();
      boolean finalRead = op.invoke().process().equals(CrdtWorkload.FINAL_PROCESS);
      if (finalRead && op.invoke().f().equals(CrdtCheck.COUNTER_READ) && v.wrongCounterOn().contains(node)
          || finalRead && op.invoke().f().equals(CrdtCheck.SET_READ) && v.wrongSetOn().contains(node)) {
        out.add(op.id());
      }
    }
    return out;
  }

  private static String summary(CrdtWorkload.Facts facts) {
    StringBuilder b = new StringBuilder();
    for (CrdtCheck.Observation o : facts.last()) {
      b.append(o.node()).append(" counter=").append(o.counter()).append(" set=")
          .append(o.elements() == null ? "?" : o.elements().size() + " elements").append("; ");
    }
    return b.toString();
  }
}
