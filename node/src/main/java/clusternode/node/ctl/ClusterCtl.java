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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import clusternode.node.tls.NodeTls;
import clusternode.protocols.peers.Peer;

/** {@code bin/clusterctl}: the client of one node's HTTP API. */
@Command(name = "clusterctl", mixinStandardHelpOptions = true,
    description = "Talks to a node's HTTP API.",
    subcommands = {ClusterCtl.Faults.class, ClusterCtl.Cas.class, ClusterCtl.ClusterView.class, LedgerCtl.class,
        CoordCtl.Range.class, CoordCtl.Txn.class, CoordCtl.Lease.class, CoordCtl.Watch.class, LockCtl.Lock.class, LockCtl.Elect.class})
public final class ClusterCtl implements Callable<Integer> {
  @Option(names = {"-u", "--url"}, defaultValue = "http://127.0.0.1:8081", description = "node to talk to (default ${DEFAULT-VALUE})")
  URI url;

  @Option(names = "--token-file", description = "admin token file (default: target/cluster/admin-token under the project)")
  Path tokenFile;

  @Option(names = "--trust-store", description = "for an https URL: the deployment's CA trust store, with the password"
      + " file beside it (default: target/cluster/tls/trust.p12 under the project)")
  Path trustStore;

  @Override
  public Integer call() {
    System.out.println("usage: bin/clusterctl [--url URL] health|peers|metrics|faults|ledger ... (--help for more)");
    return Main.EXIT_CONFIG;
  }

  Peer node() {
    int port = url.getPort() > 0 ? url.getPort() : https() ? 443 : 80;
    return new Peer("node", url.getHost(), 0, port);
  }

  private boolean https() {
    return "https".equalsIgnoreCase(url.getScheme());
  }

  NodeClient client() throws IOException {
    String home = System.getenv("CLUSTERNODE_HOME");
    Path file = tokenFile != null ? tokenFile : Path.of(home == null ? "." : home, "target/cluster/admin-token");
    String token = Files.exists(file) ? Files.readString(file).strip() : "";
    if (!https()) {
      return new NodeClient(token, Duration.ofSeconds(10));
    }
    // HTTPS: trust the deployment CA only, never the JDK's public CAs.
    Path trust = trustStore != null ? trustStore : Path.of(home == null ? "." : home, "target/cluster/tls", NodeTls.TRUST_STORE);
    try {
      String password = Files.readString(trust.resolveSibling(NodeTls.PASSWORD_FILE)).strip();
      return new NodeClient(token, Duration.ofSeconds(10), NodeTls.clientContext(trust, password));
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IOException("cannot use the trust store " + trust + " (and its password file beside it): " + e.getMessage()
          + "; pass --trust-store", e);
    }
  }

  // A request with no logic of its own is a method: picocli adds every @Command method as a subcommand.

  @Command(name = "health", description = "GET /health")
  int health() {
    return call("GET", "/health", null);
  }

  @Command(name = "peers", description = "GET /health/peers: reachability and round-trip times")
  int peers() {
    return call("GET", "/health/peers", null);
  }

  @Command(name = "metrics", description = "GET /metrics (Prometheus text)")
  int metrics() {
    return call("GET", "/metrics", null);
  }

  @Command(name = "put", description = "PUT /kv/KEY: answers after commit")
  int put(@Parameters(index = "0", paramLabel = "KEY") String key, @Parameters(index = "1", paramLabel = "VALUE") String value) {
    return call("PUT", "/kv/" + encode(key), value);
  }

  @Command(name = "get", description = "GET /kv/KEY (linearizable unless --local)")
  int get(@Parameters(paramLabel = "KEY") String key,
      @Option(names = "--local", description = "read this node's possibly stale copy") boolean local) {
    return call("GET", "/kv/" + encode(key) + (local ? "?consistency=local" : ""), null);
  }

  @Command(name = "del", description = "DELETE /kv/KEY")
  int del(@Parameters(paramLabel = "KEY") String key) {
    return call("DELETE", "/kv/" + encode(key), null);
  }

  @Command(name = "leader", description = "GET /health/consensus: role, term, leader, indexes, quorum")
  int leader() {
    return call("GET", "/health/consensus", null);
  }

  @Command(name = "transfer-leader", description = "hand Raft leadership to TARGET (ask the leader)")
  int transferLeader(@Parameters(paramLabel = "TARGET") String target) {
    return call("POST", "/admin/raft/transfer-leader", "{\"target\": \"" + target + "\"}");
  }

  @Command(name = "add-node", description = "add ID (a peer of the deployment) to Raft as a learner; it votes once caught up")
  int addNode(@Parameters(paramLabel = "ID") String id) {
    return call("POST", "/admin/raft/members", "{\"add\": \"" + id + "\"}");
  }

  @Command(name = "remove-node", description = "remove ID from the Raft membership")
  int removeNode(@Parameters(paramLabel = "ID") String id) {
    return call("DELETE", "/admin/raft/members/" + encode(id), null);
  }

  /**
   * Prints the answer's body and maps its status to the exit code (0 for 2xx); for any other
   * status also the status and the JSON error's message on stderr, so a script sees why.
   */
  int call(String method, String path, String body) {
    try {
      NodeClient.Answer a = client().send(node(), path, method, body);
      System.out.println(a.body());
      if (!a.ok()) {
        System.err.println("error: HTTP " + a.status() + ": " + errorMessage(a));
      }
      return a.ok() ? 0 : 1;
    } catch (IOException e) {
      System.err.println("error: no answer from " + url + ": " + e.getMessage());
      return 1;
    }
  }

  /** The {@code error} of the API's JSON error shape, or the body itself when it has none. */
  private static String errorMessage(NodeClient.Answer a) {
    try {
      String error = a.json().path("error").asText("");
      return error.isEmpty() ? a.body() : error;
    } catch (IllegalStateException notJson) {
      return a.body();
    }
  }

  @Command(name = "cas", description = "POST /kv/KEY/cas: set VALUE if the current value is EXPECTED (--absent: if there is none)")
  static final class Cas implements Callable<Integer> {
    @ParentCommand ClusterCtl parent;

    @picocli.CommandLine.Parameters(index = "0", paramLabel = "KEY") String key;

    @picocli.CommandLine.Parameters(index = "1", paramLabel = "VALUE") String value;

    @Option(names = "--expected") String expected;

    @Option(names = "--absent") boolean absent;

    @Override
    public Integer call() throws Exception {
      if (absent == (expected != null)) {
        System.err.println("error: give exactly one of --expected VALUE or --absent");
        return Main.EXIT_CONFIG;
      }
      java.util.Map<String, String> body = new java.util.LinkedHashMap<>();
      body.put("expected", expected);
      body.put("value", value);
      return parent.call("POST", "/kv/" + encode(key) + "/cas", clusternode.protocols.http.Json.MAPPER.writeValueAsString(body));
    }
  }

  static String encode(String segment) {
    return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Command(name = "cluster", mixinStandardHelpOptions = true, description = "GET /cluster: every node's view side by side, split-brain verdict, quorum")
  static final class ClusterView implements Callable<Integer> {
    @ParentCommand ClusterCtl parent;

    @Option(names = "--json", description = "print the JSON instead of the table") boolean json;

    @Override
    public Integer call() {
      try {
        NodeClient.Answer a = parent.client().get(parent.node(), "/cluster");
        System.out.print(json || !a.ok() ? a.body() + "\n" : clusternode.node.dashboard.ClusterTable.render(a.json()));
        return a.ok() ? 0 : 1;
      } catch (IOException | IllegalStateException e) {
        System.err.println("error: no readable answer from " + parent.url + ": " + (e.getMessage() != null ? e.getMessage() : e));
        return 1;
      }
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
