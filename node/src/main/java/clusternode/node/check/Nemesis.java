package clusternode.node.check;

import clusternode.node.ctl.NodeClient;
import clusternode.node.launcher.LocalCluster;
import clusternode.protocols.http.Json;
import clusternode.protocols.peers.Peer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Breaks the cluster on purpose, one fault at a time: a quiet spell, a fault held for a few
 * seconds, its heal, and again, until told to stop. Every fault and heal goes into the history as
 * an operation of process {@code nemesis}. Whatever happens, {@link #healAll} undoes everything.
 */
final class Nemesis {
  static final List<String> KINDS = List.of("none", "partition-halves", "partition-majority-ring", "isolate-leader",
      "cut-leader-out", "cut-leader-in", "kill", "pause", "byzantine", "mix");
  private static final List<String> MIXED = List.of("partition-halves", "partition-majority-ring", "isolate-leader",
      "kill", "pause");

  private final String kind;
  private final LocalCluster cluster;
  private final NodeClient admin;
  /** Reads of {@code /health/consensus}, short: a node that does not answer at once is not the leader we want. */
  private final NodeClient probe;
  private final History history;
  private final Random random;
  private final List<String> ids;
  /** Pids stopped with SIGSTOP and not yet continued. */
  private final Set<Long> paused = ConcurrentHashMap.newKeySet();
  /** Every node pid seen, for the last-resort cleanup. */
  private final Set<Long> seenPids;
  private final Duration quietMin;
  private final Duration faultMin;
  /** Whether the deployment runs PBFT: then {@code mix} includes byzantine and the leader is the primary. */
  private final boolean pbft;
  /** The replica the byzantine faults make misbehave. */
  private final Traitor traitor;
  /** Fault windows held and healed so far (read by the runner's thread). */
  private volatile int windowsDone;

  Nemesis(String kind, LocalCluster cluster, String adminToken, History history, Random random, Set<Long> seenPids,
      Duration quietMin, Duration faultMin, boolean pbft) {
    checkKind(kind);
    if (faults(kind).contains("byzantine") && (!pbft || cluster.peers().ids().size() < 4)) {
      throw new IllegalArgumentException("the byzantine nemesis needs a PBFT deployment of at least 4 replicas "
          + "(e.g. --config conf/pbft-4.conf)");
    }
    this.pbft = pbft;
    this.kind = kind;
    this.cluster = cluster;
    this.admin = cluster.client(adminToken, Duration.ofSeconds(5));
    this.probe = cluster.client(null, Duration.ofSeconds(2));
    this.traitor = new Traitor(cluster.peers(), admin);
    this.history = history;
    this.random = random;
    this.ids = cluster.peers().ids();
    this.seenPids = seenPids;
    this.quietMin = quietMin;
    this.faultMin = faultMin;
  }

  /**
   * A nemesis name: one of {@link #KINDS}, or several faults separated by commas
   * ({@code kill,partition-halves}), taken in turn so each surely happens in a short run.
   */
  static void checkKind(String kind) {
    if (KINDS.contains(kind)) {
      return;
    }
    for (String f : kind.split(",", -1)) {
      if (!KINDS.contains(f) || f.equals("mix") || f.equals("none")) {
        throw new IllegalArgumentException("unknown nemesis '" + kind + "'; use one of " + KINDS
            + ", or faults in turn separated by commas (kill,partition-halves)");
      }
    }
  }

  /** The faults a nemesis name takes in turn (one for a single fault, the list for a comma list). */
  static List<String> faults(String kind) {
    return List.of(kind.split(","));
  }

  /**
   * Whether every fault a comma list names has had its window (and been healed): the runner goes
   * on past {@code --duration} until then, so on a slow machine a short run still applies them
   * all. A single fault, {@code mix} and {@code none} promise nothing more than the duration.
   */
  boolean everyListedFaultApplied() {
    return !kind.contains(",") || windowsDone >= faults(kind).size();
  }

  /** Faults until {@code running} is false; each fault is healed before the next. */
  void run(BooleanSupplier running) {
    if (kind.equals("none")) {
      return;
    }
    List<String> inTurn = faults(kind);
    int turn = 0;
    while (running.getAsBoolean()) {
      if (!sleepWhile(running, jitter(quietMin))) {
        return;
      }
      List<String> mixed = pbft && ids.size() >= 4 ? withByzantine() : MIXED;
      String fault = kind.equals("mix") ? mixed.get(random.nextInt(mixed.size())) : inTurn.get(turn++ % inTurn.size());
      Runnable heal;
      try {
        heal = inject(fault);
      } catch (RuntimeException e) {
        // A fault that could not be applied everywhere: record it, undo it, go on.
        Event failed = history.append(Event.invoke(Event.NEMESIS, fault, null, "could not apply", null, null,
            history.nowNs()));
        history.append(failed.complete(Event.INFO, null, e.getMessage(), history.nowNs()));
        heal = () -> {
          continueAll();
          clearFaults();
          traitor.honestAgain(); // a mode change that timed out may still have taken effect
        };
      }
      try {
        sleepWhile(running, jitter(faultMin));
      } finally {
        Event in = history.append(Event.invoke(Event.NEMESIS, "heal", null, fault, null, null, history.nowNs()));
        String outcome = Event.OK;
        String why = null;
        try {
          heal.run();
        } catch (RuntimeException e) {
          outcome = Event.INFO;
          why = e.toString();
        }
        history.append(in.complete(outcome, null, why, history.nowNs()));
        windowsDone++;
      }
    }
  }

  private Duration jitter(Duration base) {
    return base.plusMillis(random.nextInt((int) Math.max(1, base.toMillis())));
  }

  /** Applies {@code fault}; returns how to heal it. */
  private Runnable inject(String fault) {
    Event in;
    Runnable heal;
    String description;
    switch (fault) {
      case "partition-halves" -> {
        List<String> shuffled = new ArrayList<>(ids);
        Collections.shuffle(shuffled, random);
        List<List<String>> groups = List.of(shuffled.subList(0, ids.size() / 2), shuffled.subList(ids.size() / 2,
            ids.size()));
        description = "partition " + groups;
        in = begin(fault, description);
        setFaults(Map.of("partition", groups));
        heal = this::clearFaults;
      }
      case "partition-majority-ring" -> {
        List<List<String>> cuts = majorityRingCuts(ids, random);
        description = "cuts " + cuts;
        in = begin(fault, description);
        setFaults(Map.of("cuts", cuts));
        heal = this::clearFaults;
      }
      case "isolate-leader" -> {
        String leader = leader().orElse(ids.get(random.nextInt(ids.size())));
        List<String> rest = ids.stream().filter(id -> !id.equals(leader)).toList();
        description = "isolate " + leader + " from " + rest;
        in = begin(fault, description);
        setFaults(Map.of("partition", List.of(List.of(leader), rest)));
        heal = this::clearFaults;
      }
      case "cut-leader-out", "cut-leader-in" -> {
        String leader = leader().orElse(pick());
        boolean out = fault.equals("cut-leader-out");
        List<List<String>> cuts = leaderCuts(leader, ids, out);
        description = (out ? "cut " + leader + " off from sending (it still hears) " : "cut " + leader
            + " off from hearing (it still sends) ") + cuts;
        in = begin(fault, description);
        setFaults(Map.of("cuts", cuts));
        heal = this::clearFaults;
      }
      case "kill" -> {
        String victim = random.nextBoolean() ? leader().orElse(pick()) : pick();
        description = "kill -9 " + victim;
        in = begin(fault, description);
        try {
          cluster.kill(victim);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        heal = () -> restart(victim);
      }
      case "pause" -> {
        String victim = random.nextBoolean() ? leader().orElse(pick()) : pick();
        Optional<ProcessHandle> process = process(victim);
        description = "SIGSTOP " + victim + process.map(p -> " (pid " + p.pid() + ")").orElse(" (not running)");
        in = begin(fault, description);
        process.ifPresent(p -> {
          signal("STOP", p.pid());
          paused.add(p.pid());
        });
        heal = () -> process.ifPresent(p -> {
          signal("CONT", p.pid());
          paused.remove(p.pid());
        });
      }
      case "byzantine" -> {
        Traitor.Turn turn = traitor.next(() -> leader().orElse(pick()));
        description = turn.replica() + " " + turn.mode()
            + leader().filter(turn.replica()::equals).map(p -> " (primary)").orElse(" (backup)");
        in = begin(fault, description);
        traitor.behave(turn);
        heal = traitor::honestAgain;
      }
      default -> throw new IllegalArgumentException(fault);
    }
    history.append(in.complete(Event.OK, null, null, history.nowNs()));
    return heal;
  }

  private Event begin(String fault, String description) {
    return history.append(Event.invoke(Event.NEMESIS, fault, null, description, null, null, history.nowNs()));
  }

  private String pick() {
    return ids.get(random.nextInt(ids.size()));
  }

  /**
   * One-way cuts under which every node hears from a majority (itself and the next
   * {@code n/2} nodes around a shuffled ring) and no two nodes hear from the same majority: node
   * i drops whatever the nodes outside its view send it.
   */
  static List<List<String>> majorityRingCuts(List<String> ids, Random random) {
    List<String> ring = new ArrayList<>(ids);
    Collections.shuffle(ring, random);
    int n = ring.size();
    int others = n / 2; // with itself: n/2 + 1, a majority
    List<List<String>> cuts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int k = others + 1; k < n; k++) {
        cuts.add(List.of(ring.get((i + k) % n), ring.get(i))); // from, to
      }
    }
    return cuts;
  }

  /**
   * One-way cuts around {@code leader}: with {@code out} every link from it (it hears everything,
   * nobody hears it: a follower's view of a dead leader while it still thinks it leads); without,
   * every link to it (its heartbeats still go out and hold back elections, but no answer returns).
   */
  static List<List<String>> leaderCuts(String leader, List<String> ids, boolean out) {
    List<List<String>> cuts = new ArrayList<>();
    for (String other : ids) {
      if (!other.equals(leader)) {
        cuts.add(out ? List.of(leader, other) : List.of(other, leader)); // from, to
      }
    }
    return cuts;
  }

  private List<String> withByzantine() {
    List<String> l = new ArrayList<>(MIXED);
    l.add("byzantine");
    return l;
  }

  /** The replica ever made byzantine in this run, if any: its own state and answers are not judged. */
  Optional<String> traitor() {
    return traitor.id();
  }

  /** Raft: the node that says it leads. PBFT: the primary of the view an honest replica is in. */
  Optional<String> leader() {
    for (String id : ids) {
      if (traitor.id().filter(id::equals).isPresent()) {
        continue;
      }
      try {
        NodeClient.Answer a = probe.get(cluster.peers().get(id), "/health/consensus");
        if (a.ok() && a.json().path("role").asText().equals("leader")) {
          return Optional.of(id);
        }
        if (pbft && a.ok() && ids.contains(a.json().path("primary").asText())) {
          return Optional.of(a.json().path("primary").asText());
        }
      } catch (IOException | RuntimeException e) {
        // down or paused: the next
      }
    }
    return Optional.empty();
  }

  private Optional<ProcessHandle> process(String id) {
    try {
      return cluster.dir().process(id);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The kernel faults' own lines would cut through the check's output; the history records each fault. */
  private static final java.io.PrintStream QUIET = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());

  private void setFaults(Map<String, Object> plan) {
    if (cluster.network().isPresent()) {
      // check --net real: the kernel drops the packets (nftables in the node namespaces), not the Transport.
      new clusternode.node.hosts.NetFaults(cluster.network().get(), QUIET).apply(plan);
      return;
    }
    String body;
    try {
      body = Json.MAPPER.writeValueAsString(plan);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    everyNode("POST", body);
  }

  private void clearFaults() {
    cluster.network().ifPresent(n -> new clusternode.node.hosts.NetFaults(n, QUIET).heal());
    everyNode("DELETE", null);
  }

  private void everyNode(String method, String body) {
    List<String> failed = new ArrayList<>();
    for (Peer p : cluster.peers().all().values()) {
      try {
        NodeClient.Answer a = admin.send(p, "/admin/faults", method, body);
        if (!a.ok()) {
          failed.add(p.id() + ": " + a.status() + " " + a.body());
        }
      } catch (IOException e) {
        failed.add(p.id() + ": " + e.getMessage());
      }
    }
    if (!failed.isEmpty()) {
      throw new IllegalStateException(method + " /admin/faults failed on " + failed);
    }
  }

  private void restart(String id) {
    try {
      cluster.start(id, Duration.ofSeconds(90));
      process(id).ifPresent(p -> seenPids.add(p.pid()));
    } catch (IOException e) {
      throw new IllegalStateException("could not restart " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * Continues every paused node, starts every node that is down, clears every fault plan, makes
   * the byzantine replica honest again.
   */
  List<String> healAll() {
    List<String> problems = new ArrayList<>();
    continueAll();
    for (String id : ids) {
      if (process(id).isEmpty()) {
        try {
          restart(id);
        } catch (RuntimeException e) {
          problems.add(e.getMessage());
        }
      }
    }
    for (int attempt = 0; ; attempt++) {
      try {
        clearFaults();
        break;
      } catch (RuntimeException e) {
        if (attempt >= 20) {
          problems.add("could not clear the faults: " + e.getMessage());
          break;
        }
        Ops.sleep(500);
      }
    }
    try {
      traitor.honestAgain(); // tries for 20 s itself
    } catch (RuntimeException e) {
      problems.add("could not make the byzantine replica honest again: " + e.getMessage());
    }
    Event in = history.append(Event.invoke(Event.NEMESIS, "heal", null, "heal-all", null, null, history.nowNs()));
    history.append(in.complete(problems.isEmpty() ? Event.OK : Event.INFO, null,
        problems.isEmpty() ? null : String.join("; ", problems), history.nowNs()));
    return problems;
  }

  /** SIGCONT to every node this nemesis stopped; safe to call more than once. */
  void continueAll() {
    for (Long pid : List.copyOf(paused)) {
      signal("CONT", pid);
      paused.remove(pid);
    }
  }

  static void signal(String name, long pid) {
    try {
      Process p = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor();
    } catch (IOException e) {
      throw new IllegalStateException("kill -" + name + " " + pid + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sleeps up to {@code d}, waking early when {@code running} turns false; true if it slept it all. */
  private static boolean sleepWhile(BooleanSupplier running, Duration d) {
    long end = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < end) {
      if (!running.getAsBoolean()) {
        return false;
      }
      Ops.sleep(Math.min(100, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
    }
    return true;
  }
}
