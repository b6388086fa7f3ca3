package clusternode.node.check;

import clusternode.node.check.History.Operation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ledger's promises after a run under faults, checked from what the clients saw and what
 * every replica holds once healed:
 *
 * <ul>
 *   <li>no acknowledged transfer is lost: retrying it (same id) answers "already applied";
 *   <li>every transfer whose outcome was unknown is resolved by retrying it: the ledger is
 *       idempotent by id, so the retry applies it at most once and says whether it had been;
 *   <li>none is doubled and none appears from nowhere: on every replica, every balance equals the
 *       initial balance plus the transfers known to be applied;
 *   <li>money is conserved on every replica: audit OK, total balance = deposits - withdrawals =
 *       the initial total;
 *   <li>the replicas agree: one state digest.
 * </ul>
 */
public final class LedgerCheck {
  public record Transfer(String id, String from, String to, long amount) {
    public Transfer {
      if (amount <= 0 || from.equals(to)) {
        throw new IllegalArgumentException("a transfer moves a positive amount between two accounts: " + id);
      }
    }

    public String describe() {
      return from + ">" + to + ":" + amount;
    }
  }

  /** The answer to a retry of a transfer with its original id (201 applied now, 200 duplicate, 409 refused). */
  public record Retry(String id, int status, boolean duplicate) {}

  /** One replica's state, read locally once every replica applied the same log prefix. */
  public record Replica(String node, boolean auditOk, long totalBalance, long deposits, long withdrawals,
      String digest, Map<String, Long> balances) {}

  public record Facts(Map<String, Long> initialBalances, List<Transfer> acknowledged, List<Transfer> unknown,
      Map<String, Retry> retries, List<Replica> replicas) {}

  /**
   * The verdict.
   *
   * @param implicated the ids of the transfers a violation names (lost, never verified, unresolved,
   *     naming an unknown account), for the report to mark their operations; a balance, audit or
   *     digest violation names no single transfer
   */
  public record Result(boolean valid, List<String> violations, Map<String, Long> expectedBalances,
      int acknowledged, int unknownApplied, int unknownNotApplied, Set<String> implicated) {}

  private LedgerCheck() {}

  public static Result check(Facts facts) {
    List<String> violations = new ArrayList<>();
    Set<String> implicated = new LinkedHashSet<>();
    Map<String, Transfer> applied = new LinkedHashMap<>();
    for (Transfer t : facts.acknowledged()) {
      Retry r = facts.retries().get(t.id());
      if (r == null) {
        violations.add("acknowledged transfer " + t.id() + " was never verified (no retry answer)");
        implicated.add(t.id());
      } else if (!(r.status() == 200 && r.duplicate())) {
        violations.add("acknowledged transfer " + t.id() + " (" + t.describe() + ") was lost: its retry answered "
            + r.status() + (r.duplicate() ? " duplicate" : " not a duplicate"));
        implicated.add(t.id());
      }
      applied.put(t.id(), t);
    }
    int unknownApplied = 0;
    int unknownNotApplied = 0;
    for (Transfer t : facts.unknown()) {
      Retry r = facts.retries().get(t.id());
      if (r == null || (r.status() != 200 && r.status() != 201 && r.status() != 409)) {
        violations.add("transfer " + t.id() + " with an unknown outcome could not be resolved: "
            + (r == null ? "no retry answer" : "retry answered " + r.status()));
        implicated.add(t.id());
      } else if (r.status() == 409) {
        unknownNotApplied++;
      } else {
        unknownApplied++;
        applied.put(t.id(), t);
      }
    }
    Map<String, Long> expected = new LinkedHashMap<>(facts.initialBalances());
    for (Transfer t : applied.values()) {
      if (!expected.containsKey(t.from()) || !expected.containsKey(t.to())) {
        violations.add("transfer " + t.id() + " names an account the run did not open");
        implicated.add(t.id());
        continue;
      }
      expected.merge(t.from(), -t.amount(), Long::sum);
      expected.merge(t.to(), t.amount(), Long::sum);
    }
    long initialTotal = facts.initialBalances().values().stream().mapToLong(Long::longValue).sum();
    if (facts.replicas().isEmpty()) {
      violations.add("no replica could be read");
    }
    Set<String> digests = new LinkedHashSet<>();
    for (Replica n : facts.replicas()) {
      if (!n.auditOk()) {
        violations.add(n.node() + ": audit not OK");
      }
      if (n.totalBalance() != n.deposits() - n.withdrawals()) {
        violations.add(n.node() + ": money not conserved: total balance " + n.totalBalance() + " != deposits "
            + n.deposits() + " - withdrawals " + n.withdrawals());
      }
      if (n.totalBalance() != initialTotal) {
        violations.add(n.node() + ": total balance " + n.totalBalance() + " != the " + initialTotal + " deposited");
      }
      for (Map.Entry<String, Long> e : expected.entrySet()) {
        Long actual = n.balances().get(e.getKey());
        if (actual == null || actual.longValue() != e.getValue()) {
          violations.add(n.node() + ": balance of " + e.getKey() + " is " + actual + ", the applied transfers say "
              + e.getValue() + (actual != null && actual > e.getValue() ? " (money from nowhere or a lost debit)"
                  : " (a lost credit or a doubled debit)"));
        }
      }
      digests.add(n.digest());
    }
    if (digests.size() > 1) {
      violations.add("replicas disagree: " + digests.size() + " different state digests " + digests);
    }
    return new Result(violations.isEmpty(), violations, expected, facts.acknowledged().size(), unknownApplied,
        unknownNotApplied, implicated);
  }

  /** The operations of {@code transferIds} in a ledger history: each client's transfer and the final retry of it. */
  static Set<Integer> operationsOf(Set<String> transferIds, List<Operation> ops) {
    Set<Integer> out = new HashSet<>();
    for (Operation op : ops) {
      String f = op.invoke().f();
      if ((f.equals("transfer") || f.equals("retry")) && transferIds.contains(op.invoke().key())) {
        out.add(op.id());
      }
    }
    return out;
  }
}
