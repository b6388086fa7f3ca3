package clusternode.pbft.core;

import clusternode.pbft.core.PbftMessage.Reply;
import clusternode.pbft.core.PbftMessage.Request;
import clusternode.protocols.transport.Fate;
import clusternode.protocols.transport.FaultPlan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * A deterministic simulation of a PBFT cluster: n cores, a few clients, a network that loses,
 * delays, duplicates, partitions and cuts one way messages per {@link FaultPlan}, up to f Byzantine
 * replicas, crashes (some during an fsync, losing the unsynced tail) and restarts from each
 * replica's "disk". Safety is checked after every tick and every result a client accepts when it
 * accepts it; once the faults stop, every request must complete within a bound. One seed replays
 * one run exactly. {@link Stats} counts what was injected, so the tests can assert it happened.
 */
final class PbftSimulation {
  /**
   * A run's shape. {@code cuts}: one-way cuts join the network faults. {@code fabricators} and
   * {@code colluders} are test-only Byzantine behaviours the simulation adds around a core's
   * output (the negative controls of PbftMutationTest); they count as Byzantine replicas.
   * A fabricator answers every request it receives at once with a signed made-up result.
   * Colluders back every pre-prepare any of them sends with a prepare and a commit from each of
   * them to its recipient (see {@link #collude}). {@code tornCrashes}: half the crashes happen
   * during a Ready's fsync: a prefix of its records reaches the disk, none of its messages leave.
   */
  record Options(int replicas, int clientNodes, int requestsPerClient, Map<Integer, Byzantine> byzantine,
      double dropProbability, boolean partitions, boolean crashes, int faultTicks, int livenessTicks, boolean cuts,
      Set<Integer> fabricators, Set<Integer> colluders, boolean tornCrashes) {
    Options(int replicas, int clientNodes, int requestsPerClient, Map<Integer, Byzantine> byzantine,
        double dropProbability, boolean partitions, boolean crashes, int faultTicks, int livenessTicks) {
      this(replicas, clientNodes, requestsPerClient, byzantine, dropProbability, partitions, crashes, faultTicks,
          livenessTicks, false, Set.of(), Set.of(), false);
    }

    Options withByzantine(Map<Integer, Byzantine> b) {
      return new Options(replicas, clientNodes, requestsPerClient, b, dropProbability, partitions, crashes, faultTicks,
          livenessTicks, cuts, fabricators, colluders, tornCrashes);
    }

    Options withCuts(boolean c) {
      return new Options(replicas, clientNodes, requestsPerClient, byzantine, dropProbability, partitions, crashes,
          faultTicks, livenessTicks, c, fabricators, colluders, tornCrashes);
    }

    Options withFabricators(Set<Integer> f) {
      return new Options(replicas, clientNodes, requestsPerClient, byzantine, dropProbability, partitions, crashes,
          faultTicks, livenessTicks, cuts, f, colluders, tornCrashes);
    }

    Options withColluders(Set<Integer> c) {
      return new Options(replicas, clientNodes, requestsPerClient, byzantine, dropProbability, partitions, crashes,
          faultTicks, livenessTicks, cuts, fabricators, c, tornCrashes);
    }

    Options withTornCrashes(boolean t) {
      return new Options(replicas, clientNodes, requestsPerClient, byzantine, dropProbability, partitions, crashes,
          faultTicks, livenessTicks, cuts, fabricators, colluders, t);
    }
  }

  /** What a run injected and what it made happen: the evidence that the faults were real. */
  static final class Stats {
    long crashes;
    /** Crashes during an fsync, with the unsynced tail of the Ready's records lost. */
    long tornCrashes;
    /** Records lost that way. */
    long tornRecords;
    long partitionPlans;
    long cutPlans;
    long primaryCannotHearPlans;
    long backupCannotAnswerPlans;
    long dropped;
    long droppedByCut;
    /** Messages Byzantine replicas sent, per mode (fabricated and collusive ones under their own names). */
    final Map<String, Long> byzantineMessages = new java.util.TreeMap<>();
    /** Messages honest replicas refused (bad signature, wrong view, junk, ...). */
    long rejectedByHonest;
    /** The tick on which the last request completed. */
    long lastCompletionTick;

    void add(Stats o) {
      crashes += o.crashes;
      tornCrashes += o.tornCrashes;
      tornRecords += o.tornRecords;
      partitionPlans += o.partitionPlans;
      cutPlans += o.cutPlans;
      primaryCannotHearPlans += o.primaryCannotHearPlans;
      backupCannotAnswerPlans += o.backupCannotAnswerPlans;
      dropped += o.dropped;
      droppedByCut += o.droppedByCut;
      o.byzantineMessages.forEach((k, v) -> byzantineMessages.merge(k, v, Long::sum));
      rejectedByHonest += o.rejectedByHonest;
      lastCompletionTick = Math.max(lastCompletionTick, o.lastCompletionTick);
    }

    @Override
    public String toString() {
      return "crashes " + crashes + " (" + tornCrashes + " during an fsync, " + tornRecords + " records torn off)"
          + ", partitions " + partitionPlans + ", one-way cut plans " + cutPlans
          + " (primary cannot hear " + primaryCannotHearPlans + ", backup cannot answer " + backupCannotAnswerPlans
          + "), dropped " + dropped + " (by cuts " + droppedByCut + "), refused by honest replicas "
          + rejectedByHonest + ", sent by Byzantine replicas " + byzantineMessages;
    }
  }

  /** How a run ended: {@code violation} null when every check held. */
  record Outcome(long seed, String violation, long steps, long ticks, long maxView, long maxStable, int transfers,
      Stats stats) {}

  static final int CHECKPOINT_INTERVAL = 4;

  static PbftConfig config(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      ids.add("n" + i);
    }
    // Two pre-prepares in flight, as the node's default: the pipeline bound is exercised too.
    return new PbftConfig(ids, CHECKPOINT_INTERVAL, 2 * CHECKPOINT_INTERVAL, 40, 4, 8, 4, 2, 48, 64, 2);
  }

  private record Event(long at, long order, String from, String to, PbftMessage message) {}

  private static final class Disk {
    StableCheckpoint checkpoint;
    List<LogRecord> records = new ArrayList<>();

    void persist(Ready rd) {
      records.addAll(rd.records());
      if (rd.stableCheckpoint() != null) {
        checkpoint = rd.stableCheckpoint();
        LogRecord lastView = null;
        List<LogRecord> kept = new ArrayList<>();
        for (LogRecord r : records) {
          if (r instanceof LogRecord.ViewEntered) {
            lastView = r;
          } else if (r.seq() > checkpoint.seq()) {
            kept.add(r);
          }
        }
        if (lastView != null) {
          kept.add(0, lastView);
        }
        records = kept;
      }
    }
  }

  private final long seed;
  private final Options options;
  private final Random random;
  private final PbftConfig config;
  private final Map<String, Long> secrets;
  private final Map<String, PbftCore> cores = new LinkedHashMap<>();
  private final Map<String, Disk> disks = new HashMap<>();
  private final Map<String, Byzantine> modes = new HashMap<>();
  private final Map<String, PbftClient> clients = new LinkedHashMap<>();
  private final Map<String, Integer> issued = new HashMap<>();
  private final Map<String, Long> handles = new HashMap<>();
  private final PriorityQueue<Event> network = new PriorityQueue<>(
      (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
  private final Set<String> issuedRequests = new HashSet<>();
  private final Map<Long, String> agreed = new HashMap<>();
  private final Map<String, byte[]> honestResults = new HashMap<>();
  private final Map<String, byte[]> accepted = new HashMap<>();
  private FaultPlan plan = FaultPlan.NONE;
  private long now;
  private long order;
  private long steps;
  private int transfers;
  private int completed;
  private int total;
  private String crashed;
  private long crashedUntil;
  /** A replica chosen to crash during its next fsync (its next Ready with records). */
  private String tearing;
  private final Stats stats = new Stats();
  private final Set<String> fabricators = new HashSet<>();
  private final Set<String> colluders = new HashSet<>();
  /** The first violation found while delivering (checked as soon as a client accepts). */
  private String deliveryViolation;

  private PbftSimulation(long seed, Options options) {
    this.seed = seed;
    this.options = options;
    this.random = new Random(seed);
    this.config = config(options.replicas());
    this.secrets = SimCrypto.secrets(config.replicas(), seed);
    options.fabricators().forEach(i -> fabricators.add(config.replicas().get(i)));
    options.colluders().forEach(i -> colluders.add(config.replicas().get(i)));
    for (int i = 0; i < config.n(); i++) {
      String id = config.replicas().get(i);
      modes.put(id, options.byzantine().getOrDefault(i, Byzantine.HONEST));
      disks.put(id, new Disk());
      start(id);
    }
    for (int i = 0; i < options.clientNodes(); i++) {
      String node = config.replicas().get(i % config.n());
      clients.put(node, new PbftClient(node, config, SimCrypto.of(secrets, node), 30, 0));
      issued.put(node, 0);
    }
    total = options.clientNodes() * options.requestsPerClient();
  }

  static Outcome run(long seed, Options options) {
    PbftSimulation sim = new PbftSimulation(seed, options);
    String violation;
    try {
      violation = sim.loop();
    } catch (IllegalStateException e) {
      violation = "invariant: " + e.getMessage();
    }
    sim.cores.values().forEach(c -> sim.transfers += (int) c.stateTransfers());
    long maxView = sim.cores.values().stream().mapToLong(c -> c == null ? 0 : c.view()).max().orElse(0);
    long maxStable = sim.cores.values().stream().mapToLong(c -> c == null ? 0 : c.lowWater()).max().orElse(0);
    return new Outcome(seed, violation, sim.steps, sim.now, maxView, maxStable, sim.transfers, sim.stats);
  }

  private void start(String id) {
    PbftCore old = cores.get(id);
    if (old != null) {
      transfers += (int) old.stateTransfers();
    }
    Disk d = disks.get(id);
    PbftCore core = new PbftCore(config, id, SimCrypto.of(secrets, id), new SimApp(), new Random(seed * 31 + id.hashCode()),
        new Recovered(d.checkpoint, List.copyOf(d.records)));
    core.setByzantine(modes.get(id));
    cores.put(id, core);
  }

  private boolean honest(String id) {
    return modes.get(id) == Byzantine.HONEST && !fabricators.contains(id) && !colluders.contains(id);
  }

  private String modeOf(String id) {
    return fabricators.contains(id) ? "fabricate" : colluders.contains(id) ? "collude" : modes.get(id).label();
  }

  private String loop() {
    long end = options.faultTicks() + options.livenessTicks();
    while (now < end) {
      now++;
      if (now <= options.faultTicks()) {
        faults();
      } else if (now == options.faultTicks() + 1) {
        plan = FaultPlan.NONE;
        tearing = null;
        if (crashed != null) {
          start(crashed);
          crashed = null;
        }
      }
      issueRequests();
      deliver();
      for (Map.Entry<String, PbftCore> e : cores.entrySet()) {
        if (e.getKey().equals(crashed)) {
          continue;
        }
        e.getValue().tick();
      }
      clients.values().forEach(PbftClient::tick);
      String violation = collect();
      if (violation != null) {
        return violation;
      }
      if (completed == total && now > options.faultTicks()) {
        return checkAllAccepted();
      }
    }
    return "liveness: " + (total - completed) + " of " + total + " requests incomplete " + options.livenessTicks()
        + " ticks after the faults stopped; views " + views();
  }

  private String views() {
    StringBuilder b = new StringBuilder();
    cores.forEach((id, c) -> b.append(id).append('=').append(c.status()).append(' '));
    return b.toString();
  }

  private void faults() {
    if (now == 1 || random.nextInt(60) == 0) {
      FaultPlan next = FaultPlan.NONE.withDrop(options.dropProbability()).withDelay(0, 2).withDuplication(0.03);
      if (options.partitions() && random.nextInt(3) == 0) {
        List<String> shuffled = new ArrayList<>(config.replicas());
        java.util.Collections.shuffle(shuffled, random);
        int cut = 1 + random.nextInt(shuffled.size() - 1);
        next = next.withPartitions(List.of(Set.copyOf(shuffled.subList(0, cut))));
        stats.partitionPlans++;
      }
      if (options.cuts() && random.nextInt(2) == 0) {
        next = next.withCuts(oneWayCuts());
      }
      plan = next;
    }
    if (options.crashes()) {
      if (crashed == null && tearing == null && random.nextInt(150) == 0) {
        List<String> honest = config.replicas().stream().filter(this::honest).toList();
        String victim = honest.get(random.nextInt(honest.size()));
        if (options.tornCrashes() && random.nextBoolean()) {
          tearing = victim; // see collect()
        } else {
          crashed = victim;
          crashedUntil = now + 20 + random.nextInt(100);
          transfers += (int) cores.remove(crashed).stateTransfers();
          stats.crashes++;
        }
      } else if (crashed != null && now >= crashedUntil) {
        start(crashed);
        crashed = null;
      }
    }
  }

  /**
   * One-way cuts: random links, a primary that can send but not hear (its pre-prepares still go
   * out, no request, prepare or view change reaches it), or a backup that hears everything but
   * cannot answer. The primary is the one of the highest view any live replica is in.
   */
  private Set<clusternode.protocols.transport.Link> oneWayCuts() {
    Set<clusternode.protocols.transport.Link> cuts = new HashSet<>();
    long view = cores.values().stream().mapToLong(PbftCore::view).max().orElse(0);
    String primary = config.primary(view);
    List<String> ids = config.replicas();
    switch (random.nextInt(3)) {
      case 0 -> {
        for (int i = 1 + random.nextInt(ids.size()); i > 0; i--) {
          String a = ids.get(random.nextInt(ids.size()));
          String b = ids.get(random.nextInt(ids.size()));
          if (!a.equals(b)) {
            cuts.add(new clusternode.protocols.transport.Link(a, b));
          }
        }
      }
      case 1 -> {
        for (String other : ids) {
          if (!other.equals(primary)) {
            cuts.add(new clusternode.protocols.transport.Link(other, primary));
          }
        }
        stats.primaryCannotHearPlans++;
      }
      default -> {
        String backup = ids.get(random.nextInt(ids.size()));
        if (backup.equals(primary)) {
          backup = ids.get((ids.indexOf(primary) + 1) % ids.size());
        }
        for (String other : ids) {
          if (!other.equals(backup)) {
            cuts.add(new clusternode.protocols.transport.Link(backup, other));
          }
        }
        stats.backupCannotAnswerPlans++;
      }
    }
    if (!cuts.isEmpty()) {
      stats.cutPlans++;
    }
    return cuts;
  }

  private void issueRequests() {
    for (Map.Entry<String, PbftClient> e : clients.entrySet()) {
      String node = e.getKey();
      PbftClient client = e.getValue();
      int n = issued.get(node);
      // Every session busy at once: the requests a client submits together share one signature.
      while (client.busySessions() < config.clientSessions() && n < options.requestsPerClient()) {
        byte[] op = (node + "-op-" + n).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long handle = client.submit(op, n % 4 == 3);
        Request r = client.request(handle);
        issuedRequests.add(r.key() + "#" + r.digest());
        handles.put(node + ":" + handle, r.timestamp());
        n++;
        issued.put(node, n);
      }
    }
  }

  private void deliver() {
    while (!network.isEmpty() && network.peek().at <= now) {
      Event ev = network.poll();
      steps++;
      String toNode = ev.to.contains("/") ? config.clientNode(ev.to) : ev.to;
      if (toNode == null || !plan.reachable(nodeOf(ev.from), toNode)) {
        continue;
      }
      if (ev.to.contains("/")) {
        PbftClient client = clients.get(toNode);
        List<PbftClient.Completed> done = List.of();
        if (client != null && ev.message instanceof Reply r) {
          PbftClient.Completed one = client.onReply(r);
          done = one == null ? List.of() : List.of(one);
        } else if (client != null && ev.message instanceof PbftMessage.Replies rs) {
          done = client.onReplies(rs);
        }
        for (PbftClient.Completed c : done) {
          completed++;
          stats.lastCompletionTick = now;
          String key = c.client() + "@" + c.timestamp();
          accepted.put(key, c.result());
          String wrong = checkAccepted(key, c.result());
          if (wrong != null && deliveryViolation == null) {
            deliveryViolation = wrong;
          }
        }
        continue;
      }
      PbftCore core = cores.get(ev.to);
      if (core == null || ev.to.equals(crashed)) {
        continue;
      }
      if (fabricators.contains(ev.to) && ev.message instanceof Request r && config.clientNode(r.from()) != null) {
        fabricate(ev.to, core.view(), r);
      }
      core.step(ev.message);
    }
  }

  /** A fabricator's made-up answer, signed with its own key: no replica computed it. */
  private void fabricate(String id, long view, Request r) {
    byte[] made = ("FABRICATED:" + r.key()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Reply unsigned = new Reply(id, view, r.from(), r.timestamp(), made, null);
    Reply reply = new Reply(id, view, r.from(), r.timestamp(), made, SimCrypto.of(secrets, id).sign(unsigned.signed()));
    send(id, new Outbound(r.from(), reply));
    stats.byzantineMessages.merge("fabricated replies", 1L, Long::sum);
  }

  /**
   * Colluders at work: when one of them pre-prepares {@code pp} to {@code to}, every colluder
   * sends {@code to} a signed prepare and commit for exactly that digest. With an equivocating
   * primary that sends each backup a different batch digest, each honest replica then sees a
   * quorum for its own batch if the colluders are f+1 (with f they are not enough).
   */
  private void collude(Outbound o) {
    if (!(o.message() instanceof PbftMessage.PrePrepare pp) || !colluders.contains(pp.from())) {
      return;
    }
    for (String c : colluders) {
      if (c.equals(o.to())) {
        continue;
      }
      SimCrypto crypto = SimCrypto.of(secrets, c);
      PbftMessage.Prepare p = new PbftMessage.Prepare(c, pp.view(), pp.seq(), pp.digest(), null);
      send(c, new Outbound(o.to(), new PbftMessage.Prepare(c, pp.view(), pp.seq(), pp.digest(),
          crypto.sign(p.signed()))));
      PbftMessage.Commit m = new PbftMessage.Commit(c, pp.view(), pp.seq(), pp.digest(), null);
      send(c, new Outbound(o.to(), new PbftMessage.Commit(c, pp.view(), pp.seq(), pp.digest(),
          crypto.sign(m.signed()))));
      stats.byzantineMessages.merge("collusive votes", 2L, Long::sum);
    }
  }

  private String nodeOf(String from) {
    return from.contains("/") ? config.clientNode(from) : from;
  }

  private String collect() {
    String torn = null;
    for (PbftCore core : cores.values()) {
      if (core.id().equals(crashed)) {
        continue;
      }
      Ready rd = core.ready();
      if (core.id().equals(tearing) && !rd.records().isEmpty()) {
        // The replica dies during this Ready's fsync: a prefix of its records is on disk (the
        // stable checkpoint only if all of them are), its messages never leave, its executions
        // are lost with its memory.
        int kept = random.nextInt(rd.records().size());
        disks.get(core.id()).records.addAll(rd.records().subList(0, kept));
        stats.tornRecords += rd.records().size() - kept;
        stats.tornCrashes++;
        stats.crashes++;
        torn = core.id();
        continue;
      }
      disks.get(core.id()).persist(rd);
      boolean honest = honest(core.id());
      if (honest) {
        stats.rejectedByHonest += rd.rejected().size();
      } else {
        stats.byzantineMessages.merge(modeOf(core.id()), (long) rd.messages().size(), Long::sum);
      }
      for (Executed ex : rd.executed()) {
        if (!honest) {
          continue;
        }
        String first = agreed.putIfAbsent(ex.seq(), ex.digest());
        if (first != null && !first.equals(ex.digest())) {
          return "agreement: seq " + ex.seq() + " executed as " + first + " and as " + ex.digest() + " at " + core.id();
        }
        for (int i = 0; i < ex.batch().size(); i++) {
          Request r = ex.batch().get(i);
          if (ex.results().get(i) == null) {
            continue;
          }
          if (!issuedRequests.contains(r.key() + "#" + r.digest())) {
            return "validity: " + core.id() + " executed " + r.key() + ", which no client issued";
          }
          byte[] before = honestResults.putIfAbsent(r.key(), ex.results().get(i));
          if (before != null && !Arrays.equals(before, ex.results().get(i))) {
            return "agreement: honest replicas computed different results for " + r.key();
          }
        }
      }
      for (Outbound o : rd.messages()) {
        send(core.id(), o);
        collude(o);
      }
    }
    if (torn != null) {
      tearing = null;
      crashed = torn;
      crashedUntil = now + 20 + random.nextInt(100);
      transfers += (int) cores.remove(torn).stateTransfers();
    }
    for (PbftClient client : clients.values()) {
      PbftCore local = cores.get(client.node());
      if (local != null) {
        client.localReplicaView(local.view()); // as the shell does
      }
      for (Outbound o : client.drainOutbox()) {
        send(client.node(), o);
      }
    }
    if (deliveryViolation != null) {
      return deliveryViolation;
    }
    return checkAllAccepted();
  }

  /**
   * Every result a client accepted is the one the honest replicas computed. Checked when the client
   * accepts it, and again after every tick. Of the f+1 matching replies a client needs, at least
   * one comes from an honest replica, which computed the result (and was collected) before its
   * reply was sent: so a result no honest replica has computed yet is a violation on the spot.
   */
  private String checkAllAccepted() {
    for (Map.Entry<String, byte[]> e : accepted.entrySet()) {
      String wrong = checkAccepted(e.getKey(), e.getValue());
      if (wrong != null) {
        return wrong;
      }
    }
    return null;
  }

  private String checkAccepted(String key, byte[] result) {
    byte[] truth = honestResults.get(key);
    if (truth == null) {
      return "client accepted a result for " + key + " that no honest replica computed: "
          + new String(result, java.nio.charset.StandardCharsets.UTF_8);
    }
    if (!Arrays.equals(truth, result)) {
      return "client accepted a wrong result for " + key;
    }
    return null;
  }

  private void send(String from, Outbound o) {
    String fromNode = nodeOf(from);
    String toNode = o.to().contains("/") ? config.clientNode(o.to()) : o.to();
    if (toNode == null) {
      return;
    }
    Fate fate = plan.decide(fromNode, toNode, random);
    if (fate.isDropped()) {
      stats.dropped++;
      if ("cut".equals(fate.dropReason())) {
        stats.droppedByCut++;
      }
      return;
    }
    for (long delay : fate.delaysMs()) {
      network.add(new Event(now + 1 + delay, order++, from, o.to(), o.message()));
    }
  }
}
