package clusternode.node.ctl;

import clusternode.node.Main;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import clusternode.protocols.peers.Peer;

/** {@code bin/clusterctl}: the client of one node's HTTP API. */
@Command(name = "clusterctl", mixinStandardHelpOptions = true,
    description = "Talks to a node's HTTP API.",
    subcommands = {ClusterCtl.Health.class, ClusterCtl.Peers.class, ClusterCtl.Metrics.class, ClusterCtl.Faults.class})
public final class ClusterCtl implements Callable<Integer> {
  @Option(names = {"-u", "--url"}, defaultValue = "http://127.0.0.1:8081", description = "node to talk to (default ${DEFAULT-VALUE})")
  URI url;

  @Option(names = "--token-file", description = "admin token file (default: target/cluster/admin-token under the project)")
  Path tokenFile;

  @Override
  public Integer call() {
    System.out.println("usage: bin/clusterctl [--url URL] health|peers|metrics|faults ... (--help for more)");
    return Main.EXIT_CONFIG;
  }

  Peer node() {
    int port = url.getPort() > 0 ? url.getPort() : 80;
    return new Peer("node", url.getHost(), 0, port);
  }

  NodeClient client() throws IOException {
    Path file = tokenFile;
    if (file == null) {
      String home = System.getenv("CLUSTERNODE_HOME");
      file = Path.of(home == null ? "." : home, "target/cluster/admin-token");
    }
    String token = Files.exists(file) ? Files.readString(file).strip() : "";
    return new NodeClient(token, Duration.ofSeconds(10));
  }

  /** Prints the answer's body and maps its status to the exit code (0 for 2xx). */
  int call(String method, String path, String body) {
    try {
      NodeClient.Answer a = client().send(node(), path, method, body);
      System.out.println(a.body());
      return a.ok() ? 0 : 1;
    } catch (IOException e) {
      System.err.println("error: no answer from " + url + ": " + e.getMessage());
      return 1;
    }
  }

  @Command(name = "health", description = "GET /health")
  static final class Health implements Callable<Integer> {
    @ParentCommand ClusterCtl parent;

    @Override
    public Integer call() {
      return parent.call("GET", "/health", null);
    }
  }

  @Command(name = "peers", description = "GET /health/peers: reachability and round-trip times")
  static final class Peers implements Callable<Integer> {
    @ParentCommand ClusterCtl parent;

    @Override
    public Integer call() {
      return parent.call("GET", "/health/peers", null);
    }
  }

  @Command(name = "metrics", description = "GET /metrics (Prometheus text)")
  static final class Metrics implements Callable<Integer> {
    @ParentCommand ClusterCtl parent;

    @Override
    public Integer call() {
      return parent.call("GET", "/metrics", null);
    }
  }

  @Command(name = "faults", description = "Shows (no option), sets or clears this node's fault plan.")
  static final class Faults implements Callable<Integer> {
    @ParentCommand ClusterCtl parent;

    @Option(names = "--set", description = "JSON, e.g. '{\"drop\": 0.1, \"delayMs\": 50}'")
    String set;

    @Option(names = "--clear", description = "remove every fault")
    boolean clear;

    @Override
    public Integer call() {
      if (clear) {
        return parent.call("DELETE", "/admin/faults", null);
      }
      return set != null ? parent.call("POST", "/admin/faults", set) : parent.call("GET", "/admin/faults", null);
    }
  }
}
