package clusternode.node.launcher;

import clusternode.node.Main;
import clusternode.node.ctl.NodeClient;
import clusternode.protocols.config.ConfigProblem;
import clusternode.protocols.http.Json;
import clusternode.protocols.peers.Peer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code bin/cluster}: a whole deployment as local JVMs on loopback. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Starts, inspects, breaks and stops a local multi-JVM cluster.",
    subcommands = {ClusterCommand.Up.class, ClusterCommand.Status.class, ClusterCommand.Down.class,
        ClusterCommand.Kill.class, ClusterCommand.Start.class, ClusterCommand.Partition.class, ClusterCommand.Heal.class,
        NetCommands.Pause.class, NetCommands.Resume.class, NetCommands.Loss.class, NetCommands.Cut.class,
        NetCommands.Link.class, ConfigCommand.class, ClusterCommand.BenchCommand.class, ClusterCommand.Keys.class, clusternode.node.check.CheckCommand.class,
        clusternode.node.dashboard.DemoCommand.class})
public final class ClusterCommand implements Callable<Integer> {
  @Option(names = "--dir", description = "where pids, logs and data go (default: target/cluster under the project)")
  Path dir;

  @Override
  public Integer call() {
    System.out.println("usage: bin/cluster up [--hosts]|status|down|kill ID|start ID|pause ID|resume ID"
        + "|partition A,B C,D [--net real]|loss PERCENT|cut FROM TO|link ID down|up|heal|keys|bench|check|demo"
        + " (--help for more)");
    return Main.EXIT_CONFIG;
  }

  ClusterDir clusterDir() {
    return new ClusterDir(dir != null ? dir : ProjectPaths.home().resolve("target/cluster"));
  }

  /** The cluster this directory last started, for the commands that act on a running one. */
  LocalCluster running() throws IOException {
    ClusterDir d = clusterDir();
    Path deployment = d.deployment().orElseThrow(() -> new IllegalStateException(
        "no cluster has been started from " + d.root() + "; run bin/cluster up first"));
    return LocalCluster.of(d, deployment, ProjectPaths.jar(), System.out);
  }

  /** Runs {@code body}, turning the errors users cause into one line and an exit code. */
  static int guarded(Callable<Integer> body) {
    try {
      return body.call();
    } catch (ConfigProblem p) {
      System.err.println(p.line());
      return Main.EXIT_CONFIG;
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("error: " + e.getMessage());
      return Main.EXIT_CONFIG;
    } catch (Exception e) {
      System.err.println("error: " + e);
      return 1;
    }
  }

  @Command(name = "up", description = "Builds nothing, starts every node of the deployment, waits until healthy.")
  static final class Up implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Option(names = "--config", defaultValue = "conf/default.conf", description = "deployment file (default ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--timeout", defaultValue = "60", description = "seconds to wait for health")
    int timeoutSeconds;

    @Option(names = "--hosts", description = "every node in its own network namespace on a private virtual network (root)")
    boolean hosts;

    @Override
    public Integer call() {
      return guarded(() -> {
        ClusterDir d = parent.clusterDir();
        LocalCluster cluster;
        if (hosts) {
          cluster = HostsUp.prepare(d, ProjectPaths.resolveConfig(config), ProjectPaths.jar(), System.out);
        } else {
          HostsUp.requireLoopback(d, System.out);
          cluster = LocalCluster.of(d, ProjectPaths.resolveConfig(config), ProjectPaths.jar(), System.out);
        }
        return cluster.up(Duration.ofSeconds(timeoutSeconds)) ? 0 : 1;
      });
    }
  }

  @Command(name = "status", description = "Shows every node's process and health.")
  static final class Status implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Override
    public Integer call() {
      return guarded(() -> {
        parent.running().printStatus();
        return 0;
      });
    }
  }

  @Command(name = "down", description = "Stops every node by its pid; leaves no process behind.")
  static final class Down implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Override
    public Integer call() {
      return guarded(() -> parent.running().down() ? 0 : 1);
    }
  }

  @Command(name = "kill", description = "kill -9 one node, as a crash would.")
  static final class Kill implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return guarded(() -> {
        parent.running().kill(id);
        return 0;
      });
    }
  }

  @Command(name = "start", description = "Starts one node again (after kill).")
  static final class Start implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      return guarded(() -> parent.running().start(id, Duration.ofSeconds(60)) ? 0 : 1);
    }
  }

  @Command(name = "partition", description = "Splits the cluster into groups, e.g. partition n1 n2,n3. Nodes not named form one more group.")
  static final class Partition implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Parameters(paramLabel = "GROUP", arity = "1..*", description = "comma-separated node ids")
    List<String> groups;

    @Option(names = "--net", defaultValue = "program", description = "program (the fault plan) or real (nftables, --hosts)")
    String net;

    @Override
    public Integer call() {
      return guarded(() -> {
        List<List<String>> partition = new ArrayList<>();
        for (String g : groups) {
          partition.add(Arrays.stream(g.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList());
        }
        if (NetCommands.real(net)) {
          NetCommands.realFaults(parent.running()).partition(partition);
          return 0;
        }
        String body = Json.MAPPER.writeValueAsString(Map.of("partition", partition));
        return applyEverywhere(parent.running(), "POST", body);
      });
    }
  }

  @Command(name = "heal", description = "Clears every fault on every node: the fault plan, and in --hosts mode the"
      + " nftables rules and downed links too.")
  static final class Heal implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Override
    public Integer call() {
      return guarded(() -> {
        LocalCluster cluster = parent.running();
        if (cluster.network().isPresent()) {
          NetCommands.realFaults(cluster).heal();
        }
        return applyEverywhere(cluster, "DELETE", null);
      });
    }
  }

  @Command(name = "keys", description = "Writes a new TLS CA and key stores for the deployment's nodes, and new Ed25519 keys"
      + " if it runs PBFT (up makes what is missing). --reissue, --add-ca and --trust-only-current-ca rotate TLS keys.")
  static final class Keys implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Option(names = "--config", defaultValue = "conf/pbft-4.conf", description = "deployment file (default ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--reissue", description = "new TLS key and certificate from the current CA for these nodes"
        + " (--node, repeatable; all when none)")
    boolean reissue;

    @Option(names = "--node", description = "with --reissue: a node id")
    List<String> nodes = new ArrayList<>();

    @Option(names = "--add-ca", description = "rotation step 1: a new CA signs from now on; trust.p12 holds old and new")
    boolean addCa;

    @Option(names = "--trust-only-current-ca", description = "rotation last step: trust.p12 holds only the current CA")
    boolean trustOnlyCurrentCa;

    @Override
    public Integer call() {
      return guarded(() -> {
        if ((reissue ? 1 : 0) + (addCa ? 1 : 0) + (trustOnlyCurrentCa ? 1 : 0) > 1) {
          throw new IllegalArgumentException("give at most one of --reissue, --add-ca, --trust-only-current-ca");
        }
        Path deployment = ProjectPaths.resolveConfig(config);
        TlsDeploymentKeys.Action action = reissue ? TlsDeploymentKeys.Action.REISSUE
            : addCa ? TlsDeploymentKeys.Action.ADD_CA
            : trustOnlyCurrentCa ? TlsDeploymentKeys.Action.TRUST_ONLY_CURRENT_CA : TlsDeploymentKeys.Action.MAKE_NEW;
        if (action == TlsDeploymentKeys.Action.MAKE_NEW) {
          PbftDeploymentKeys.ensure(parent.clusterDir(), deployment, true, System.out);
        }
        if (TlsDeploymentKeys.apply(parent.clusterDir(), deployment, action, nodes, System.out).isEmpty()) {
          System.out.println("no TLS keys: " + deployment + " runs plain TCP (cluster-node.transport.tls.enabled = off)");
        }
        return 0;
      });
    }
  }

  @Command(name = "bench", description = "Load through the HTTP API of the running cluster; prints JSON and markdown.")
  static final class BenchCommand implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Option(names = "--workload", defaultValue = "kv-write",
        description = "kv-write, kv-read, ledger-transfer, gossip-converge, txn, lease-keepalive (raft), "
            + "watch-fanout (raft), failover (raft) or view-change (pbft)")
    String workload;

    @Option(names = "--protocol", defaultValue = "raft",
        description = "raft or pbft: the protocol the running cluster must run; named in the results")
    String protocol;

    @Option(names = "--clients", defaultValue = "64", description = "concurrent clients, one request each at a time")
    int clients;

    @Option(names = "--duration", defaultValue = "30", description = "seconds of measured load")
    int durationSeconds;

    @Option(names = "--value-bytes", defaultValue = "64")
    int valueBytes;

    @Option(names = "--target", defaultValue = "leader", description = "leader (pbft: the primary), all, or a node id")
    String target;

    @Option(names = "--runs", defaultValue = "5",
        description = "failover: leader kills; view-change: primaries silenced; gossip-converge: writes timed")
    int runs;

    @Override
    public Integer call() {
      return guarded(() -> {
        clusternode.node.bench.BenchOptions options = options();
        new clusternode.node.bench.Bench(parent.running(), System.out).run(options);
        return 0;
      });
    }

    /** The options as given, checked; throws IllegalArgumentException with one line on a bad one. */
    clusternode.node.bench.BenchOptions options() {
      return new clusternode.node.bench.BenchOptions(workload, protocol, clients, durationSeconds, valueBytes, target,
          runs);
    }
  }

  /** Sends the fault change to every running node; partitions are symmetric only if all agree. */
  static int applyEverywhere(LocalCluster cluster, String method, String body) throws IOException {
    NodeClient client = cluster.client(cluster.dir().adminToken(false), Duration.ofSeconds(5));
    int failures = 0;
    for (Peer p : cluster.peers().all().values()) {
      if (cluster.dir().process(p.id()).isEmpty()) {
        System.out.printf("%-6s not running, skipped%n", p.id());
        continue;
      }
      try {
        NodeClient.Answer a = client.send(p, "/admin/faults", method, body);
        System.out.printf("%-6s %d %s%n", p.id(), a.status(), a.body());
        failures += a.ok() ? 0 : 1;
      } catch (IOException e) {
        System.out.printf("%-6s no answer: %s%n", p.id(), e.getMessage());
        failures++;
      }
    }
    return failures == 0 ? 0 : 1;
  }
}
