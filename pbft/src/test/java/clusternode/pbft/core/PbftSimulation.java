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
 * delays, duplicates and partitions messages per {@link FaultPlan}, up to f Byzantine replicas,
 * crashes and restarts from each replica's "disk". Safety is checked after every tick; once the
 * faults stop, every request must complete within a bound. One seed replays one run exactly.
 */
final class PbftSimulation {
  record Options(int replicas, int clientNodes, int requestsPerClient, Map<Integer, Byzantine> byzantine,
      double dropProbability, boolean partitions, boolean crashes, int faultTicks, int livenessTicks) {
    Options withByzantine(Map<Integer, Byzantine> b) {
      return new Options(replicas, clientNodes, requestsPerClient, b, dropProbability, partitions, crashes, faultTicks,
          livenessTicks);
    }
  }

  /** How a run ended: {@code violation} null when every check held. */
  record Outcome(long seed, String violation, long steps, long ticks, long maxView, long maxStable, int transfers) {}

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

  private PbftSimulation(long seed, Options options) {
    this.seed = seed;
    this.options = options;
    this.random = new Random(seed);
    this.config = config(options.replicas());
    this.secrets = SimCrypto.secrets(config.replicas(), seed);
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
    return new Outcome(seed, violation, sim.steps, sim.now, maxView, maxStable, sim.transfers);
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
    return modes.get(id) == Byzantine.HONEST;
  }

  private String loop() {
    long end = options.faultTicks() + options.livenessTicks();
    while (now < end) {
      now++;
      if (now <= options.faultTicks()) {
        faults();
      } else if (now == options.faultTicks() + 1) {
        plan = FaultPlan.NONE;
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
        return checkAccepted(true);
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
      }
      plan = next;
    }
    if (options.crashes()) {
      if (crashed == null && random.nextInt(150) == 0) {
        List<String> honest = config.replicas().stream().filter(this::honest).toList();
        crashed = honest.get(random.nextInt(honest.size()));
        crashedUntil = now + 20 + random.nextInt(100);
        transfers += (int) cores.remove(crashed).stateTransfers();
      } else if (crashed != null && now >= crashedUntil) {
        start(crashed);
        crashed = null;
      }
    }
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
          accepted.put(c.client() + "@" + c.timestamp(), c.result());
        }
        continue;
      }
      PbftCore core = cores.get(ev.to);
      if (core == null || ev.to.equals(crashed)) {
        continue;
      }
      core.step(ev.message);
    }
  }

  private String nodeOf(String from) {
    return from.contains("/") ? config.clientNode(from) : from;
  }

  private String collect() {
    for (PbftCore core : cores.values()) {
      if (core.id().equals(crashed)) {
        continue;
      }
      Ready rd = core.ready();
      disks.get(core.id()).persist(rd);
      boolean honest = honest(core.id());
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
      }
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
    return checkAccepted(false);
  }

  /** Every result a client accepted is the one the honest replicas computed (once one has). */
  private String checkAccepted(boolean finalCheck) {
    for (Map.Entry<String, byte[]> e : accepted.entrySet()) {
      byte[] truth = honestResults.get(e.getKey());
      if (truth == null) {
        if (finalCheck && config.replicas().stream().anyMatch(this::honest)) {
          continue;
        }
        continue;
      }
      if (!Arrays.equals(truth, e.getValue())) {
        return "client accepted a wrong result for " + e.getKey();
      }
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
      return;
    }
    for (long delay : fate.delaysMs()) {
      network.add(new Event(now + 1 + delay, order++, from, o.to(), o.message()));
    }
  }
}
