package clusternode.node.http;

import clusternode.protocols.peers.PeerDirectory;
import clusternode.protocols.transport.FaultPlan;
import clusternode.protocols.transport.Link;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fault plan as the admin API reads and shows it. A request names only what it changes:
 * {@code {"partition": [["n1"], ["n2", "n3"]]}} keeps the current drop rate and delay.
 *
 * @param partition groups of node ids that can reach each other; [] heals partitions
 * @param cuts one-way links [from, to] that lose every message
 * @param drop probability in [0, 1) of losing any other message
 * @param delayMs fixed delay of every message
 * @param jitterMs extra random delay, up to this many ms
 * @param duplicate probability in [0, 1] of delivering a message twice
 */
public record FaultPlanJson(
    List<List<String>> partition,
    List<List<String>> cuts,
    Double drop,
    Long delayMs,
    Long jitterMs,
    Double duplicate) {

  public static FaultPlanJson of(FaultPlan plan) {
    List<List<String>> groups = plan.partitions().stream().map(g -> List.copyOf(new TreeSet<>(g))).toList();
    List<List<String>> cutList = plan.cuts().stream().map(l -> List.of(l.from(), l.to())).sorted(
        (a, b) -> (a.get(0) + "," + a.get(1)).compareTo(b.get(0) + "," + b.get(1))).toList();
    return new FaultPlanJson(groups, cutList, plan.dropProbability(), plan.delayMs(), plan.delayJitterMs(),
        plan.duplicateProbability());
  }

  /**
   * Applies this request's fields over {@code current}.
   *
   * @throws IllegalArgumentException with a message fit for a 400 answer
   */
  public FaultPlan applyTo(FaultPlan current, PeerDirectory peers) {
    FaultPlan plan = current;
    if (partition != null) {
      plan = plan.withPartitions(groups(partition, peers));
    }
    if (cuts != null) {
      plan = plan.withCuts(links(cuts, peers));
    }
    if (drop != null) {
      plan = plan.withDrop(drop);
    }
    if (delayMs != null || jitterMs != null) {
      plan = plan.withDelay(delayMs != null ? delayMs : plan.delayMs(), jitterMs != null ? jitterMs : plan.delayJitterMs());
    }
    if (duplicate != null) {
      plan = plan.withDuplication(duplicate);
    }
    return plan;
  }

  private static List<Set<String>> groups(List<List<String>> partition, PeerDirectory peers) {
    List<Set<String>> out = new ArrayList<>();
    for (List<String> group : partition) {
      if (group == null || group.isEmpty()) {
        throw new IllegalArgumentException("partition groups must be non-empty lists of node ids");
      }
      Set<String> ids = new LinkedHashSet<>();
      for (String id : group) {
        requireKnown(id, peers);
        ids.add(id);
      }
      out.add(ids);
    }
    return out;
  }

  private static Set<Link> links(List<List<String>> cuts, PeerDirectory peers) {
    Set<Link> out = new LinkedHashSet<>();
    for (List<String> cut : cuts) {
      if (cut == null || cut.size() != 2) {
        throw new IllegalArgumentException("each cut is a pair [from, to] of node ids");
      }
      requireKnown(cut.get(0), peers);
      requireKnown(cut.get(1), peers);
      out.add(new Link(cut.get(0), cut.get(1)));
    }
    return out;
  }

  private static void requireKnown(String id, PeerDirectory peers) {
    if (id == null || !peers.contains(id)) {
      throw new IllegalArgumentException("unknown node id '" + id + "'; known: " + peers.ids());
    }
  }

}
