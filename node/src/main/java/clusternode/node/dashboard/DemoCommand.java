package clusternode.node.dashboard;

import clusternode.node.ctl.NodeClient;
import clusternode.node.launcher.ClusterDir;
import clusternode.node.launcher.LocalCluster;
import clusternode.node.launcher.ProjectPaths;
import clusternode.protocols.config.ConfigProblem;
import clusternode.protocols.peers.Peer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/cluster demo}: a narrated tour of a local 5-node cluster. Every step does something
 * to the cluster, says what happened, the lesson, and the figure that proves it; any expectation
 * that does not hold is counted, and {@code --short} (CI) exits non-zero if there was one.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "A narrated tour on a local 5-node cluster: writes, a 2|3 partition, heal, "
    + "kill -9 of the leader, money conserved. Leaves the cluster and dashboard running unless --short.")
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--protocol", defaultValue = "raft", description = "raft (5 nodes: partition, heal, kill) or pbft (4 nodes: a lying replica, a silent primary)")
  String protocol;

  @Option(names = "--config", description = "deployment (default conf/raft-5.conf, or conf/pbft-4.conf with --protocol pbft)")
  Path config;

  @Option(names = "--dir", description = "the demo's own cluster directory (default: target/demo under the project)")
  Path dir;

  @Option(names = "--short", description = "CI mode: stop everything at the end; exit 0 only if every expectation held")
  boolean shortMode;

  @Option(names = "--timeout", defaultValue = "90", description = "seconds to wait for the cluster to come up")
  int upTimeoutSeconds;

  private static final Duration ELECTION_WAIT = Duration.ofSeconds(30);
  private static final long TRANSFER_AMOUNT = 10;
  private static final long OPENING_DEPOSIT = 1000;

  private PrintStream out = System.out;
  private final Narrator say = new Narrator(out);
  private LocalCluster cluster;
  private NodeClient http;
  /** Short reads of {@code /health/consensus}: a node that does not answer at once is counted as silent. */
  private NodeClient probe;
  private List<String> ids;
  private final Map<Long, Set<String>> leadersByTerm = new TreeMap<>();
  private final String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
  private int transfersAcknowledged;

  @Override
  public Integer call() {
    try {
      return tour();
    } catch (ConfigProblem p) {
      System.err.println(p.line());
      return 2;
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("error: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("error: " + e);
      return 1;
    }
  }

  private int tour() throws Exception {
    Path home = ProjectPaths.home();
    if (!protocol.equals("raft") && !protocol.equals("pbft")) {
      throw new IllegalArgumentException("--protocol must be raft or pbft");
    }
    boolean pbft = protocol.equals("pbft");
    if (config == null) {
      config = Path.of(pbft ? "conf/pbft-4.conf" : "conf/raft-5.conf");
    }
    Path deployment = config.isAbsolute() || Files.exists(config) ? config : home.resolve(config);
    ClusterDir clusterDir = new ClusterDir(dir != null ? dir : home.resolve("target/demo"));
    cluster = LocalCluster.of(clusterDir, deployment, ProjectPaths.jar(), out);
    probe = cluster.client(null, Duration.ofSeconds(2));
    ids = cluster.peers().ids();
    int nodes = pbft ? 4 : 5;
    if (ids.size() != nodes) {
      throw new IllegalArgumentException(deployment + " has " + ids.size() + " nodes; the " + protocol + " demo needs " + nodes);
    }
    say.banner("Starting " + nodes + " node JVMs from " + deployment.getFileName() + " (cluster directory " + clusterDir.root() + ")");
    boolean up = false;
    try {
      up = cluster.up(Duration.ofSeconds(upTimeoutSeconds));
      say.expect(up, "all " + nodes + " nodes report healthy");
      if (up && pbft) {
        http = cluster.client(clusterDir.adminToken(false), Duration.ofSeconds(15));
        new PbftTour(cluster, http, run, say).run();
      } else if (up) {
        http = cluster.client(clusterDir.adminToken(false), Duration.ofSeconds(8));
        faultsEverywhere("DELETE", null);
        writes();
        partition();
        heal();
        killLeader();
        ledgerAudit();
        verdict();
      }
    } finally {
      if (shortMode || !up) {
        say.banner("Stopping the cluster (" + (shortMode ? "--short" : "start-up failed") + ")");
        cluster.down();
      }
    }
    if (!shortMode && up) {
      Peer first = cluster.peers().get(ids.get(0));
      out.printf("%nThe cluster keeps running. Watch and break it on the dashboard: %s/%n", http.base(first));
      out.printf("  admin token (for the buttons): %s%n", clusterDir.tokenFile());
      out.printf("  stop it with: bin/cluster --dir %s down%n", clusterDir.root());
    }
    out.printf("%ndemo %s: %d expectation(s) failed%n", say.failures() == 0 ? "passed" : "FAILED", say.failures());
    return say.failures() == 0 ? 0 : 1;
  }

  // ---- the steps --------------------------------------------------------------------------

  private void writes() throws Exception {
    say.step("Writes through the leader");
    Timed<Optional<String>> elected = timed(() -> awaitLeader(ids, ELECTION_WAIT));
    String leader = elected.value().orElseThrow(() -> new IllegalStateException("no leader within " + ELECTION_WAIT));
    int ok = 0;
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long t0 = System.nanoTime();
      if (put(leader, "demo-" + run + "-" + i, "v" + i) == 200) {
        ok++;
        latencies.add((System.nanoTime() - t0) / 1_000_000);
      }
    }
    latencies.sort(null);
    ledger(leader, "/ledger/accounts", "{\"id\":\"alice-" + run + "\"}");
    ledger(leader, "/ledger/accounts", "{\"id\":\"bob-" + run + "\"}");
    ledger(leader, "/ledger/deposits", "{\"id\":\"dep-a-" + run + "\",\"account\":\"alice-" + run + "\",\"amount\":" + OPENING_DEPOSIT + "}");
    ledger(leader, "/ledger/deposits", "{\"id\":\"dep-b-" + run + "\",\"account\":\"bob-" + run + "\",\"amount\":" + OPENING_DEPOSIT + "}");
    int transfers = transfers(leader, "w", 5);
    say.what("%s leads term %d; 20 KV writes went to it and it answered each once a majority (3 of 5) had it on disk.",
        leader, term(leader));
    say.what("Two ledger accounts opened with %d each; %d transfers of %d from alice to bob.", OPENING_DEPOSIT, transfers,
        TRANSFER_AMOUNT);
    say.lesson("A write is acknowledged only after a majority stored it: any later majority overlaps this one, so it survives.");
    say.figure("%d/20 writes acknowledged, median %d ms, max %d ms; commit index per node: %s", ok,
        latencies.isEmpty() ? -1 : latencies.get(latencies.size() / 2), latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1),
        commitIndexes());
    say.expect(ok == 20, "all 20 writes acknowledged");
    say.expect(transfers == 5, "all 5 transfers acknowledged");
  }

  private void partition() throws Exception {
    say.step("A 2|3 partition, with the leader on the small side");
    String leader = awaitLeader(ids, ELECTION_WAIT).orElseThrow(() -> new IllegalStateException("no leader"));
    long oldTerm = term(leader);
    List<String> minority = new ArrayList<>(List.of(leader));
    ids.stream().filter(id -> !id.equals(leader)).findFirst().ifPresent(minority::add);
    List<String> majority = ids.stream().filter(id -> !minority.contains(id)).toList();
    faultsEverywhere("POST", "{\"partition\":[" + jsonList(minority) + "," + jsonList(majority) + "]}");
    long cut = System.nanoTime();
    CompletableFuture<Timed<Integer>> minorityWrite = CompletableFuture.supplyAsync(() -> timed(() ->
        put(leader, "demo-" + run + "-minority", "never")));
    CompletableFuture<Integer> minorityTransfer = CompletableFuture.supplyAsync(() -> ledger(minority.get(1),
        "/ledger/transfers", transferBody("minority", 0)));
    Optional<String> newLeader = awaitLeader(majority, ELECTION_WAIT);
    double electedS = (System.nanoTime() - cut) / 1e9;
    int majorityWrite = newLeader.map(l -> put(l, "demo-" + run + "-majority", "yes")).orElse(-1);
    int majorityTransfers = newLeader.map(l -> transfers(l, "p", 3)).orElse(0);
    Timed<Integer> refused = minorityWrite.join();
    int refusedTransfer = minorityTransfer.join();
    JsonNode minorityView = awaitClusterView(leader, v -> !v.path("quorum").path("healthy").asBoolean(true));
    JsonNode majorityView = newLeader.map(l -> awaitClusterView(l, v -> v.path("quorum").path("healthy").asBoolean())).orElse(null);
    pollConsensus(ids);
    say.what("Cut %s from %s on every node's transport (HTTP still answers, so we can watch both sides).", minority, majority);
    say.what("A write sent to the old leader %s: HTTP %d after %.1f s; a transfer sent to %s: HTTP %d.", leader, refused.value(),
        refused.seconds(), minority.get(1), refusedTransfer);
    say.what("The majority %s elected %s in term %d; writes there go on (HTTP %d, %d transfers).", majority,
        newLeader.orElse("nobody"), newLeader.map(this::term).orElse(-1L), majorityWrite, majorityTransfers);
    say.lesson("Split brain would be two leaders both accepting writes. Raft needs a majority (3 of 5) to commit: the 2-node "
        + "side cannot get one, so it refuses (503) instead of diverging; the 3-node side can, and elects a new leader "
        + "in a higher term. Two majorities of 5 always share a node, so two leaders can never both commit.");
    say.figure("minority write -> %d after %.1f s; new leader %s in term %d (old term %d) %.1f s after the cut; "
            + "/cluster from %s: quorum %s/5 (%s); from %s: %s/5; max leaders in one term so far: %d",
        refused.value(), refused.seconds(), newLeader.orElse("-"), newLeader.map(this::term).orElse(-1L), oldTerm, electedS,
        leader, minorityView == null ? "?" : minorityView.path("quorum").path("reachableFromHere").asText(),
        minorityView != null && minorityView.path("quorum").path("healthy").asBoolean() ? "healthy" : "no quorum",
        newLeader.orElse("-"), majorityView == null ? "?" : majorityView.path("quorum").path("reachableFromHere").asText(),
        maxLeadersInOneTerm());
    say.expect(refused.value() == 503, "the minority refuses the write with 503");
    say.expect(refusedTransfer == 503, "the minority refuses the transfer with 503");
    say.expect(newLeader.isPresent() && majority.contains(newLeader.get()), "the majority elects a leader among itself");
    say.expect(majorityWrite == 200, "the majority keeps accepting writes");
    say.expect(minorityView != null && !minorityView.path("quorum").path("healthy").asBoolean(true),
        "/cluster on the minority says no quorum");
    say.expect(minorityView != null && minorityView.path("splitBrain").path("ok").asBoolean(),
        "/cluster on the minority: at most one leader per term");
    say.expect(majorityView != null && majorityView.path("quorum").path("healthy").asBoolean(), "/cluster on the majority says quorum");
    say.expect(maxLeadersInOneTerm() <= 1, "no second leader in any term");
  }

  private void heal() throws Exception {
    say.step("Heal, and watch the cluster converge");
    faultsEverywhere("DELETE", null);
    long t0 = System.nanoTime();
    Map<String, JsonNode> views = Map.of();
    boolean converged = false;
    long deadline = System.nanoTime() + ELECTION_WAIT.toNanos();
    while (!converged && System.nanoTime() < deadline) {
      views = pollConsensus(ids);
      converged = views.size() == ids.size()
          && views.values().stream().map(v -> v.path("leader").asText("") + "/" + v.path("term").asLong()).distinct().count() == 1
          && !views.values().iterator().next().path("leader").asText("").isEmpty()
          && views.values().stream().map(v -> v.path("lastApplied").asLong()).distinct().count() == 1;
      if (!converged) {
        sleep(100);
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    String leader = views.isEmpty() ? "-" : views.values().iterator().next().path("leader").asText("-");
    int minorityKey = readStatus(leader, "demo-" + run + "-minority");
    int majorityKey = readStatus(leader, "demo-" + run + "-majority");
    say.what("Faults cleared on every node. The two cut-off nodes heard the new leader, dropped any entry it did not have, "
        + "and caught up from its log.");
    say.lesson("Healing needs no repair step: the log of the majority's leader wins, and what the minority refused "
        + "was never acknowledged, so nothing acknowledged is lost and nothing refused appears.");
    say.figure("converged in %.1f s: all 5 follow %s in term %d, last applied %s; refused key -> %d, majority key -> %d",
        seconds, leader, views.isEmpty() ? -1 : views.values().iterator().next().path("term").asLong(), lastApplied(views),
        minorityKey, majorityKey);
    say.expect(converged, "all 5 nodes agree on leader, term and last applied index");
    say.expect(minorityKey == 404, "the write the minority refused does not exist");
    say.expect(majorityKey == 200, "the write the majority acknowledged is there");
  }

  private void killLeader() throws Exception {
    say.step("kill -9 the leader");
    String leader = awaitLeader(ids, ELECTION_WAIT).orElseThrow(() -> new IllegalStateException("no leader"));
    long oldTerm = term(leader);
    List<String> survivors = ids.stream().filter(id -> !id.equals(leader)).toList();
    cluster.kill(leader);
    long t0 = System.nanoTime();
    Optional<String> next = awaitLeader(survivors, ELECTION_WAIT);
    long electionMs = (System.nanoTime() - t0) / 1_000_000;
    int write = next.map(l -> put(l, "demo-" + run + "-after-kill", "yes")).orElse(-1);
    int transfers = next.map(l -> transfers(l, "k", 3)).orElse(0);
    say.what("%s (leader of term %d) got SIGKILL: no goodbye, no flush beyond what it had fsynced.", leader, oldTerm);
    say.what("The 4 survivors noticed the silence, and %s won an election in term %d; a write after it: HTTP %d; %d transfers.",
        next.orElse("nobody"), next.map(this::term).orElse(-1L), write, transfers);
    say.lesson("4 of 5 is still a majority: a crashed leader costs one election timeout plus one round of votes, not data. "
        + "With 3 of 5 gone, nothing would commit until one came back.");
    say.figure("new leader %s elected %d ms after kill -9; leaders by term: %s", next.orElse("-"), electionMs, leadersByTerm);
    say.expect(next.isPresent(), "a new leader among the survivors within " + ELECTION_WAIT.toSeconds() + " s");
    say.expect(write == 200, "writes resume after the election");
    boolean back = cluster.start(leader, Duration.ofSeconds(60));
    say.what("%s restarted from its disk and rejoined as a follower: %s", leader, back ? "healthy" : "NOT healthy");
    say.expect(back, leader + " restarts and reports healthy");
  }

  private void ledgerAudit() throws Exception {
    say.step("The ledger kept the money through all of it");
    long deadline = System.nanoTime() + ELECTION_WAIT.toNanos();
    Map<String, JsonNode> audits = new TreeMap<>();
    boolean agreed = false;
    while (!agreed && System.nanoTime() < deadline) {
      audits.clear();
      for (String id : ids) {
        try {
          NodeClient.Answer a = http.get(cluster.peers().get(id), "/ledger/audit");
          if (a.ok()) {
            audits.put(id, a.json());
          }
        } catch (IOException | RuntimeException e) {
          // not back yet
        }
      }
      agreed = audits.size() == ids.size() && audits.values().stream().map(a -> a.path("digest").asText()).distinct().count() == 1;
      if (!agreed) {
        sleep(200);
      }
    }
    boolean allOk = !audits.isEmpty() && audits.values().stream().allMatch(a -> a.path("ok").asBoolean()
        && a.path("totalBalance").asLong() == a.path("deposits").asLong() - a.path("withdrawals").asLong());
    String anyNode = audits.isEmpty() ? ids.get(0) : audits.keySet().iterator().next();
    long alice = balance(anyNode, "alice-" + run);
    long bob = balance(anyNode, "bob-" + run);
    long expectedBob = OPENING_DEPOSIT + TRANSFER_AMOUNT * transfersAcknowledged;
    audits.forEach((id, a) -> out.printf("    %-4s ok=%s totalBalance=%d deposits=%d withdrawals=%d events=%d digest=%s%n", id,
        a.path("ok").asBoolean(), a.path("totalBalance").asLong(), a.path("deposits").asLong(), a.path("withdrawals").asLong(),
        a.path("eventCount").asLong(), abbreviate(a.path("digest").asText())));
    say.what("Every replica folded the same ledger events (from the one Raft log) into the same books.");
    say.lesson("Money is conserved because every transfer is one event applied at one log index on every replica, in the same "
        + "order: a partition or a crash can delay a transfer (503 = not done, or outcome unknown) but never half-apply "
        + "it or apply it twice (ids make retries idempotent).");
    say.figure("%d/5 replicas audit ok with one digest; alice %d + bob %d = %d (deposited %d); bob = %d + %d x %d acknowledged transfers",
        audits.size(), alice, bob, alice + bob, 2 * OPENING_DEPOSIT, OPENING_DEPOSIT, transfersAcknowledged, TRANSFER_AMOUNT);
    say.expect(agreed, "all 5 replicas answer the audit with the same state digest");
    say.expect(allOk, "every audit ok: sum of balances = deposits - withdrawals");
    say.expect(alice + bob == 2 * OPENING_DEPOSIT, "alice + bob still hold exactly what was deposited");
    say.expect(bob == expectedBob, "bob got exactly the acknowledged transfers, the refused one not");
  }

  private void verdict() {
    say.step("Verdict: split brain never happened");
    say.what("Throughout the tour the demo asked every node for its role and term %s.", "many times a second");
    say.lesson("Election safety (Raft section 5.2): at most one leader per term. Stale followers may still name an old "
        + "leader for a moment; that is not split brain, because that old leader cannot commit.");
    say.figure("leaders per term: %s; max leaders in one term: %d", leadersByTerm, maxLeadersInOneTerm());
    say.expect(maxLeadersInOneTerm() <= 1, "at most one leader in every term");
  }

  // ---- talking to the cluster ------------------------------------------------------------

  /** Every node's consensus view (those that answer); every claimed leadership is recorded. */
  private Map<String, JsonNode> pollConsensus(List<String> among) {
    Map<String, JsonNode> views = new HashMap<>();
    for (String id : among) {
      try {
        NodeClient.Answer a = probe.get(cluster.peers().get(id), "/health/consensus");
        if (a.ok()) {
          JsonNode v = a.json();
          views.put(id, v);
          if ("leader".equals(v.path("role").asText())) {
            synchronized (leadersByTerm) {
              leadersByTerm.computeIfAbsent(v.path("term").asLong(), t -> new TreeSet<>()).add(id);
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        // down: not a view
      }
    }
    return views;
  }

  /** The one node of {@code among} that says it leads, in a term no other of them has passed. */
  private Optional<String> awaitLeader(List<String> among, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      Map<String, JsonNode> views = pollConsensus(ids);
      long maxTerm = views.entrySet().stream().filter(e -> among.contains(e.getKey()))
          .mapToLong(e -> e.getValue().path("term").asLong()).max().orElse(-1);
      List<String> leaders = views.entrySet().stream().filter(e -> among.contains(e.getKey()))
          .filter(e -> "leader".equals(e.getValue().path("role").asText()) && e.getValue().path("term").asLong() == maxTerm)
          .map(Map.Entry::getKey).toList();
      if (leaders.size() == 1) {
        return Optional.of(leaders.get(0));
      }
      sleep(50);
    }
    return Optional.empty();
  }

  private long term(String id) {
    JsonNode v = pollConsensus(List.of(id)).get(id);
    return v == null ? -1 : v.path("term").asLong();
  }

  private int maxLeadersInOneTerm() {
    synchronized (leadersByTerm) {
      return leadersByTerm.values().stream().mapToInt(Set::size).max().orElse(0);
    }
  }

  private String commitIndexes() {
    Map<String, Long> m = new TreeMap<>();
    pollConsensus(ids).forEach((id, v) -> m.put(id, v.path("commitIndex").asLong()));
    return m.toString();
  }

  private static String lastApplied(Map<String, JsonNode> views) {
    Map<String, Long> m = new TreeMap<>();
    views.forEach((id, v) -> m.put(id, v.path("lastApplied").asLong()));
    return m.toString();
  }

  /** Waits (up to 8 s: the peer monitor needs a moment to notice a cut) for a view that passes. */
  private JsonNode awaitClusterView(String id, java.util.function.Predicate<JsonNode> wanted) {
    JsonNode last = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        NodeClient.Answer a = http.get(cluster.peers().get(id), "/cluster");
        if (a.ok()) {
          last = a.json();
          recordLeaders(last);
          if (wanted.test(last)) {
            return last;
          }
        }
      } catch (IOException | RuntimeException e) {
        // ask again
      }
      sleep(250);
    }
    return last;
  }

  private void recordLeaders(JsonNode clusterView) {
    clusterView.path("splitBrain").path("leadersByTerm").fields().forEachRemaining(e -> e.getValue().forEach(id -> {
      synchronized (leadersByTerm) {
        leadersByTerm.computeIfAbsent(Long.parseLong(e.getKey()), t -> new TreeSet<>()).add(id.asText());
      }
    }));
  }

  private int put(String via, String key, String value) {
    try {
      return http.send(cluster.peers().get(via), "/kv/" + key, "PUT", value).status();
    } catch (IOException e) {
      return -1;
    }
  }

  private int readStatus(String via, String key) {
    if (!cluster.peers().contains(via)) {
      return -1;
    }
    try {
      return http.get(cluster.peers().get(via), "/kv/" + key).status();
    } catch (IOException e) {
      return -1;
    }
  }

  private int ledger(String via, String path, String body) {
    try {
      return http.send(cluster.peers().get(via), path, "POST", body).status();
    } catch (IOException e) {
      return -1;
    }
  }

  private String transferBody(String tag, int i) {
    return "{\"id\":\"t-" + tag + "-" + i + "-" + run + "\",\"from\":\"alice-" + run + "\",\"to\":\"bob-" + run
        + "\",\"amount\":" + TRANSFER_AMOUNT + "}";
  }

  /** {@code count} transfers of {@link #TRANSFER_AMOUNT}; returns how many were acknowledged. */
  private int transfers(String via, String tag, int count) {
    int ok = 0;
    for (int i = 0; i < count; i++) {
      if (ledger(via, "/ledger/transfers", transferBody(tag, i)) / 100 == 2) {
        ok++;
      }
    }
    transfersAcknowledged += ok;
    return ok;
  }

  private long balance(String via, String account) {
    try {
      NodeClient.Answer a = http.get(cluster.peers().get(via), "/ledger/accounts/" + account);
      return a.ok() ? a.json().path("balance").asLong() : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private void faultsEverywhere(String method, String body) throws IOException {
    for (String id : ids) {
      try {
        NodeClient.Answer a = http.send(cluster.peers().get(id), "/admin/faults", method, body);
        if (!a.ok()) {
          out.printf("    %s: /admin/faults answered %d %s%n", id, a.status(), a.body());
        }
      } catch (IOException e) {
        out.printf("    %s: /admin/faults: no answer (%s)%n", id, e.getMessage());
      }
    }
  }

  // ---- helpers ---------------------------------------------------------------------------

  private record Timed<T>(T value, double seconds) {}

  private static <T> Timed<T> timed(Supplier<T> body) {
    long t0 = System.nanoTime();
    T value = body.get();
    return new Timed<>(value, (System.nanoTime() - t0) / 1e9);
  }

  private static String jsonList(List<String> ids) {
    return "[" + String.join(",", ids.stream().map(id -> "\"" + id + "\"").toList()) + "]";
  }

  private static String abbreviate(String digest) {
    return digest.length() > 12 ? digest.substring(0, 12) + "…" : digest;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
