package clusternode.protocols.transport;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The faults a node applies to protocol messages: partitions, one-way cuts, random drops, delay and
 * duplication. Immutable and pure: {@link #decide} takes its randomness from the caller, so the
 * real Transport, the ActorTestKit tests and the deterministic simulations share one definition.
 *
 * <p>Partitions are groups of node ids; two nodes in different groups cannot reach each other.
 * Nodes that no group names form one more group together, so {@code [[n1]]} isolates n1 alone.
 * A node always reaches itself.
 *
 * @param partitions disjoint groups of node ids; empty means no partition
 * @param cuts one-way links that lose every message
 * @param dropProbability chance in [0, 1) that any other message is lost
 * @param delayMs fixed delay added to every message
 * @param delayJitterMs extra uniformly random delay in [0, delayJitterMs]
 * @param duplicateProbability chance in [0, 1] that a delivered message arrives twice
 */
public record FaultPlan(
    List<Set<String>> partitions,
    Set<Link> cuts,
    double dropProbability,
    long delayMs,
    long delayJitterMs,
    double duplicateProbability) {

  public static final FaultPlan NONE = new FaultPlan(List.of(), Set.of(), 0.0, 0, 0, 0.0);

  /** Upper bounds that keep a typo from turning into an hour-long delay. */
  public static final long MAX_DELAY_MS = 60_000;

  public FaultPlan {
    partitions = partitions.stream().map(Set::copyOf).toList();
    cuts = Set.copyOf(cuts);
    Set<String> seen = new HashSet<>();
    for (Set<String> group : partitions) {
      if (group.isEmpty()) {
        throw new IllegalArgumentException("partition groups must not be empty");
      }
      for (String id : group) {
        if (!seen.add(id)) {
          throw new IllegalArgumentException("node " + id + " is in more than one partition group");
        }
      }
    }
    checkProbability("drop", dropProbability, false);
    checkProbability("duplicate", duplicateProbability, true);
    checkDelay("delayMs", delayMs);
    checkDelay("delayJitterMs", delayJitterMs);
  }

  public static FaultPlan partitioned(List<Set<String>> groups) {
    return NONE.withPartitions(groups);
  }

  public FaultPlan withPartitions(List<Set<String>> groups) {
    return new FaultPlan(groups, cuts, dropProbability, delayMs, delayJitterMs, duplicateProbability);
  }

  public FaultPlan withCuts(Set<Link> newCuts) {
    return new FaultPlan(partitions, newCuts, dropProbability, delayMs, delayJitterMs, duplicateProbability);
  }

  public FaultPlan withDrop(double probability) {
    return new FaultPlan(partitions, cuts, probability, delayMs, delayJitterMs, duplicateProbability);
  }

  public FaultPlan withDelay(long fixedMs, long jitterMs) {
    return new FaultPlan(partitions, cuts, dropProbability, fixedMs, jitterMs, duplicateProbability);
  }

  public FaultPlan withDuplication(double probability) {
    return new FaultPlan(partitions, cuts, dropProbability, delayMs, delayJitterMs, probability);
  }

  public boolean isNone() {
    return equals(NONE);
  }

  /** Whether the plan lets {@code from} reach {@code to} at all (ignoring random loss). */
  public boolean reachable(String from, String to) {
    if (from.equals(to)) {
      return true;
    }
    if (cuts.contains(new Link(from, to))) {
      return false;
    }
    return groupOf(from) == groupOf(to);
  }

  /** Decides the fate of one message; draws from {@code random} only when the plan is random. */
  public Fate decide(String from, String to, Random random) {
    if (!reachable(from, to)) {
      return Fate.dropped(cuts.contains(new Link(from, to)) ? "cut" : "partition");
    }
    if (from.equals(to)) {
      return Fate.DELIVER_NOW;
    }
    if (dropProbability > 0 && random.nextDouble() < dropProbability) {
      return Fate.dropped("drop");
    }
    int copies = duplicateProbability > 0 && random.nextDouble() < duplicateProbability ? 2 : 1;
    List<Long> delays = new ArrayList<>(copies);
    for (int i = 0; i < copies; i++) {
      long jitter = delayJitterMs > 0 ? (long) (random.nextDouble() * (delayJitterMs + 1)) : 0;
      delays.add(delayMs + jitter);
    }
    return new Fate(null, delays);
  }

  /** Index of the group that names {@code id}, or -1 for the group of the unnamed. */
  private int groupOf(String id) {
    for (int i = 0; i < partitions.size(); i++) {
      if (partitions.get(i).contains(id)) {
        return i;
      }
    }
    return -1;
  }

  private static void checkProbability(String name, double p, boolean oneAllowed) {
    boolean ok = p >= 0 && (oneAllowed ? p <= 1 : p < 1) && !Double.isNaN(p);
    if (!ok) {
      throw new IllegalArgumentException(
          name + " probability must be in [0, 1" + (oneAllowed ? "]" : ")") + ", got " + p);
    }
  }

  private static void checkDelay(String name, long ms) {
    if (ms < 0 || ms > MAX_DELAY_MS) {
      throw new IllegalArgumentException(name + " must be in [0, " + MAX_DELAY_MS + "], got " + ms);
    }
  }
}
