package clusternode.node.launcher;

import clusternode.node.config.NodeConfig;
import clusternode.node.config.ProtocolCatalog;
import clusternode.node.ctl.NodeClient;
import clusternode.node.hosts.HostNetwork;
import clusternode.node.hosts.Sh;
import clusternode.node.tls.NodeTls;
import clusternode.protocols.peers.Peer;
import clusternode.protocols.peers.PeerDirectory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A deployment run on this machine, one JVM per node on loopback. Every process it starts is
 * recorded by pid (with its start time, so a recycled pid is never mistaken for ours) and stopped
 * by that pid.
 */
public final class LocalCluster {
  // A 256 MiB start heap: from 64 MiB, SerialGC ran full collections under load (9-11% of a node's CPU).
  private static final List<String> DEFAULT_JVM_OPTIONS =
      List.of("-Xms256m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");

  private final ClusterDir dir;
  private final Path deployment;
  private final PeerDirectory peers;
  private final Path jar;
  private final PrintStream out;
  private final Optional<Path> tlsDir;
  private final Optional<NodeTls> https;
  // Present in --hosts mode: every node runs in its own network namespace of this network.
  private final Optional<HostNetwork> network;

  private LocalCluster(ClusterDir dir, Path deployment, PeerDirectory peers, Path jar, PrintStream out,
      Optional<Path> tlsDir, Optional<NodeTls> https, Optional<HostNetwork> network) {
    this.dir = dir;
    this.network = network;
    this.tlsDir = tlsDir;
    this.https = https;
    this.deployment = deployment;
    this.peers = peers;
    this.jar = jar;
    this.out = out;
  }

  /** Checks every node's config of {@code deployment} (a {@code ConfigProblem} if one is wrong). */
  public static LocalCluster of(ClusterDir dir, Path deployment, Path jar, PrintStream out) throws IOException {
    PbftDeploymentKeys.ensure(dir, deployment, false, out);
    NodeConfig.checkAllButKeyStores(deployment, ProtocolCatalog.discover());
    Optional<Path> tlsDir = TlsDeploymentKeys.apply(dir, deployment, TlsDeploymentKeys.Action.MAKE_MISSING, List.of(), out);
    Map<String, NodeConfig> nodes = NodeConfig.loadAll(deployment, ProtocolCatalog.discover());
    NodeConfig any = nodes.values().iterator().next();
    return new LocalCluster(dir, deployment.toAbsolutePath().normalize(), any.peers(), jar, out, tlsDir, any.https(),
        HostNetwork.load(dir.root()));
  }

  /** The host network of a --hosts run; empty on loopback. */
  public Optional<HostNetwork> network() {
    return network;
  }

  public PeerDirectory peers() {
    return peers;
  }

  public ClusterDir dir() {
    return dir;
  }

  /** A client of the nodes' HTTP API: HTTPS trusting the deployment CA when the deployment serves HTTPS. */
  public NodeClient client(String adminToken, Duration timeout) {
    return new NodeClient(adminToken, timeout, httpsClientContext());
  }

  /** Trusts the deployment CA when the deployment serves HTTPS; null when it serves plain HTTP. */
  public javax.net.ssl.SSLContext httpsClientContext() {
    if (https.isEmpty()) {
      return null;
    }
    try {
      return https.get().clientContext();
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust the deployment CA in " + https.get().trustStore() + ": " + e.getMessage());
    }
  }

  /** Starts every node that is not running and waits until all report healthy. */
  public boolean up(Duration timeout) throws IOException {
    long began = System.nanoTime();
    dir.recordDeployment(deployment);
    boolean anyRunning = false;
    for (String id : peers.ids()) {
      anyRunning |= dir.process(id).isPresent();
    }
    if (!anyRunning) {
      dir.forgetToken(); // a fresh token for every fresh run
      // Nodes run from a copy: rebuilding the project must not pull the jar from under live JVMs.
      Files.createDirectories(dir.root());
      Files.copy(jar, runJar(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    dir.adminToken(true);
    for (String id : peers.ids()) {
      Optional<ProcessHandle> running = dir.process(id);
      if (running.isPresent()) {
        out.printf("%s already running (pid %d)%n", id, running.get().pid());
      } else {
        launch(id);
      }
    }
    boolean healthy = awaitHealthy(peers.ids(), timeout);
    printStatus();
    if (healthy) {
      out.printf("cluster up in %.1f s; admin token in %s; logs in %s/<id>/node.log%n",
          (System.nanoTime() - began) / 1e9, dir.tokenFile(), dir.root());
    }
    return healthy;
  }

  /** Starts one node again (after {@code kill}) and waits until it answers. */
  public boolean start(String id, Duration timeout) throws IOException {
    requireKnown(id);
    if (dir.process(id).isPresent()) {
      out.printf("%s already running (pid %d)%n", id, dir.process(id).get().pid());
      return true;
    }
    dir.adminToken(true);
    launch(id);
    boolean healthy = awaitHealthy(List.of(id), timeout);
    printStatus();
    return healthy;
  }

  private void launch(String id) throws IOException {
    Files.createDirectories(dir.dataDir(id));
    List<String> command = new ArrayList<>();
    network.ifPresent(n -> command.addAll(n.exec(id)));
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions());
    command.add("-Dcluster-node.admin-token-file=" + dir.tokenFile());
    command.add("-Dcluster-node.data-dir=" + dir.dataDir(id));
    command.add("-Dcluster-node.pbft.keys-file=" + dir.pbftKeysFile());
    tlsDir.ifPresent(tls -> command.add("-Dcluster-node.transport.tls.dir=" + tls));
    // In its namespace a node's loopback is its own: the API must listen on the namespace address.
    network.ifPresent(n -> command.add("-Dcluster-node.http.bind-host=" + n.address(id)));
    if (!Files.exists(runJar())) {
      Files.copy(jar, runJar());
    }
    command.addAll(List.of("-jar", runJar().toString(), "node", "--config", deployment.toString(), "--id", id));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.logFile(id).toFile()));
    Process process = builder.start();
    dir.recordProcess(id, process.toHandle());
    out.printf("started %s (pid %d)%n", id, process.pid());
  }

  private Path runJar() {
    return dir.root().resolve("clusternode.jar");
  }

  private static List<String> jvmOptions() {
    String custom = System.getenv("CLUSTERNODE_NODE_OPTS");
    return custom == null || custom.isBlank() ? DEFAULT_JVM_OPTIONS : Arrays.asList(custom.trim().split("\\s+"));
  }

  private boolean awaitHealthy(List<String> ids, Duration timeout) throws IOException {
    NodeClient client = client(null, Duration.ofSeconds(2));
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> waiting = new ArrayList<>(ids);
    while (!waiting.isEmpty()) {
      for (String id : List.copyOf(waiting)) {
        if (dir.process(id).isEmpty()) {
          out.printf("%s exited during start-up; the end of %s:%n", id, dir.logFile(id));
          tail(dir.logFile(id), 5).forEach(line -> out.println("  " + line));
          return false;
        }
        if ("ok".equals(client.healthStatus(peers.get(id)))) {
          waiting.remove(id);
        }
      }
      if (System.nanoTime() > deadline) {
        out.printf("not healthy within %d s: %s (see their node.log)%n", timeout.toSeconds(), waiting);
        return false;
      }
      sleep(200);
    }
    return true;
  }

  /** Prints one line per node: process, address and health. */
  public void printStatus() throws IOException {
    NodeClient client = client(null, Duration.ofSeconds(2));
    for (Peer p : peers.all().values()) {
      Optional<ProcessHandle> process = dir.process(p.id());
      String health = process.isPresent() ? Optional.ofNullable(client.healthStatus(p)).orElse("not answering") : "-";
      out.printf("%-6s %-26s %-14s %s%n", p.id(), client.base(p),
          process.map(h -> "pid " + h.pid()).orElse("not running"), health);
    }
  }

  /** SIGKILL, as a crash would: nothing is flushed or said goodbye. */
  public void kill(String id) throws IOException {
    requireKnown(id);
    Optional<ProcessHandle> process = dir.process(id);
    if (process.isEmpty()) {
      out.printf("%s is not running%n", id);
      return;
    }
    process.get().destroyForcibly();
    awaitExit(process.get(), Duration.ofSeconds(10));
    dir.forgetProcess(id);
    out.printf("killed %s (pid %d)%n", id, process.get().pid());
  }

  /** SIGSTOP ({@code pause}) or SIGCONT ({@code resume}) to one node, by its pid: a host frozen and thawed. */
  public void signal(String id, boolean pause) throws IOException {
    requireKnown(id);
    Optional<ProcessHandle> process = dir.process(id);
    if (process.isEmpty()) {
      throw new IllegalStateException(id + " is not running");
    }
    Sh.run("kill", pause ? "-STOP" : "-CONT", Long.toString(process.get().pid()));
    out.printf("%s %s (pid %d)%n", pause ? "paused" : "resumed", id, process.get().pid());
  }

  /**
   * SIGTERM to every node, SIGKILL to any still alive after 15 s; no process is left behind. In
   * --hosts mode the network goes too: namespaces, veths, bridge and nftables tables.
   */
  public boolean down() throws IOException {
    List<ProcessHandle> stopping = new ArrayList<>();
    for (String id : peers.ids()) {
      dir.process(id).ifPresent(h -> {
        // A paused node would not act on SIGTERM until continued.
        Sh.status(List.of("kill", "-CONT", Long.toString(h.pid())), null);
        h.destroy();
        stopping.add(h);
      });
    }
    boolean clean = true;
    for (ProcessHandle h : stopping) {
      if (!awaitExit(h, Duration.ofSeconds(15))) {
        h.destroyForcibly();
        clean &= awaitExit(h, Duration.ofSeconds(5));
      }
    }
    for (String id : peers.ids()) {
      dir.forgetProcess(id);
    }
    out.printf("stopped %d node(s)%s%n", stopping.size(), clean ? "" : "; some did not exit!");
    if (network.isPresent()) {
      HostNetwork.removeAll(network.get().tag(), out);
      List<String> left = HostNetwork.leftovers(network.get().tag());
      HostNetwork.forget(dir.root());
      out.printf("removed host network %s (namespaces, veths, bridge, nftables)%s%n", network.get().cidr(),
          left.isEmpty() ? "" : "; still there: " + left);
      clean &= left.isEmpty();
    }
    return clean;
  }

  private void requireKnown(String id) {
    if (!peers.contains(id)) {
      throw new IllegalArgumentException("unknown node '" + id + "'; this deployment has " + peers.ids());
    }
  }

  /** Polls: {@code onExit()} of a process this JVM did not start backs off to seconds between looks. */
  private static boolean awaitExit(ProcessHandle h, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (h.isAlive() && !isZombie(h.pid())) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      sleep(10);
    }
    return true;
  }

  /**
   * A killed node whose parent (an earlier launcher) is gone waits for init to reap it; as a
   * zombie it no longer runs, holds no port and must count as exited.
   */
  static boolean isZombie(long pid) {
    return zombie(pid);
  }

  /** Whether {@code pid} is a process that still runs (a zombie does not). */
  public static boolean isRunning(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !zombie(pid);
  }

  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      int close = stat.lastIndexOf(')');
      return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
    } catch (IOException | RuntimeException e) {
      return false; // not Linux, or already gone: isAlive() decides
    }
  }

  private static List<String> tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return all.subList(Math.max(0, all.size() - lines), all.size());
    } catch (IOException e) {
      return List.of("(cannot read " + file + ")");
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
