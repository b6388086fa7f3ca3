package clusternode.node.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Three Raft nodes, each its own host: {@code bin/cluster up --hosts} puts every JVM in a network
 * namespace on a private bridge, and the faults are the kernel's (nftables drops, SIGSTOP, a veth
 * taken down), not the node's fault plan. The deployment runs Akka's split brain resolver
 * (keep-majority), so an isolated node is downed and removed from the Akka cluster; it must come
 * back by itself as a new incarnation in the same process (clusternode.node.recovery), which the
 * partition, cut and pause tests check. Bounds stated here (generous: CI shares 2 cores): a new
 * leader within 45 s of a fault, writes through every node again within 90 s of the heal.
 *
 * <p>Not in the default {@code mvn -B verify} yet: it failed 2 of 5 runs on one cause (a node
 * downed while its peers' packets still vanish cannot get its Artery port back for its new
 * incarnation; issue 15). Run it with {@code -Dclusternode.hosts-it=true}.
 */
@EnabledIfSystemProperty(named = "clusternode.hosts-it", matches = "true",
    disabledReason = "flaky (2 of 5 runs): a downed node's new incarnation cannot always rebind its Artery port; "
        + "run with -Dclusternode.hosts-it=true")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostsClusterIT {
  private static final List<String> IDS = List.of("n1", "n2", "n3");
  private static final Duration ELECTION_BOUND = Duration.ofSeconds(45);
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(90);

  private Path clusterDir;
  private HostsLauncher launcher;
  private HostNetwork network;
  private String tag;

  @BeforeAll
  void up() throws Exception {
    // Not skipped: a machine that cannot make namespaces fails these tests, with the reason.
    assertEquals(0, Root.effectiveUid(), "the --hosts tests create network namespaces, veths and nftables rules:"
        + " run mvn verify as root (CI does)");
    assertTrue(Sh.status(List.of("nft", "--version"), null).ok(), "nft is missing: apt-get install -y nftables");
    clusterDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "hosts-it-");
    tag = HostNetwork.tagOf(clusterDir);
    Path deployment = clusterDir.resolve("hosts-it.conf");
    Files.writeString(deployment, """
        cluster-node {
          protocols = [raft, gossip]
          peers {
            n1 { host = "127.0.0.1", akka-port = 2551, http-port = 8081 }
            n2 { host = "127.0.0.1", akka-port = 2552, http-port = 8082 }
            n3 { host = "127.0.0.1", akka-port = 2553, http-port = 8083 }
          }
        }
        # The minority side downs itself: the node must come back as a new incarnation.
        akka.cluster.downing-provider-class = "akka.cluster.sbr.SplitBrainResolverProvider"
        akka.cluster.split-brain-resolver { active-strategy = keep-majority, stable-after = 5s }
        """);
    launcher = new HostsLauncher(clusterDir.resolve("cluster"), IDS);
    String out = launcher.ok("up", "--hosts", "--config", deployment.toString(), "--timeout", "150");
    network = HostNetwork.load(clusterDir.resolve("cluster")).orElseThrow();
    for (String id : IDS) {
      assertTrue(out.contains("http://" + network.address(id) + ":"), "up prints " + id + "'s namespace address:\n" + out);
    }
  }

  @AfterAll
  void down() throws Exception {
    try {
      launcher.ok("down");
      assertEquals(List.of(), HostNetwork.leftovers(tag), "down leaves no namespace, veth, bridge or table of ours");
      for (long pid : launcher.seenPids()) {
        assertFalse(HostsLauncher.runs(pid), "node pid " + pid + " still runs");
      }
    } finally {
      launcher.killAllSeen();
      HostNetwork.removeAll(tag, System.out);
    }
  }

  @Test
  @Order(1)
  void everyNodeRunsInItsOwnNamespaceAndServesKv() throws Exception {
    for (String id : IDS) {
      long pid = launcher.pid(id).orElseThrow();
      assertEquals(network.namespace(id), Sh.run("ip", "netns", "identify", Long.toString(pid)).strip(),
          id + "'s JVM runs in its namespace");
      // The namespace knows only its own /24: nothing beyond this machine's bridge is routable.
      String routes = Sh.run("ip", "-n", network.namespace(id), "-4", "route", "show");
      assertFalse(routes.contains("default"), "no default route in " + id + "'s namespace: " + routes);
    }
    assertEquals(200, awaitStatus("n2", "PUT", "/kv/hosts-a", "one", 200, ELECTION_BOUND));
    Http.Answer read = Http.send(base("n3"), "GET", "/kv/hosts-a", null, Duration.ofSeconds(10)).orElseThrow();
    assertEquals(200, read.status());
    assertEquals("one", read.body());
  }

  @Test
  @Order(2)
  void partitionIsolatingTheLeader() throws Exception {
    String old = awaitLeader(IDS, ELECTION_BOUND);
    long pid = launcher.pid(old).orElseThrow();
    List<String> majority = others(old);
    launcher.ok("partition", old, "--net", "real");
    String fresh = awaitLeader(majority, ELECTION_BOUND);
    assertTrue(majority.contains(fresh), "a new leader on the majority side: " + fresh);
    assertEquals(200, awaitStatus(majority.get(0), "PUT", "/kv/hosts-b", "during-partition", 200, ELECTION_BOUND));
    // The isolated old leader must never acknowledge a write: 503, not a stale success.
    assertEquals(503, awaitStatus(old, "PUT", "/kv/hosts-c", "minority", 503, RECOVERY_BOUND));
    // Held until the resolver on the minority side has downed the old leader (stable-after 5 s):
    // the heal must find a node whose Akka membership is gone, which it can only regain as a new incarnation.
    Path log = clusterDir.resolve("cluster").resolve(old).resolve("node.log");
    poll(RECOVERY_BOUND, old + " downed and starting a new incarnation", () -> {
      try {
        return Optional.of(true).filter(t -> readQuietly(log).contains("starting a new incarnation"));
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    });
    heal();
    long healed = System.nanoTime();
    assertEquals(200, awaitStatus(old, "PUT", "/kv/hosts-d", "after-heal", 200, RECOVERY_BOUND));
    System.out.printf("writes through %s resumed %.1f s after the heal%n", old, (System.nanoTime() - healed) / 1e9);
    assertEquals("during-partition", Http.send(base(old), "GET", "/kv/hosts-b", null, Duration.ofSeconds(10))
        .orElseThrow().body());
    assertEquals(pid, launcher.pid(old).orElseThrow(), "the same process: a new incarnation, not a restart by hand");
    assertTrue(HostsLauncher.runs(pid));
  }

  @Test
  @Order(3)
  void oneWayCutOfTheLeadersOutboundTraffic() throws Exception {
    String old = awaitLeader(IDS, ELECTION_BOUND);
    List<String> rest = others(old);
    launcher.ok("cut", old, String.join(",", rest), "--net", "real");
    assertTrue(Sh.run("ip", "netns", "exec", network.namespace(old), "nft", "list", "tables").contains(NetFaults.CUT));
    String fresh = awaitLeader(rest, ELECTION_BOUND);
    assertTrue(rest.contains(fresh), "the followers hear no leader and elect one of their own: " + fresh);
    assertEquals(200, awaitStatus(fresh, "PUT", "/kv/hosts-e", "during-cut", 200, ELECTION_BOUND));
    // Healed at once, before the resolver is likely to down the cut-off node: downed while
    // its packets still vanish, its old actor system can keep the Artery port for minutes (see the
    // README's multi-host section, open work), which the partition and pause tests avoid by design.
    heal();
    assertEquals(List.of(), new NetFaults(network, System.out).tablesIn(old), "heal removed the cut");
    assertEquals(200, awaitStatus(old, "PUT", "/kv/hosts-f", "after-cut", 200, RECOVERY_BOUND));
  }

  @Test
  @Order(4)
  void pausedLeaderIsReplacedAndRejoinsAfterSigcont() throws Exception {
    String old = awaitLeader(IDS, ELECTION_BOUND);
    long pid = launcher.pid(old).orElseThrow();
    List<String> rest = others(old);
    int downingsBefore = downingsOf(old, rest); // earlier tests may have downed it already
    launcher.ok("pause", old);
    assertEquals('T', state(pid), "SIGSTOP stopped the JVM");
    String fresh = awaitLeader(rest, ELECTION_BOUND);
    assertEquals(200, awaitStatus(fresh, "PUT", "/kv/hosts-g", "during-pause", 200, ELECTION_BOUND));
    // SWIM on the others: the frozen host is suspected, then declared dead ...
    poll(ELECTION_BOUND, "gossip on " + fresh + " declaring " + old + " dead",
        () -> Optional.of(true).filter(t -> "dead".equals(gossipStatus(fresh, old))));
    // Held until the majority's resolver has downed the frozen node: a long GC pause, as seen from outside.
    poll(RECOVERY_BOUND, "the majority downing " + old, () -> Optional.of(true)
        .filter(t -> downingsOf(old, rest) > downingsBefore));
    int incarnationsBefore = count(readQuietly(logOf(old)), "starting a new incarnation");
    launcher.ok("resume", old);
    assertTrue(state(pid) != 'T', "SIGCONT let it run");
    // Thawed, it learns it was downed (or quarantined) and can only come back as a new incarnation.
    poll(RECOVERY_BOUND, old + " starting a new incarnation after SIGCONT", () -> Optional.of(true)
        .filter(t -> count(readQuietly(logOf(old)), "starting a new incarnation") > incarnationsBefore));
    assertEquals(200, awaitStatus(old, "PUT", "/kv/hosts-h", "after-pause", 200, RECOVERY_BOUND));
    assertEquals("during-pause", Http.send(base(old), "GET", "/kv/hosts-g", null, Duration.ofSeconds(10))
        .orElseThrow().body());
    assertEquals(pid, launcher.pid(old).orElseThrow());
    // ... and alive again once it runs (it refutes with a higher incarnation).
    poll(RECOVERY_BOUND, "gossip on " + fresh + " seeing " + old + " alive again",
        () -> Optional.of(true).filter(t -> "alive".equals(gossipStatus(fresh, old))));
  }

  /** What {@code observer}'s SWIM membership says of {@code id}: alive, suspect, dead, or null. */
  private String gossipStatus(String observer, String id) {
    Optional<JsonNode> members = Http.json(base(observer), "/gossip/members");
    if (members.isEmpty()) {
      return null;
    }
    for (JsonNode m : members.get().path("members")) {
      if (id.equals(m.path("id").asText())) {
        return m.path("status").asText();
      }
    }
    return null;
  }

  @Test
  @Order(5)
  void packetLossAndALinkDown() throws Exception {
    launcher.ok("loss", "20", "--net", "real");
    for (String id : IDS) {
      assertTrue(new NetFaults(network, System.out).tablesIn(id).contains(NetFaults.LOSS));
    }
    // 20% loss slows TCP down but loses nothing: every write still commits.
    for (int i = 0; i < 5; i++) {
      assertEquals(200, awaitStatus("n1", "PUT", "/kv/hosts-loss-" + i, "v" + i, 200, ELECTION_BOUND));
    }
    heal();
    String leader = awaitLeader(IDS, ELECTION_BOUND);
    String follower = others(leader).get(0);
    launcher.ok("link", follower, "down");
    assertTrue(Sh.run("ip", "link", "show", network.veth(follower)).contains("state DOWN"));
    assertEquals(200, awaitStatus(others(follower).get(0), "PUT", "/kv/hosts-i", "link-down", 200, ELECTION_BOUND),
        "two of three still commit");
    heal();
    assertEquals(200, awaitStatus(follower, "PUT", "/kv/hosts-j", "link-up", 200, RECOVERY_BOUND));
  }

  /**
   * Clears the kernel's faults; the in-program part may miss a node that is just starting a new
   * incarnation (exit 1 then), which starts with an empty fault plan anyway.
   */
  private void heal() throws Exception {
    HostsLauncher.Result r = launcher.run("heal");
    System.out.println("$ cluster heal\n" + r.output());
    assertTrue(r.output().contains("healed the network"), r.output());
    for (String id : IDS) {
      assertEquals(List.of(), new NetFaults(network, System.out).tablesIn(id), "no fault table left in " + id);
    }
  }

  private List<String> others(String id) {
    List<String> rest = new ArrayList<>(IDS);
    rest.remove(id);
    return rest;
  }

  private String base(String id) {
    return "http://" + network.address(id) + ":" + (8081 + IDS.indexOf(id));
  }

  /** The node among {@code ids} that says it leads, polled until {@code bound}. */
  private String awaitLeader(List<String> ids, Duration bound) {
    return poll(bound, "a leader among " + ids, () -> {
      for (String id : ids) {
        Optional<JsonNode> c = Http.json(base(id), "/health/consensus");
        if (c.isPresent() && "leader".equals(c.get().path("role").asText())) {
          return Optional.of(id);
        }
      }
      return Optional.empty();
    });
  }

  /** Repeats the request until it answers {@code wanted} (returned) or {@code bound} passes (the last status). */
  private int awaitStatus(String id, String method, String path, String body, int wanted, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      Optional<Http.Answer> a = Http.send(base(id), method, path, body, Duration.ofSeconds(10));
      last = a.map(Http.Answer::status).orElse(-1);
      if (last == wanted) {
        return last;
      }
      pause(300);
    }
    return last;
  }

  private static <T> T poll(Duration bound, String what, Supplier<Optional<T>> probe) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<T> v = probe.get();
      if (v.isPresent()) {
        return v.get();
      }
      pause(300);
    }
    return fail("no " + what + " within " + bound.toSeconds() + " s");
  }

  private Path logOf(String id) {
    return clusterDir.resolve("cluster").resolve(id).resolve("node.log");
  }

  /** How many times the resolvers of {@code observers} decided to down {@code id}, by their logs. */
  private int downingsOf(String id, List<String> observers) {
    String victim = "akka://clusternode@" + network.address(id) + ":" + (2551 + IDS.indexOf(id));
    int n = 0;
    for (String o : observers) {
      n += (int) readQuietly(logOf(o)).lines().filter(l -> l.contains("SBR took decision") && l.contains(victim)).count();
    }
    return n;
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  /** The process state letter from /proc (T = stopped). */
  private static char state(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    return stat.charAt(stat.lastIndexOf(')') + 2);
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
