package clusternode.node.check;

import clusternode.node.check.History.Operation;
import clusternode.node.check.lock.LockCheck;
import clusternode.node.check.watch.WatchCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lock and watch workloads' verdicts in the shape {@link CheckRunner#judge} reports: the
 * verdict, summary lines, the violations (witness) and the operations that show them.
 */
record CoordJudgement(String verdict, List<String> details, List<String> witness, Map<String, Object> results,
    Set<Integer> violating) {

  static CoordJudgement lock(List<Operation> ops) {
    LockCheck.Result r = LockCheck.check(ops, LockWorkload.LIVE_WITHIN);
    List<String> details = new ArrayList<>();
    details.add("lock: " + r.stats());
    details.add("checked: tokens only grow; guarded writes acknowledged in token order; every acknowledged guarded "
        + "write carried the newest granted, unreleased token; the lock is acquired within "
        + LockWorkload.LIVE_WITHIN.toSeconds() + " s after the heal; the final read holds the last write");
    Map<String, Object> results = new LinkedHashMap<>(r.stats());
    results.put("violations", r.violations());
    // Nothing acknowledged is nothing proved: a run where every write failed is no evidence of safety.
    boolean vacuous = r.valid() && ((Number) r.stats().get("writesAcknowledged")).longValue() == 0;
    if (vacuous) {
      details.add("no guarded write was acknowledged: nothing to judge");
    }
    return new CoordJudgement(vacuous ? "UNKNOWN" : r.valid() ? "VALID" : "INVALID", details, r.violations(), results,
        r.violating());
  }

  static CoordJudgement watch(List<Operation> ops) {
    WatchCheck.Result r = WatchCheck.check(ops);
    List<String> details = new ArrayList<>();
    details.add("watch: " + r.stats());
    details.add("checked: each watcher's changes are the committed history of the prefix over the revisions it "
        + "covers (acknowledged writes and the reference stream), in revision order, no gap, no duplicate, no "
        + "phantom; every watcher caught up after the heal; the reference folds to the final range read"
        + (r.stats().get("reference") == null ? " (no reference stream: judged by the acknowledged writes alone)" : ""));
    Map<String, Object> results = new LinkedHashMap<>(r.stats());
    results.put("violations", r.violations());
    boolean vacuous = r.valid() && ((Number) r.stats().get("deliveriesChecked")).longValue() == 0;
    if (vacuous) {
      details.add("no acknowledged change fell in any watcher's range: nothing to judge");
    }
    return new CoordJudgement(vacuous ? "UNKNOWN" : r.valid() ? "VALID" : "INVALID", details, r.violations(), results,
        r.violating());
  }
}
