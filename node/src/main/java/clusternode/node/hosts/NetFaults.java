package clusternode.node.hosts;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Faults made by the kernel, not by the node: nftables tables inside the node namespaces (one
 * table per kind, so a new partition replaces the old one and leaves loss alone), and veths
 * taken down. Packets are dropped silently, as a firewall or a dead cable does: TCP connections
 * hang until their own timeouts, which is exactly what the in-program fault plan cannot show.
 */
public final class NetFaults {
  static final String PARTITION = "cn_partition";
  static final String CUT = "cn_cut";
  static final String LOSS = "cn_loss";
  private static final List<String> TABLES = List.of(PARTITION, CUT, LOSS);

  private final HostNetwork network;
  private final PrintStream out;

  public NetFaults(HostNetwork network, PrintStream out) {
    this.network = network;
    this.out = out;
  }

  /** Nodes in different groups (the unnamed nodes are one more group) exchange no packet at all. */
  public void partition(List<List<String>> groups) {
    List<List<String>> all = withRest(groups);
    for (List<String> group : all) {
      for (String id : group) {
        Set<String> others = new TreeSet<>();
        for (List<String> g : all) {
          if (g != group) {
            g.forEach(o -> others.add(network.address(o)));
          }
        }
        replace(id, PARTITION, others.isEmpty() ? List.of() : List.of(
            "chain input { type filter hook input priority 0; policy accept; ip saddr " + set(others) + " drop; }",
            "chain output { type filter hook output priority 0; policy accept; ip daddr " + set(others) + " drop; }"));
      }
    }
    out.printf("partitioned %s with nftables (table %s in each namespace)%n", all, PARTITION);
  }

  /** Packets from {@code from} to each of {@code to} are dropped where they leave; the other direction flows. */
  public void cut(String from, Collection<String> to) {
    Set<String> targets = new TreeSet<>();
    to.forEach(t -> targets.add(network.address(t)));
    replace(from, CUT, List.of(
        "chain output { type filter hook output priority 0; policy accept; ip daddr " + set(targets) + " drop; }"));
    out.printf("cut %s -> %s with nftables (table %s in %s)%n", from, to, CUT, network.namespace(from));
  }

  /** Each node drops {@code percent}% of the packets it receives from its peers (numgen random). */
  public void loss(int percent) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("loss must be a percentage 0..100, got " + percent);
    }
    for (String id : network.ids()) {
      // Only peer traffic: the machine's own address (clients, checker) keeps a clean path.
      replace(id, LOSS, percent == 0 ? List.of() : List.of(
          "chain input { type filter hook input priority 0; policy accept; ip saddr " + network.cidr()
              + " ip saddr != " + network.rootAddress() + " numgen random mod 100 < " + percent + " drop; }"));
    }
    out.printf("%d%% packet loss between nodes (table %s in each namespace)%n", percent, LOSS);
  }

  /** Takes node {@code id}'s cable out (or puts it back): its veth on the bridge side goes down. */
  public void link(String id, boolean up) {
    Sh.run("ip", "link", "set", network.veth(id), up ? "up" : "down");
    out.printf("link of %s (%s) %s%n", id, network.veth(id), up ? "up" : "down");
  }

  /**
   * Applies a fault plan's partition and cuts (the JSON shape of {@code POST /admin/faults}) with
   * nftables instead, for the check's nemesis: {@code partition} groups, {@code cuts} [from, to] pairs.
   */
  @SuppressWarnings("unchecked")
  public void apply(java.util.Map<String, Object> plan) {
    if (plan.containsKey("partition")) {
      partition((List<List<String>>) plan.get("partition"));
    }
    if (plan.containsKey("cuts")) {
      java.util.Map<String, List<String>> byFrom = new java.util.TreeMap<>();
      for (List<String> c : (List<List<String>>) plan.get("cuts")) {
        byFrom.computeIfAbsent(c.get(0), k -> new ArrayList<>()).add(c.get(1));
      }
      byFrom.forEach(this::cut);
    }
    for (String key : plan.keySet()) {
      if (!key.equals("partition") && !key.equals("cuts")) {
        throw new IllegalArgumentException("no kernel fault for '" + key + "'; --net real makes partitions and cuts");
      }
    }
  }

  /** Removes every fault table of ours from every namespace and brings every link up. */
  public void heal() {
    for (String id : network.ids()) {
      for (String table : tablesIn(id)) {
        Sh.run("ip", "netns", "exec", network.namespace(id), "nft", "delete", "table", "inet", table);
      }
      Sh.run("ip", "link", "set", network.veth(id), "up");
    }
    out.println("healed the network: no fault table in any namespace, every link up");
  }

  /** The fault tables in node {@code id}'s namespace now (empty after heal). */
  public List<String> tablesIn(String id) {
    List<String> found = new ArrayList<>();
    for (String line : Sh.run("ip", "netns", "exec", network.namespace(id), "nft", "list", "tables").split("\n")) {
      for (String t : TABLES) {
        if (line.trim().equals("table inet " + t)) {
          found.add(t);
        }
      }
    }
    return found;
  }

  /** Replaces table {@code name} in {@code id}'s namespace by one with {@code chains}, atomically (no chains: removed). */
  private void replace(String id, String name, List<String> chains) {
    StringBuilder script = new StringBuilder();
    // add-then-delete: one transaction that works whether or not the table exists (nft 1.0.6 has no "destroy").
    script.append("add table inet ").append(name).append('\n');
    script.append("delete table inet ").append(name).append('\n');
    if (!chains.isEmpty()) {
      script.append("table inet ").append(name).append(" {\n");
      chains.forEach(c -> script.append("  ").append(c).append('\n'));
      script.append("}\n");
    }
    Sh.runWithInput(script.toString(), "ip", "netns", "exec", network.namespace(id), "nft", "-f", "-");
  }

  private List<List<String>> withRest(List<List<String>> groups) {
    Set<String> named = new TreeSet<>();
    for (List<String> g : groups) {
      for (String id : g) {
        network.address(id); // unknown ids: one clear line
        if (!named.add(id)) {
          throw new IllegalArgumentException("node " + id + " is in two groups");
        }
      }
    }
    List<List<String>> all = new ArrayList<>(groups);
    List<String> rest = network.ids().stream().filter(id -> !named.contains(id)).toList();
    if (!rest.isEmpty()) {
      all.add(rest);
    }
    return all;
  }

  private static String set(Collection<String> addresses) {
    return "{ " + String.join(", ", addresses) + " }";
  }
}
