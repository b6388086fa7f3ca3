package clusternode.node.launcher;

import clusternode.node.hosts.NetFaults;
import clusternode.node.hosts.Root;
import clusternode.protocols.http.Json;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The verbs that break a running cluster beyond partition/heal: a host frozen (pause/resume, both
 * modes), packet loss and one-way cuts (in the node's fault plan, or with {@code --net real} in
 * the kernel of a --hosts cluster), and a cable pulled (link, --hosts only).
 */
final class NetCommands {
  private NetCommands() {}

  /** Where a fault is made: the node's own Transport ({@code program}) or the kernel ({@code real}). */
  static boolean real(String net) {
    return switch (net) {
      case "program" -> false;
      case "real" -> true;
      default -> throw new IllegalArgumentException("--net must be program or real, not '" + net + "'");
    };
  }

  /** The kernel's faults of a --hosts cluster; one line and exit 2 for a loopback one or without root. */
  static NetFaults realFaults(LocalCluster cluster) {
    Root.require("--net real");
    return new NetFaults(cluster.network().orElseThrow(() -> new IllegalStateException(
        "--net real needs a cluster started with bin/cluster up --hosts; this one runs on loopback")), System.out);
  }

  static List<String> ids(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  @Command(name = "pause", description = "SIGSTOP one node's JVM: a host frozen (GC pause, VM stall). resume ID thaws it.")
  static final class Pause implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return ClusterCommand.guarded(() -> {
        parent.running().signal(id, true);
        return 0;
      });
    }
  }

  @Command(name = "resume", description = "SIGCONT one node paused by pause.")
  static final class Resume implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return ClusterCommand.guarded(() -> {
        parent.running().signal(id, false);
        return 0;
      });
    }
  }

  @Command(name = "loss", description = "Every node loses PERCENT% of the messages (program) or packets (--net real)"
      + " from its peers; heal ends it.")
  static final class Loss implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Parameters(paramLabel = "PERCENT")
    int percent;

    @Option(names = "--net", defaultValue = "program", description = "program (the fault plan) or real (nftables, --hosts)")
    String net;

    @Override
    public Integer call() {
      return ClusterCommand.guarded(() -> {
        if (percent < 0 || percent >= 100) {
          throw new IllegalArgumentException("PERCENT must be 0..99, got " + percent);
        }
        LocalCluster cluster = parent.running();
        if (real(net)) {
          realFaults(cluster).loss(percent);
          return 0;
        }
        return ClusterCommand.applyEverywhere(cluster, "POST", Json.MAPPER.writeValueAsString(Map.of("drop", percent / 100.0)));
      });
    }
  }

  @Command(name = "cut", description = "One-way cut: nothing FROM sends reaches TO (comma-separated ids); heal ends it.")
  static final class Cut implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Parameters(index = "0", paramLabel = "FROM")
    String from;

    @Parameters(index = "1", paramLabel = "TO")
    String to;

    @Option(names = "--net", defaultValue = "program", description = "program (the fault plan) or real (nftables, --hosts)")
    String net;

    @Override
    public Integer call() {
      return ClusterCommand.guarded(() -> {
        LocalCluster cluster = parent.running();
        List<String> targets = ids(to);
        for (String id : targets) {
          if (!cluster.peers().contains(id) || !cluster.peers().contains(from)) {
            throw new IllegalArgumentException("unknown node in cut " + from + " " + to + "; this deployment has "
                + cluster.peers().ids());
          }
        }
        if (real(net)) {
          realFaults(cluster).cut(from, targets);
          return 0;
        }
        List<List<String>> cuts = targets.stream().map(t -> List.of(from, t)).toList();
        return ClusterCommand.applyEverywhere(cluster, "POST", Json.MAPPER.writeValueAsString(Map.of("cuts", cuts)));
      });
    }
  }

  @Command(name = "link", description = "link ID down|up: takes a --hosts node's virtual cable out or puts it back.")
  static final class Link implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", paramLabel = "down|up")
    String state;

    @Override
    public Integer call() {
      return ClusterCommand.guarded(() -> {
        if (!state.equals("down") && !state.equals("up")) {
          throw new IllegalArgumentException("link ID down|up, not '" + state + "'");
        }
        LocalCluster cluster = parent.running();
        if (!cluster.peers().contains(id)) {
          throw new IllegalArgumentException("unknown node '" + id + "'; this deployment has " + cluster.peers().ids());
        }
        realFaults(cluster).link(id, state.equals("up"));
        return 0;
      });
    }
  }
}
