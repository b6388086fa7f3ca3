package clusternode.node.bench;

import clusternode.node.ctl.NodeClient;
import clusternode.node.launcher.LocalCluster;
import clusternode.protocols.http.Json;
import clusternode.protocols.peers.Peer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Histogram;

/**
 * {@code bin/cluster bench}: load against the running local cluster through the HTTP API, as a
 * user's client would. Prints one JSON line (for machines) and a short markdown report (for
 * people), and writes both under {@code target/bench/}. Load workloads also report the CPU time
 * (user + system) the node JVMs and this bench JVM spent per completed request in the measured
 * window: on a 2-core machine running 4 JVMs, CPU is the ceiling.
 */
public final class Bench {
  private final LocalCluster cluster;
  private final PrintStream out;
  private final NodeClient http;
  private String protocol = "raft";
  private final long ticksPerSecond = ProcessCpu.ticksPerSecond();

  public Bench(LocalCluster cluster, PrintStream out) {
    this.cluster = cluster;
    this.out = out;
    this.http = cluster.client(null, Duration.ofSeconds(3));
  }

  /** Runs the workload after checking the cluster runs {@code o.protocol()}; returns the JSON line. */
  public String run(BenchOptions o) throws IOException, InterruptedException {
    checkProtocol(o.protocol());
    this.protocol = o.protocol();
    String workload = o.workload();
    int clients = o.clients();
    Duration duration = Duration.ofSeconds(o.durationSeconds());
    int valueBytes = o.valueBytes();
    String target = o.target();
    int runs = o.runs();
    Map<String, Object> body = switch (workload) {
      case "kv-write" -> load(workload, clients, duration, target, HttpLoad.kvWrites(valueBytes), s -> s == 200);
      case "kv-read" -> {
        HttpLoad.Result preload = new HttpLoad(targets(target), clients, Duration.ofMinutes(5),
            HttpLoad.kvPreload(valueBytes), s -> s == 200, cluster.httpsClientContext()).run();
        if (preload.errors() > 0) {
          throw new IllegalStateException(preload.errors() + " writes of the keys to read failed, first: " + preload.firstError());
        }
        yield load(workload, clients, duration, target, HttpLoad.kvReads(), s -> s == 200);
      }
      case "ledger-transfer" -> ledgerTransfers(clients, duration, target);
      case "gossip-converge" -> gossipConverge(runs);
      case "failover" -> failover(runs);
      case "view-change" -> viewChange(runs);
      case "txn" -> {
        probeTxn(valueBytes);
        yield load(workload, clients, duration, target, CoordLoads.txns(valueBytes), s -> s == 200);
      }
      case "lease-keepalive" -> load(workload, clients, duration, target,
          CoordLoads.keepAlives(grantLeases(clients, Duration.ofMinutes(10))), s -> s == 200);
      case "watch-fanout" -> watchFanout(clients, duration);
      default -> throw new IllegalArgumentException("unknown workload " + workload);
    };
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("workload", workload);
    result.put("protocol", protocol);
    result.putAll(body);
    String json = Json.MAPPER.writeValueAsString(result);
    out.println(json);
    Path dir = cluster.dir().root().resolveSibling("bench");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(workload + ".json"), json + "\n");
    Files.writeString(dir.resolve(workload + ".md"), markdown(result));
    out.print(markdown(result));
    return json;
  }

  private static final Duration WARMUP_WINDOW = Duration.ofSeconds(5);
  private static final int MIN_WARMUP_WINDOWS = 3;
  private static final int MAX_WARMUP_WINDOWS = 24;
  /** Throughput within 10% of the window before, and JIT compiler threads busy under 2% of each node's time. */
  private static final double STEADY_RATE = 0.10;
  private static final double QUIET_COMPILER = 0.02;

  /** How long the warm-up took and whether it ended steady (false: it hit the 2-minute cap). */
  record Warmup(double seconds, boolean steady) {}

  /**
   * Loads the cluster until it is warm: windows of 5 s, at least 3, until the node JVMs' JIT
   * compilers are quiet and throughput is within 10% of the window before; at most 2 minutes. With
   * 4 JVMs compiling on 2 cores, PBFT took over a minute: the fixed 15 s warm-up measured the
   * compiler (about 300 writes/s from a cluster that does 1,000 warm). Runs shorter than the
   * minimum warm-up (tests) warm up for their own duration.
   */
  private Warmup warmUp(List<URI> targets, int clients, Duration duration, HttpLoad.Requests requests,
      HttpLoad.Success success) throws InterruptedException {
    if (duration.compareTo(WARMUP_WINDOW.multipliedBy(MIN_WARMUP_WINDOWS)) < 0) {
      return new Warmup(new HttpLoad(targets, clients, duration, requests, success, cluster.httpsClientContext())
          .run().seconds(), false);
    }
    double seconds = 0;
    double previousRate = -1;
    for (int window = 1; window <= MAX_WARMUP_WINDOWS; window++) {
      long compilerBefore = compilerMicros();
      HttpLoad.Result r = new HttpLoad(targets, clients, WARMUP_WINDOW, requests, success,
          cluster.httpsClientContext()).run();
      long compiled = compilerMicros() - compilerBefore;
      seconds += r.seconds();
      double rate = r.perSecond();
      double compilerShare = compilerBefore < 0 ? -1 : compiled / (r.seconds() * 1e6 * cluster.peers().size());
      // Progress on stderr, so stdout stays the JSON line and the report.
      System.err.printf("warm-up %d: %.0f/s, JIT compilers %s%n", window, rate,
          compilerShare < 0 ? "unknown" : String.format("%.1f%% of the nodes' time", 100 * compilerShare));
      if (warm(window, rate, previousRate, compilerShare)) {
        return new Warmup(seconds, true);
      }
      previousRate = rate;
    }
    return new Warmup(seconds, false);
  }

  /**
   * Whether warm-up window {@code window} (from 1) found the cluster warm: the minimum number of
   * windows passed, the compilers took under 2% of the nodes' time (a negative share: unknown, not
   * required) and throughput moved less than 10% from the window before.
   */
  static boolean warm(int window, double rate, double previousRate, double compilerShare) {
    return window >= MIN_WARMUP_WINDOWS && compilerShare <= QUIET_COMPILER && previousRate > 0
        && Math.abs(rate - previousRate) <= STEADY_RATE * previousRate;
  }

  /** CPU microseconds of the node JVMs' JIT compiler threads so far; -1 when /proc cannot tell. */
  private long compilerMicros() {
    long total = 0;
    for (String id : cluster.peers().all().keySet()) {
      try {
        Optional<ProcessHandle> process = cluster.dir().process(id);
        if (process.isEmpty()) {
          return -1;
        }
        total += ProcessCpu.compilerMicros(process.get().pid(), ticksPerSecond);
      } catch (IOException e) {
        return -1;
      }
    }
    return total;
  }

  private Map<String, Object> load(String workload, int clients, Duration duration, String target,
      HttpLoad.Requests requests, HttpLoad.Success success) throws InterruptedException {
    List<URI> targets = targets(target);
    Warmup warmup = warmUp(targets, clients, duration, requests, success);
    Optional<String> leader = protocol.equals("pbft") ? pbftPrimary() : awaitLeader(Duration.ofSeconds(5));
    CpuSample cpuBefore = cpuSample();
    HttpLoad.Result r = new HttpLoad(targets, clients, duration, requests, success, cluster.httpsClientContext()).run();
    CpuSample cpuAfter = cpuSample();
    Histogram h = r.latencyMicros();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("clients", clients);
    m.put("warmupS", round(warmup.seconds()));
    m.put("warmupSteady", warmup.steady());
    m.put("durationS", round(r.seconds()));
    m.put("target", target);
    m.put("nodes", cluster.peers().size());
    m.put("ok", r.ok());
    m.put("errors", r.errors());
    m.put("perSecond", round(r.perSecond()));
    m.put("p50Ms", ms(h.getValueAtPercentile(50)));
    m.put("p90Ms", ms(h.getValueAtPercentile(90)));
    m.put("p99Ms", ms(h.getValueAtPercentile(99)));
    m.put("p999Ms", ms(h.getValueAtPercentile(99.9)));
    m.put("maxMs", ms(h.getMaxValue()));
    m.putAll(cpuPerRequest(cpuBefore, cpuAfter, r.ok(), r.seconds(), leader.orElse(null)));
    if (r.firstError() != null) {
      m.put("firstError", r.firstError());
    }
    return m;
  }

  /**
   * CPU (user + system) at one instant: per node process (pid and microseconds, from
   * /proc/<pid>/stat) and of this JVM; {@code problem} says why a node could not be read.
   */
  record CpuSample(Map<String, long[]> nodes, long benchMicros, String problem) {}

  private CpuSample cpuSample() {
    Map<String, long[]> nodes = new LinkedHashMap<>();
    String problem = null;
    for (String id : cluster.peers().all().keySet()) {
      try {
        Optional<ProcessHandle> process = cluster.dir().process(id);
        if (process.isEmpty()) {
          problem = id + " has no running process recorded under " + cluster.dir().root();
          continue;
        }
        long pid = process.get().pid();
        nodes.put(id, new long[] {pid, ProcessCpu.micros(pid, ticksPerSecond)});
      } catch (IOException e) {
        problem = "cannot read the CPU time of " + id + ": " + e.getMessage();
      }
    }
    return new CpuSample(nodes, ProcessCpu.ownMicros(), problem);
  }

  /**
   * CPU microseconds per completed request in the measured window: each node's, their total, and
   * this bench JVM's. Nodes whose CPU cannot be read (no /proc, restarted in the window) are named
   * in {@code cpuProblem} instead of failing the run.
   */
  static Map<String, Object> cpuPerRequest(CpuSample before, CpuSample after, long requests, double seconds,
      String leader) {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Double> perNode = new LinkedHashMap<>();
    long nodesMicros = 0;
    String problem = before.problem() != null ? before.problem() : after.problem();
    for (Map.Entry<String, long[]> e : before.nodes().entrySet()) {
      long[] end = after.nodes().get(e.getKey());
      if (end == null || end[0] != e.getValue()[0]) {
        problem = e.getKey() + " stopped or restarted during the window";
        continue;
      }
      long micros = end[1] - e.getValue()[1];
      nodesMicros += micros;
      perNode.put(e.getKey().equals(leader) ? e.getKey() + " (leader)" : e.getKey(), perRequest(micros, requests));
    }
    m.put("cpuUsPerRequestByNode", perNode);
    m.put("cpuUsPerRequestNodes", problem == null ? perRequest(nodesMicros, requests) : "incomplete");
    m.put("nodesCpuCores", problem == null ? round(nodesMicros / 1e6 / seconds) : "incomplete");
    long benchMicros = after.benchMicros() - before.benchMicros();
    m.put("cpuUsPerRequestBench", before.benchMicros() < 0 ? "unavailable" : perRequest(benchMicros, requests));
    if (problem != null) {
      m.put("cpuProblem", problem);
    }
    return m;
  }

  /** Null (no figure) when nothing completed. */
  private static Double perRequest(long micros, long requests) {
    return requests == 0 ? null : round((double) micros / requests);
  }

  /**
   * Transfers between 1000 accounts: first the ledger state machine alone in this JVM (no log,
   * no network: the ceiling), then end to end through the running cluster's HTTP API.
   */
  private Map<String, Object> ledgerTransfers(int clients, Duration duration, String target)
      throws IOException, InterruptedException {
    Map<String, Object> m = new LinkedHashMap<>();
    LedgerInMemory.Rate alone = LedgerInMemory.transfersPerSecond(1000, 2_000_000);
    m.put("inMemoryPerSecond", round(alone.perSecond()));
    m.put("inMemoryPerCpuSecond", round(alone.perCpuSecond()));
    String run = Long.toString(System.currentTimeMillis(), 36);
    for (int a = 0; a < 1000; a++) {
      String account = "bench-" + run + "-" + a;
      postUntilOk("/ledger/accounts", "{\"id\":\"" + account + "\"}");
      postUntilOk("/ledger/deposits", "{\"id\":\"dep-" + account + "\",\"account\":\"" + account
          + "\",\"amount\":1000000000}");
    }
    HttpLoad.Requests transfers = (client, n) -> {
      long i = client * 1_000_003L + n;
      String body = "{\"id\":\"t-" + run + "-" + client + "-" + n + "\",\"from\":\"bench-" + run + "-" + (i % 1000)
          + "\",\"to\":\"bench-" + run + "-" + ((i * 7 + 1) % 1000) + "\",\"amount\":1}";
      return new HttpLoad.Request("POST", "/ledger/transfers", "application/json",
          body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    };
    m.putAll(load("ledger-transfer", clients, duration, target, transfers, s -> s == 201 || s == 200));
    return m;
  }

  /**
   * Gossip dissemination: first the deterministic simulation for N = 16 to 512 (rounds and
   * simulated time), then on the running cluster the time from a CRDT write on one node until
   * every node holds it, {@code writes} times.
   */
  private Map<String, Object> gossipConverge(int writes) throws IOException, InterruptedException {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Map<String, Object>> simulated = new ArrayList<>();
    for (var row : clusternode.gossip.sim.ConvergeBenchmark.run(new int[] {16, 64, 128, 512}, 1, 0.01)) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("members", row.members());
      r.put("membershipRounds", row.membershipRounds());
      r.put("antiEntropyMs", row.antiEntropyTicks() * clusternode.gossip.sim.ConvergeBenchmark.TICK_MS);
      r.put("pushedMs", row.pushedTicks() * clusternode.gossip.sim.ConvergeBenchmark.TICK_MS);
      r.put("messagesPerMemberPerRound", round(row.messagesPerMemberPerRound()));
      simulated.add(r);
    }
    m.put("simulated", simulated);
    List<Peer> nodes = List.copyOf(cluster.peers().all().values());
    Histogram h = new Histogram(3);
    String run = Long.toString(System.currentTimeMillis(), 36);
    for (int i = 0; i < writes; i++) {
      String path = "/crdt/counters/conv-" + run + "-" + i;
      Peer writer = nodes.get(i % nodes.size());
      long start = System.nanoTime();
      if (!http.send(writer, path, "POST", "{\"delta\":1}").ok()) {
        throw new IOException("write on " + writer.id() + " refused");
      }
      awaitEverywhere(nodes, path, Duration.ofSeconds(30));
      h.recordValue((System.nanoTime() - start) / 1000);
    }
    m.put("nodes", nodes.size());
    m.put("writes", writes);
    m.put("p50Ms", ms(h.getValueAtPercentile(50)));
    m.put("p99Ms", ms(h.getValueAtPercentile(99)));
    m.put("maxMs", ms(h.getMaxValue()));
    return m;
  }

  private void awaitEverywhere(List<Peer> nodes, String path, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Peer> waiting = new ArrayList<>(nodes);
    while (!waiting.isEmpty()) {
      waiting.removeIf(p -> {
        try {
          return http.get(p, path).json().path("value").asLong() >= 1;
        } catch (IOException | RuntimeException e) {
          return false;
        }
      });
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(path + " did not reach " + waiting + " within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(5);
    }
  }

  private NodeClient.Answer postUntilOk(String path, String body) throws IOException, InterruptedException {
    for (int attempt = 0; attempt < 100; attempt++) {
      for (Peer p : cluster.peers().all().values()) {
        try {
          NodeClient.Answer a = http.send(p, path, "POST", body);
          if (a.ok()) {
            return a;
          }
        } catch (IOException e) {
          // next node
        }
      }
      Thread.sleep(100);
    }
    throw new IOException("cannot set up the ledger bench: " + path + " " + body);
  }

  /**
   * One bench txn, checked before the load: the load counts 200s only, and a 200 whose comparisons
   * failed would measure the else-branch (no puts) under the txn's name.
   */
  private void probeTxn(int valueBytes) throws IOException {
    HttpLoad.Request r = CoordLoads.txns(valueBytes).make(0, 0);
    String body = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    IOException last = null;
    for (Peer p : cluster.peers().all().values()) {
      try {
        NodeClient.Answer a = http.send(p, r.path(), r.method(), body);
        if (a.status() == 200 && a.json().path("succeeded").asBoolean(false)) {
          return;
        }
        throw new IllegalStateException("the bench txn did not take its then-branch: " + a.status() + " " + a.body());
      } catch (IOException e) {
        last = e;
      }
    }
    throw new IOException("no node answered the probe txn", last);
  }

  /** One lease per bench client, each with {@code ttl} (longer than warm-up and run: the bench keeps them alive). */
  private long[] grantLeases(int clients, Duration ttl) throws IOException, InterruptedException {
    long[] ids = new long[clients];
    for (int c = 0; c < clients; c++) {
      ids[c] = postUntilOk("/leases", "{\"ttlMs\":" + ttl.toMillis() + "}").json().path("id").asLong();
    }
    return ids;
  }

  /** N watchers ({@code --clients}) on one prefix; p50/p99 from a write's answer to the last watcher's event. */
  private Map<String, Object> watchFanout(int watchers, Duration duration) throws IOException, InterruptedException {
    WatchFanout.Result r = new WatchFanout(List.copyOf(cluster.peers().all().values()), http,
        cluster.httpsClientContext()).run(watchers, duration);
    Histogram last = r.latency().commitToLast();
    Histogram sent = r.latency().sendToLast();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("watchers", r.watchers());
    m.put("nodes", cluster.peers().size());
    m.put("writes", r.writes());
    m.put("writeEveryMs", WatchFanout.WRITE_EVERY_MS);
    m.put("complete", r.latency().complete());
    m.put("incomplete", r.writes() - r.latency().complete());
    m.put("allBeforeAnswer", r.latency().beforeAnswer());
    boolean any = r.latency().complete() > 0; // no figure rather than a 0 that reads as instant
    m.put("p50Ms", any ? ms(last.getValueAtPercentile(50)) : null);
    m.put("p90Ms", any ? ms(last.getValueAtPercentile(90)) : null);
    m.put("p99Ms", any ? ms(last.getValueAtPercentile(99)) : null);
    m.put("maxMs", any ? ms(last.getMaxValue()) : null);
    m.put("sendToLastP50Ms", any ? ms(sent.getValueAtPercentile(50)) : null);
    m.put("sendToLastP99Ms", any ? ms(sent.getValueAtPercentile(99)) : null);
    if (r.firstError() != null) {
      m.put("firstError", r.firstError());
    }
    return m;
  }

  /** Refuses to run unless a node's /health lists {@code protocol} (figures must be labelled truly). */
  private void checkProtocol(String protocol) throws InterruptedException {
    String lastProblem = "no node of the cluster answered GET /health";
    for (int attempt = 0; attempt < 3; attempt++) {
      for (Peer p : cluster.peers().all().values()) {
        try {
          NodeClient.Answer a = http.get(p, "/health");
          if (a.status() == 200 || a.status() == 503) {
            String problem = BenchOptions.protocolMismatch(a.json(), protocol);
            if (problem != null) {
              throw new IllegalArgumentException(problem);
            }
            return;
          }
        } catch (IOException | RuntimeException e) {
          if (e instanceof IllegalArgumentException bad) {
            throw bad;
          }
          lastProblem = p.id() + ": " + e.getMessage();
        }
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("cannot tell which protocol the cluster runs: " + lastProblem);
  }

  /**
   * PBFT's failover: silence the primary (POST /admin/byzantine {"mode":"silent"}, it stops
   * sending anything), time until the next write through a backup succeeds (the backups' timers
   * expire, they change view, the new primary orders the write), make it honest again and wait
   * until every replica is active in one view; {@code runs} times.
   */
  private Map<String, Object> viewChange(int runs) throws IOException, InterruptedException {
    NodeClient admin = cluster.client(cluster.dir().adminToken(false), Duration.ofSeconds(5));
    List<Double> seconds = new ArrayList<>();
    List<Long> views = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      awaitPbftSettled(Duration.ofSeconds(60));
      String primary = pbftPrimary().orElseThrow(() -> new IllegalStateException("no agreed primary"));
      List<Peer> backups = cluster.peers().all().values().stream().filter(p -> !p.id().equals(primary)).toList();
      writeUntilCommitted(backups, Duration.ofSeconds(30)); // the cluster orders writes before the fault
      setMode(admin, primary, "silent");
      long silenced = System.nanoTime();
      try {
        long committed = writeUntilCommitted(backups, Duration.ofSeconds(60));
        double s = (committed - silenced) / 1e9;
        seconds.add(s);
        String next = pbftPrimary().orElse("?");
        views.add(pbftView(backups.get(0)));
        out.printf("run %d: silenced primary %s, next write committed after %.3f s (primary now %s)%n", run + 1,
            primary, s, next);
      } finally {
        setMode(admin, primary, "honest");
      }
    }
    awaitPbftSettled(Duration.ofSeconds(60));
    List<Double> sorted = new ArrayList<>(seconds);
    sorted.sort(Double::compare);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runs", runs);
    m.put("nodes", cluster.peers().size());
    m.put("secondsEach", seconds.stream().map(Bench::round).toList());
    m.put("viewsAfter", views);
    m.put("medianS", round(sorted.get(sorted.size() / 2)));
    m.put("minS", round(sorted.get(0)));
    m.put("maxS", round(sorted.get(sorted.size() - 1)));
    return m;
  }

  private void setMode(NodeClient admin, String node, String mode) throws IOException {
    NodeClient.Answer a = admin.send(cluster.peers().get(node), "/admin/byzantine", "POST",
        "{\"mode\":\"" + mode + "\"}");
    if (!a.ok()) {
      throw new IllegalStateException("POST /admin/byzantine " + mode + " on " + node + ": " + a.status() + " "
          + a.body() + (a.status() == 401 ? " (admin token in " + cluster.dir().root() + "/admin-token)" : ""));
    }
  }

  /** The primary every reachable replica agrees on while its view is active, if they agree. */
  private Optional<String> pbftPrimary() {
    String agreed = null;
    for (Peer p : cluster.peers().all().values()) {
      try {
        JsonNode s = http.get(p, "/health/consensus").json();
        if (!s.path("viewActive").asBoolean(false)) {
          return Optional.empty();
        }
        String primary = s.path("primary").asText(null);
        if (primary == null || (agreed != null && !agreed.equals(primary))) {
          return Optional.empty();
        }
        agreed = primary;
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    }
    return Optional.ofNullable(agreed);
  }

  private long pbftView(Peer p) {
    try {
      return http.get(p, "/health/consensus").json().path("view").asLong(-1);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private void awaitPbftSettled(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (pbftPrimary().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the PBFT replicas did not settle in one active view within "
            + timeout.toSeconds() + " s");
      }
      Thread.sleep(100);
    }
  }

  /** kill -9 the leader, time until the next write commits, start it again; {@code runs} times. */
  private Map<String, Object> failover(int runs) throws IOException, InterruptedException {
    List<Double> seconds = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      String leader = awaitLeader(Duration.ofSeconds(30)).orElseThrow(() -> new IllegalStateException("no leader"));
      List<Peer> survivors = cluster.peers().all().values().stream().filter(p -> !p.id().equals(leader)).toList();
      long killed = System.nanoTime();
      cluster.kill(leader);
      long committed = writeUntilCommitted(survivors, Duration.ofSeconds(30));
      double s = (committed - killed) / 1e9;
      seconds.add(s);
      out.printf("run %d: killed leader %s, next write committed after %.3f s%n", run + 1, leader, s);
      if (!cluster.start(leader, Duration.ofSeconds(60))) {
        throw new IllegalStateException(leader + " did not come back");
      }
    }
    List<Double> sorted = new ArrayList<>(seconds);
    sorted.sort(Double::compare);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runs", runs);
    m.put("nodes", cluster.peers().size());
    m.put("secondsEach", seconds.stream().map(Bench::round).toList());
    m.put("medianS", round(sorted.get(sorted.size() / 2)));
    m.put("minS", round(sorted.get(0)));
    m.put("maxS", round(sorted.get(sorted.size() - 1)));
    return m;
  }

  private long writeUntilCommitted(List<Peer> nodes, Duration timeout) throws InterruptedException {
    // PBFT answers a write only after a view change (seconds); Raft's followers forward at once.
    NodeClient client = cluster.client(null, Duration.ofMillis(protocol.equals("pbft") ? 15_000 : 2000));
    long deadline = System.nanoTime() + timeout.toNanos();
    int i = 0;
    while (System.nanoTime() < deadline) {
      Peer p = nodes.get(i++ % nodes.size());
      try {
        if (client.send(p, "/kv/failover-probe", "PUT", "x").ok()) {
          return System.nanoTime();
        }
      } catch (IOException e) {
        // not yet: try the next node
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("no write committed within " + timeout.toSeconds() + " s of the kill");
  }

  private Optional<String> awaitLeader(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (Peer p : cluster.peers().all().values()) {
        try {
          NodeClient.Answer a = http.get(p, "/health/consensus");
          if (a.ok() && "leader".equals(a.json().path("role").asText())) {
            return Optional.of(p.id());
          }
        } catch (IOException | RuntimeException e) {
          // down or starting: ask the next
        }
      }
      Thread.sleep(100);
    }
    return Optional.empty();
  }

  private List<URI> targets(String target) throws InterruptedException {
    if (target.equals("all")) {
      return cluster.peers().all().values().stream().map(p -> URI.create(http.base(p))).toList();
    }
    if (target.equals("leader") && protocol.equals("pbft")) {
      awaitPbftSettled(Duration.ofSeconds(30));
      target = pbftPrimary().orElseThrow(); // PBFT's leader is the primary of the current view
    }
    String id = target.equals("leader") ? awaitLeader(Duration.ofSeconds(30))
        .orElseThrow(() -> new IllegalStateException("no leader within 30 s")) : target;
    return List.of(URI.create(http.base(cluster.peers().get(id))));
  }

  private static String markdown(Map<String, Object> result) {
    StringBuilder md = new StringBuilder("| " + String.join(" | ", result.keySet()) + " |\n|");
    result.keySet().forEach(k -> md.append("---|"));
    md.append("\n|");
    result.values().forEach(v -> md.append(' ').append(v).append(" |"));
    return md.append('\n').toString();
  }

  private static double ms(long micros) {
    return round(micros / 1000.0);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
