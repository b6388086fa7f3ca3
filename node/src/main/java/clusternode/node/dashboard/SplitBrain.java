package clusternode.node.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The split-brain verdict over the consensus views that answered: Raft's Election Safety (section
 * 5.2, "at most one leader can be elected in a given term") says no term may have two nodes that
 * claim to lead it. Nodes that merely still believe in an old leader are stale, not split: they
 * are counted ({@code distinctLeadersBelieved}) but do not fail the verdict.
 */
public final class SplitBrain {
  /** What one node said about itself: its role, its term and whom it follows (any may be null). */
  public record Claim(String id, String role, Long term, String leader) {
    public Claim {
      Objects.requireNonNull(id, "id");
    }

    boolean claimsToLead() {
      return "leader".equals(role) && term != null;
    }
  }

  /** The verdict, in the JSON shape of {@code /cluster}'s {@code splitBrain}. */
  public record Verdict(Map<Long, List<String>> leadersByTerm, int maxLeadersInOneTerm, int distinctLeadersBelieved,
      List<String> leadersBelieved, int answered, boolean ok) {

    public Map<String, Object> json() {
      Map<String, Object> byTerm = new LinkedHashMap<>();
      leadersByTerm.forEach((term, ids) -> byTerm.put(Long.toString(term), ids));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("leadersByTerm", byTerm);
      m.put("maxLeadersInOneTerm", maxLeadersInOneTerm);
      m.put("distinctLeadersBelieved", distinctLeadersBelieved);
      m.put("leadersBelieved", leadersBelieved);
      m.put("answered", answered);
      m.put("ok", ok);
      return m;
    }
  }

  private SplitBrain() {}

  public static Verdict of(List<Claim> claims) {
    Map<Long, Set<String>> byTerm = new TreeMap<>();
    Set<String> believed = new TreeSet<>();
    for (Claim c : claims) {
      if (c.claimsToLead()) {
        byTerm.computeIfAbsent(c.term(), t -> new TreeSet<>()).add(c.id());
      }
      if (c.leader() != null && !c.leader().isBlank()) {
        believed.add(c.leader());
      }
    }
    Map<Long, List<String>> leadersByTerm = new TreeMap<>();
    int max = 0;
    for (Map.Entry<Long, Set<String>> e : byTerm.entrySet()) {
      leadersByTerm.put(e.getKey(), List.copyOf(e.getValue()));
      max = Math.max(max, e.getValue().size());
    }
    return new Verdict(leadersByTerm, max, believed.size(), new ArrayList<>(believed), claims.size(), max <= 1);
  }

  /** Merges verdicts seen over time (a demo, a test): leaders per term across all of them. */
  public static Verdict merge(List<Verdict> seen) {
    List<Claim> all = new ArrayList<>();
    Set<String> believed = new TreeSet<>();
    for (Verdict v : seen) {
      v.leadersByTerm().forEach((term, ids) -> ids.forEach(id -> all.add(new Claim(id, "leader", term, id))));
      believed.addAll(v.leadersBelieved());
    }
    Verdict merged = of(all);
    return new Verdict(merged.leadersByTerm(), merged.maxLeadersInOneTerm(), believed.size(), new ArrayList<>(believed),
        seen.stream().mapToInt(Verdict::answered).sum(), merged.ok());
  }
}
