package clusternode.node.check;

import clusternode.node.check.History.Operation;
import clusternode.node.launcher.ClusterDir;
import clusternode.node.launcher.LocalCluster;
import clusternode.protocols.http.Json;
import clusternode.protocols.peers.Peer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One check run: start a local cluster of its own, run the workload with concurrent clients while
 * the nemesis breaks things, heal everything, read the final state, stop every node it started
 * (by pid, always), check, and write the history, the results and the report under the run's
 * directory.
 */
public final class CheckRunner {
  public static final int EXIT_VALID = 0;
  public static final int EXIT_VIOLATION = 1;
  public static final int EXIT_BAD_ARGUMENTS = 2;
  /** The checker gave up (search bound) or the run could not be carried out: no verdict. */
  public static final int EXIT_UNKNOWN = 3;

  /** What to run. */
  public record Options(String workload, String nemesis, Duration duration, Path deployment, long seed, int clients,
      Duration opTimeout, Path runDir, Path jar, Linearizability.Limits limits, Crdt crdt) {
    public static final List<String> WORKLOADS = List.of("register", "ledger", "crdt", "lock", "watch");

    public Options {
      if (!WORKLOADS.contains(workload)) {
        throw new IllegalArgumentException("unknown workload '" + workload + "'; use one of " + WORKLOADS);
      }
      Nemesis.checkKind(nemesis);
      if (duration.isNegative() || duration.isZero() || duration.toHours() > 48) {
        throw new IllegalArgumentException("--duration must be between 1 s and 48 h");
      }
      if (clients < 1 || clients > 64) {
        throw new IllegalArgumentException("--clients must be 1-64");
      }
      Deployment.Protocols protocols = Deployment.protocols(deployment);
      String needed = protocols.missingFor(workload);
      if (needed != null) {
        throw new IllegalArgumentException("the " + workload + " workload needs " + needed + " in cluster-node.protocols"
            + " of " + deployment + ", which runs " + protocols.names());
      }
      if (Nemesis.faults(nemesis).contains("byzantine") && !protocols.pbft()) {
        throw new IllegalArgumentException("the byzantine nemesis needs a PBFT deployment (e.g. --config "
            + "conf/pbft-4.conf or --protocol pbft)");
      }
    }
  }

  /**
   * The crdt workload's settings.
   *
   * @param writeConsistency {@code local}, {@code majority} or {@code all}: replicas that must hold a
   *     write before it is acknowledged
   * @param convergeWithin how long after the heal every node may take to hold the expected state
   */
  public record Crdt(String writeConsistency, Duration convergeWithin) {
    public Crdt {
      if (!List.of("local", "majority", "all").contains(writeConsistency)) {
        throw new IllegalArgumentException("--crdt-write must be local, majority or all");
      }
      if (convergeWithin.isNegative() || convergeWithin.isZero() || convergeWithin.toMinutes() > 60) {
        throw new IllegalArgumentException("--converge-within must be between 1 s and 60 min");
      }
    }
  }

  private final Options options;
  private final PrintStream out;
  private boolean realNetwork;

  public CheckRunner(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** With {@code true}: the nodes run as hosts in network namespaces and the nemesis's partitions are nftables rules. */
  public CheckRunner realNetwork(boolean on) {
    this.realNetwork = on;
    return this;
  }

  /** Runs it all; returns the exit code (0 valid, 1 violation, 3 no verdict). */
  public int run() throws IOException, InterruptedException {
    Path runDir = options.runDir().toAbsolutePath().normalize();
    Files.createDirectories(runDir);
    out.printf("check: workload %s, nemesis %s, %d s, %d clients, seed %d; everything under %s%n",
        options.workload(), options.nemesis(), options.duration().toSeconds(), options.clients(), options.seed(),
        runDir);
    Random random = new Random(options.seed());
    List<String> problems = new ArrayList<>();
    History history = History.recording(runDir.resolve("history.jsonl"));
    Set<Long> seenPids = ConcurrentHashMap.newKeySet();
    Workload workload;
    LedgerWorkload ledger = null;
    CrdtWorkload crdt = null;
    boolean pbft = Deployment.protocols(options.deployment()).pbft();
    try (PrintStream launcherLog = new PrintStream(Files.newOutputStream(runDir.resolve("launcher.log")), true,
        StandardCharsets.UTF_8)) {
      // --net real: every node its own host (up --hosts), and the nemesis's partitions are nftables rules.
      LocalCluster cluster = realNetwork
          ? clusternode.node.launcher.HostsUp.prepare(new ClusterDir(runDir.resolve("cluster")), options.deployment(),
              options.jar(), launcherLog)
          : LocalCluster.of(new ClusterDir(runDir.resolve("cluster")), options.deployment(), options.jar(), launcherLog);
      List<Peer> peers = List.copyOf(cluster.peers().all().values());
      Nodes nodes = new Nodes(peers, cluster::client, options.opTimeout());
      if (options.workload().equals("register")) {
        workload = new RegisterWorkload(nodes);
      } else if (options.workload().equals("crdt")) {
        crdt = new CrdtWorkload(nodes, options.crdt().writeConsistency(), options.crdt().convergeWithin());
        workload = crdt;
      } else if (options.workload().equals("lock")) {
        workload = new LockWorkload(nodes, cluster.httpsClientContext());
      } else if (options.workload().equals("watch")) {
        // the clients write; watchers follow as further clients, about one per two writers
        workload = new WatchWorkload(nodes, cluster.httpsClientContext(), Long.toString(options.seed() & 0xffff, 36),
            options.clients(), Math.max(1, (options.clients() + 1) / 2));
      } else {
        ledger = new LedgerWorkload(nodes, Long.toString(options.seed() & 0xffff, 36));
        workload = ledger;
      }
      Nemesis nemesis = null;
      try {
        out.println("starting " + peers.size() + " nodes (log: launcher.log) ...");
        boolean up = cluster.up(Duration.ofSeconds(120));
        rememberPids(cluster, seenPids);
        if (!up) {
          out.println("the cluster did not come up; see " + runDir.resolve("launcher.log") + " and cluster/<id>/node.log");
          return EXIT_UNKNOWN;
        }
        String token = cluster.dir().adminToken(false);
        nemesis = new Nemesis(options.nemesis(), cluster, token, history, new Random(random.nextLong()), seenPids,
            Duration.ofSeconds(2), Duration.ofSeconds(4), pbft);
        workload.setup(history);
        out.printf("running for %d s ...%n", options.duration().toSeconds());
        runPhase(workload, nodes, nemesis, history, random);
        out.println("healing, then reading the final state ...");
        problems.addAll(nemesis.healAll());
        rememberPids(cluster, seenPids);
        // A replica the byzantine nemesis made lie is judged by nobody: only honest replicas are read.
        String traitor = nemesis.traitor().orElse(null);
        List<Peer> honest = peers.stream().filter(p -> !p.id().equals(traitor)).toList();
        if (traitor != null) {
          out.println("byzantine replica " + traitor + " is left out of the final reads; judging "
              + honest.stream().map(Peer::id).toList());
        }
        problems.addAll(workload.finish(history, honest));
      } catch (Exception e) {
        problems.add("the run failed: " + e);
      } finally {
        if (nemesis != null) {
          nemesis.continueAll();
        }
        for (long pid : seenPids) {
          Nemesis.signal("CONT", pid); // a node left stopped would ignore SIGTERM
        }
        try {
          cluster.down();
        } finally {
          for (long pid : seenPids) {
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
      }
    } finally {
      history.close();
    }
    return judge(runDir, history, ledger == null ? null : ledger.facts(), crdt == null ? null : crdt.facts(),
        problems);
  }

  /** At most this long past --duration for a comma list's last faults. */
  private static final Duration MAX_EXTENSION = Duration.ofMinutes(2);

  private void runPhase(Workload workload, Nodes nodes, Nemesis nemesis, History history, Random random)
      throws InterruptedException {
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < options.clients(); c++) {
      Client client = new Client(c, nodes, history, new Random(random.nextLong()));
      Workload.Steps steps = workload.client(client);
      Thread t = new Thread(() -> client.loop(steps, running::get), "check-client-" + c);
      t.setDaemon(true);
      threads.add(t);
    }
    Thread nemesisThread = new Thread(() -> nemesis.run(running::get), "check-nemesis");
    nemesisThread.setDaemon(true);
    threads.forEach(Thread::start);
    nemesisThread.start();
    long start = System.nanoTime();
    long end = start + options.duration().toNanos();
    // A comma list promises each of its faults: past the duration, wait for the last ones (bounded).
    long latest = end + MAX_EXTENSION.toNanos();
    long nextProgress = start + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < end || !nemesis.everyListedFaultApplied() && System.nanoTime() < latest) {
      long leftMs = (end - System.nanoTime()) / 1_000_000;
      Thread.sleep(leftMs > 0 ? Math.min(500, leftMs) : 500);
      if (System.nanoTime() > nextProgress) {
        out.printf("  %d s: %d events%n", history.nowNs() / 1_000_000_000L, history.events().size());
        nextProgress += Duration.ofSeconds(30).toNanos();
      }
    }
    long overNs = System.nanoTime() - end;
    if (overNs > Duration.ofSeconds(1).toNanos()) {
      out.printf("ran %d s past --duration so that every fault of %s was applied%s%n", overNs / 1_000_000_000L,
          options.nemesis(), nemesis.everyListedFaultApplied() ? "" : " (still not all of them: gave up waiting)");
    }
    running.set(false);
    nemesisThread.join(Duration.ofSeconds(120).toMillis());
    for (Thread t : threads) {
      t.join(options.opTimeout().toMillis() + 10_000);
    }
  }

  private static void rememberPids(LocalCluster cluster, Set<Long> pids) throws IOException {
    for (String id : cluster.peers().ids()) {
      Optional<ProcessHandle> p = cluster.dir().process(id);
      p.ifPresent(h -> pids.add(h.pid()));
    }
  }

  /**
   * Checks the recorded history and, for the ledger and crdt workloads, what their final reads
   * found (null: never read, so no verdict); writes results.json and report.html; prints the
   * verdict and any violation's evidence; returns the exit code.
   */
  int judge(Path runDir, History history, LedgerCheck.Facts ledger, CrdtWorkload.Facts crdt, List<String> problems)
      throws IOException {
    List<Operation> ops = history.operations();
    long t0 = System.nanoTime();
    String verdict;
    List<String> details = new ArrayList<>();
    List<String> witness = List.of();
    Set<Integer> violating = new HashSet<>();
    Map<String, Object> results = new LinkedHashMap<>();
    if (options.workload().equals("crdt")) {
      CrdtJudgement j = CrdtJudgement.of(ops, crdt);
      verdict = j.verdict();
      details.addAll(j.details());
      witness = j.witness();
      violating.addAll(j.violating());
      results.putAll(j.results());
    } else if (options.workload().equals("lock") || options.workload().equals("watch")) {
      CoordJudgement j = options.workload().equals("lock") ? CoordJudgement.lock(ops) : CoordJudgement.watch(ops);
      verdict = j.verdict();
      details.addAll(j.details());
      witness = j.witness();
      violating.addAll(j.violating());
      results.putAll(j.results());
    } else if (options.workload().equals("register")) {
      Linearizability.Result r = Linearizability.check(ops, options.limits());
      verdict = r.verdict().name();
      details.add("linearizability: " + r.explanation() + "; " + r.steps() + " search steps; per key " + r.perKey());
      witness = r.witnessLines();
      r.witness().forEach(o -> violating.add(o.id()));
      results.put("perKey", r.perKey());
      results.put("searchSteps", r.steps());
    } else if (ledger == null) {
      verdict = "UNKNOWN";
    } else {
      LedgerCheck.Result r = LedgerCheck.check(ledger);
      verdict = r.valid() ? "VALID" : "INVALID";
      details.add(String.format("ledger: %d acknowledged transfers, %d unknown resolved as applied, %d as not applied;"
          + " %d replicas; expected balances %s", r.acknowledged(), r.unknownApplied(), r.unknownNotApplied(),
          ledger.replicas().size(), r.expectedBalances()));
      witness = r.violations();
      violating.addAll(LedgerCheck.operationsOf(r.implicated(), ops));
      results.put("violations", r.violations());
      results.put("expectedBalances", r.expectedBalances());
    }
    if (ops.stream().noneMatch(o -> Report.isClient(o) && Event.OK.equals(o.type()))) {
      // Nothing was acknowledged: an empty history is valid for every checker and proves nothing.
      problems = new ArrayList<>(problems);
      problems.add("no client operation was acknowledged: nothing to judge");
    }
    if (verdict.equals("VALID") && !problems.isEmpty()) {
      verdict = "UNKNOWN"; // the final state could not be read, or there was nothing to check: no claim either way
    }
    double checkSeconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Map<String, Map<String, Integer>>> counts = Report.counts(ops);
    List<String> summary = new ArrayList<>();
    summary.add(String.format("workload %s, nemesis %s, %d s, %d clients, seed %d, deployment %s",
        options.workload(), options.nemesis(), options.duration().toSeconds(), options.clients(), options.seed(),
        options.deployment()));
    summary.add(String.format("%d client operations; checked in %.2f s", ops.stream().filter(Report::isClient).count(),
        checkSeconds));
    counts.get("byOperation").forEach((f, c) -> summary.add(String.format("  %-9s %s", f, c)));
    counts.get("byNode").forEach((n, c) -> summary.add(String.format("  node %-4s %s", n, c)));
    summary.add(String.format("nemesis windows: %d", Report.windows(ops, Long.MAX_VALUE).size()));
    summary.addAll(details);
    problems.forEach(p -> summary.add("problem: " + p));

    results.put("verdict", verdict);
    results.put("workload", options.workload());
    results.put("nemesis", options.nemesis());
    results.put("durationS", options.duration().toSeconds());
    results.put("seed", options.seed());
    results.put("clients", options.clients());
    results.put("counts", counts);
    results.put("problems", problems);
    results.put("witness", witness);
    results.put("checkSeconds", checkSeconds);
    Files.writeString(runDir.resolve("results.json"),
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(results) + "\n");
    Files.writeString(runDir.resolve("report.html"), Report.html("check " + runDir.getFileName(), verdict, summary,
        ops, violating, witness));

    summary.forEach(out::println);
    if (!witness.isEmpty()) {
      out.println(options.workload().equals("register") ? "smallest failing sub-history:" : "violations:");
      witness.forEach(l -> out.println("  " + l));
    }
    out.printf("verdict: %s  (history.jsonl, results.json, report.html in %s)%n", verdict, runDir);
    return switch (verdict) {
      case "VALID" -> EXIT_VALID;
      case "INVALID" -> EXIT_VIOLATION;
      default -> EXIT_UNKNOWN;
    };
  }
}
