package clusternode.node.launcher;

import clusternode.node.hosts.HostNetwork;
import clusternode.node.hosts.HostsDeployment;
import clusternode.node.hosts.Root;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which cluster {@code up} starts: {@code up --hosts} makes (or, while nodes of it run, reuses)
 * the host network and a deployment file with the namespace addresses; plain {@code up} refuses
 * to mix with a --hosts run and clears the record of a crashed one.
 */
public final class HostsUp {
  private HostsUp() {}

  /** The cluster {@code up --hosts --config original} starts, its network made and recorded. */
  public static LocalCluster prepare(ClusterDir dir, Path original, Path jar, PrintStream out) throws IOException {
    Root.require("up --hosts");
    List<String> ids = HostsDeployment.peerIds(original);
    boolean anyRunning = anyRunning(dir, ids);
    Optional<HostNetwork> recorded = HostNetwork.load(dir.root());
    HostNetwork network;
    if (anyRunning) {
      network = recorded.orElseThrow(() -> new IllegalStateException(
          "a loopback cluster runs from " + dir.root() + "; bin/cluster down first"));
      if (!network.ids().equals(ids)) {
        throw new IllegalStateException("a --hosts cluster of " + network.ids() + " runs from " + dir.root()
            + "; bin/cluster down first");
      }
    } else {
      // Whatever a crashed run left (namespaces, their processes, veths, bridge, table) goes first.
      HostNetwork.removeAll(HostNetwork.tagOf(dir.root()), out);
      network = HostNetwork.plan(dir.root(), ids);
      network.create(out);
      network.record(dir.root());
    }
    Map<String, String> hosts = new TreeMap<>();
    ids.forEach(id -> hosts.put(id, network.address(id)));
    Path deployment = HostsDeployment.write(original, hosts, dir.root().resolve("hosts.conf"),
        "bin/cluster up --hosts: every node in its own network namespace on " + network.cidr());
    return LocalCluster.of(dir, deployment, jar, out);
  }

  /** Plain {@code up}: never beside a running --hosts cluster; a crashed one's network is removed. */
  static void requireLoopback(ClusterDir dir, PrintStream out) throws IOException {
    Optional<HostNetwork> recorded = HostNetwork.load(dir.root());
    if (recorded.isEmpty()) {
      return;
    }
    if (anyRunning(dir, recorded.get().ids())) {
      throw new IllegalStateException("a --hosts cluster runs from " + dir.root() + "; use up --hosts, or down first");
    }
    Root.require("removing the host network of an earlier up --hosts");
    HostNetwork.removeAll(recorded.get().tag(), out);
    HostNetwork.forget(dir.root());
  }

  private static boolean anyRunning(ClusterDir dir, List<String> ids) throws IOException {
    for (String id : ids) {
      if (dir.process(id).isPresent()) {
        return true;
      }
    }
    return false;
  }
}
