package clusternode.gossip.sim;

import clusternode.gossip.core.AntiEntropyCore;
import clusternode.gossip.core.MemberStatus;
import clusternode.gossip.core.Outbound;
import clusternode.gossip.core.SwimConfig;
import clusternode.gossip.core.SwimCore;
import clusternode.gossip.core.SwimMessage;
import clusternode.gossip.core.SyncMessage;
import clusternode.gossip.core.Versioned;
import clusternode.gossip.crdt.Crdt;
import clusternode.gossip.crdt.MVRegister;
import clusternode.gossip.crdt.ORSet;
import clusternode.gossip.crdt.PNCounter;
import clusternode.protocols.transport.Fate;
import clusternode.protocols.transport.FaultPlan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A deterministic world of SWIM and anti-entropy cores: one seeded Random drives the cores, the
 * network (through {@link FaultPlan#decide}, delays read as ticks) and the workload, so a seed
 * replays exactly. Crashed nodes lose everything; a restart is a new life with a new replica id.
 *
 * <p>A tick stands for about 100 ms, a message's delay is the fate's delay in whole ticks: 0 means
 * within the tick (a LAN round trip is far shorter than a tick), so a reply chain may complete in
 * the tick it started, as it would in a real cluster.
 */
public final class Simulation {
  public static final String[] KEYS = {"counter/a", "counter/b", "set/s", "register/r"};

  public final long seed;
  public final Random random;
  public final List<String> ids = new ArrayList<>();
  public final Map<String, Node> nodes = new LinkedHashMap<>();
  public final SwimConfig swimConfig;
  public final int antiEntropyTicks;
  public FaultPlan plan = FaultPlan.NONE;
  public long tick;
  public long delivered;
  public long sent;
  /** Messages the fault plan dropped, and those of them lost to one-way cuts. */
  public long dropped;
  public long droppedByCut;
  public long requestIds;
  /** The keys the checks cover: {@link #KEYS}, plus any a test writes through {@link #write}. */
  public final List<String> keys = new ArrayList<>(List.of(KEYS));
  /** Every delta written, per key, by any life of any node. */
  public final Map<String, List<Crdt<?>>> written = new LinkedHashMap<>();
  /** Per key: every write as (replica id, its sequence number in the key's version vector, delta). */
  public final Map<String, List<Write>> writes = new LinkedHashMap<>();

  public record Write(String replica, long seq, Crdt<?> delta) {}

  /** Per node id: deltas written by its current life. */
  public final Map<String, Map<String, List<Crdt<?>>>> writtenByLife = new LinkedHashMap<>();

  /** Sees every message delivered, for debugging a seed. */
  public java.util.function.Consumer<InFlight> trace = m -> {};
  private final PriorityQueue<InFlight> network =
      new PriorityQueue<>(Comparator.comparingLong(InFlight::deliverTick).thenComparingLong(InFlight::order));
  private long order;

  public record InFlight(long deliverTick, long order, String from, String to, Object message) {}

  public static final class Node {
    public final String id;
    public SwimCore swim;
    public AntiEntropyCore store;
    public int life;
    public final List<SwimCore.Event> events = new ArrayList<>();

    Node(String id) {
      this.id = id;
    }

    public boolean up() {
      return swim != null;
    }
  }

  public Simulation(long seed, int n, SwimConfig swimConfig, int antiEntropyTicks) {
    this.seed = seed;
    this.random = new Random(seed);
    this.swimConfig = swimConfig;
    this.antiEntropyTicks = antiEntropyTicks;
    for (int i = 1; i <= n; i++) {
      ids.add("n" + i);
    }
    for (String id : ids) {
      Node node = new Node(id);
      nodes.put(id, node);
      start(node);
    }
  }

  private void start(Node node) {
    node.life++;
    node.swim = new SwimCore(node.id, ids, 0, swimConfig, new Random(random.nextLong()));
    node.store = new AntiEntropyCore(node.id, node.id + "." + node.life, antiEntropyTicks,
        new AntiEntropyCore.Limits(1000, 100, 1000), new Random(random.nextLong()));
    writtenByLife.put(node.id, new LinkedHashMap<>());
  }

  public void crash(String id) {
    Node n = nodes.get(id);
    n.swim = null;
    n.store = null;
  }

  public void restart(String id) {
    start(nodes.get(id));
  }

  public void run(long ticks) {
    for (long i = 0; i < ticks; i++) {
      step();
    }
  }

  public void step() {
    tick++;
    while (!network.isEmpty() && network.peek().deliverTick() <= tick) {
      InFlight m = network.poll();
      Node to = nodes.get(m.to());
      if (!to.up()) {
        continue;
      }
      delivered++;
      trace.accept(m);
      if (m.message() instanceof SwimMessage s) {
        to.swim.receive(s);
      } else {
        to.store.receive((SyncMessage) m.message());
      }
      flush(to);
    }
    for (Node n : nodes.values()) {
      if (n.up()) {
        n.swim.tick();
        n.store.tick(n.swim.aliveOthers());
        flush(n);
      }
    }
  }

  private void flush(Node n) {
    n.events.addAll(n.swim.takeEvents());
    for (Outbound<SwimMessage> o : n.swim.takeOutbox()) {
      transmit(n.id, o.to(), o.message());
    }
    for (Outbound<SyncMessage> o : n.store.takeOutbox()) {
      transmit(n.id, o.to(), o.message());
    }
    n.store.takeDone();
  }

  private void transmit(String from, String to, Object message) {
    if (!nodes.containsKey(to)) {
      throw new AssertionError(from + " sent to unknown node " + to);
    }
    sent++;
    Fate fate = plan.decide(from, to, random);
    if (fate.isDropped()) {
      dropped++;
      if ("cut".equals(fate.dropReason())) {
        droppedByCut++;
      }
    }
    for (long delay : fate.delaysMs()) {
      network.add(new InFlight(tick + delay, order++, from, to, message));
    }
  }

  /**
   * Adds {@code amount} to counter {@code key} at {@code nodeId}; with {@code push} the delta goes
   * to every member it believes alive at once, without it only anti-entropy spreads it.
   */
  public void addToCounter(String nodeId, String key, long amount, boolean push) {
    Node n = nodes.get(nodeId);
    Versioned v = n.store.get(key);
    PNCounter c = v == null ? PNCounter.EMPTY : (PNCounter) v.data();
    Crdt<?> delta = c.addDelta(n.store.replicaId(), amount);
    n.store.write(++requestIds, key, delta, push ? n.swim.aliveOthers() : List.of(), 1, 20);
    written.computeIfAbsent(key, k -> new ArrayList<>()).add(delta);
    flush(n);
  }

  /** Whether every live replica holds the same state of {@code key}. */
  public boolean replicasAgreeOn(String key) {
    Versioned first = null;
    boolean seen = false;
    for (Node n : up()) {
      Versioned v = n.store.get(key);
      if (!seen) {
        first = v;
        seen = true;
      } else if (first == null ? v != null : !first.equals(v)) {
        return false;
      }
    }
    return true;
  }

  /** A random CRDT update at a random live node, replicated to the peers it believes alive. */
  public void randomWrite() {
    List<Node> up = nodes.values().stream().filter(Node::up).toList();
    if (up.isEmpty()) {
      return;
    }
    Node n = up.get(random.nextInt(up.size()));
    String key = KEYS[random.nextInt(KEYS.length)];
    String replica = n.store.replicaId();
    Versioned v = n.store.get(key);
    Crdt<?> delta;
    String element = "e" + random.nextInt(5);
    if (key.startsWith("counter/")) {
      PNCounter c = v == null ? PNCounter.EMPTY : (PNCounter) v.data();
      delta = c.addDelta(replica, random.nextInt(21) - 10);
    } else if (key.startsWith("set/")) {
      ORSet s = v == null ? ORSet.EMPTY : (ORSet) v.data();
      delta = random.nextInt(3) == 0 ? s.removeDelta(element) : s.addDelta(replica, element);
    } else {
      MVRegister r = v == null ? MVRegister.EMPTY : (MVRegister) v.data();
      delta = r.writeDelta(replica, element);
    }
    n.store.write(++requestIds, key, delta, n.swim.aliveOthers(), 1, 20);
    written.computeIfAbsent(key, k -> new ArrayList<>()).add(delta);
    writes.computeIfAbsent(key, k -> new ArrayList<>())
        .add(new Write(replica, n.store.get(key).version().get(replica), delta));
    writtenByLife.get(n.id).computeIfAbsent(key, k -> new ArrayList<>()).add(delta);
    flush(n);
  }

  /**
   * Writes the delta {@code update} makes from the current state of {@code key} (null when the
   * node holds none) at {@code nodeId}, replicated as {@link #randomWrite} does, and records it
   * for the checks: how a test brings its own CRDT type into the world.
   */
  public void write(String nodeId, String key, java.util.function.BiFunction<Crdt<?>, String, Crdt<?>> update) {
    Node n = nodes.get(nodeId);
    if (!keys.contains(key)) {
      keys.add(key);
    }
    String replica = n.store.replicaId();
    Versioned v = n.store.get(key);
    Crdt<?> delta = update.apply(v == null ? null : v.data(), replica);
    n.store.write(++requestIds, key, delta, n.swim.aliveOthers(), 1, 20);
    written.computeIfAbsent(key, k -> new ArrayList<>()).add(delta);
    writes.computeIfAbsent(key, k -> new ArrayList<>())
        .add(new Write(replica, n.store.get(key).version().get(replica), delta));
    writtenByLife.get(n.id).computeIfAbsent(key, k -> new ArrayList<>()).add(delta);
    flush(n);
  }

  public List<Node> up() {
    return nodes.values().stream().filter(Node::up).toList();
  }

  /** Whether every live node sees every live node alive and every crashed one not alive. */
  public boolean fullAliveView() {
    for (Node a : up()) {
      for (Node b : nodes.values()) {
        MemberStatus s = a.swim.status(b.id);
        if (b.up() && s != MemberStatus.ALIVE) {
          return false;
        }
      }
    }
    return true;
  }

  /** Whether every live node declared {@code id} dead. */
  public boolean allSeeDead(String id) {
    for (Node a : up()) {
      if (!a.id.equals(id) && a.swim.status(id) != MemberStatus.DEAD) {
        return false;
      }
    }
    return true;
  }

  /** Whether every live replica holds the same state of every key. */
  public boolean replicasAgree() {
    List<Node> up = up();
    for (String key : keys) {
      Versioned first = up.get(0).store.get(key);
      for (Node n : up) {
        Versioned v = n.store.get(key);
        if (first == null ? v != null : !first.equals(v)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The invariants, checked on every live node: a member never sees itself other than alive, and
   * each key's state is exactly the merge of the writes its version vector counts: the vector
   * never claims a write the state lacks, nor does the state hold one the vector does not count
   * (so equal vectors mean equal states, which anti-entropy relies on).
   */
  public void checkInvariants() {
    for (Node n : up()) {
      if (n.swim.status(n.id) != MemberStatus.ALIVE) {
        throw new AssertionError(n.id + " sees itself " + n.swim.status(n.id) + "\n" + describe());
      }
      for (String key : keys) {
        Versioned v = n.store.get(key);
        if (v == null) {
          continue;
        }
        List<Crdt<?>> counted = new ArrayList<>();
        for (Write w : writes.getOrDefault(key, List.of())) {
          if (w.seq() <= v.version().get(w.replica())) {
            counted.add(w.delta());
          }
        }
        Crdt<?> expected = mergeAll(counted);
        if (!v.data().equals(expected)) {
          throw new AssertionError(key + " at " + n.id + " holds " + v.data() + " but its version " + v.version()
              + " counts writes whose merge is " + expected + "\n" + describe());
        }
      }
    }
  }

  public static Crdt<?> mergeAll(List<Crdt<?>> deltas) {
    Crdt<?> acc = null;
    for (Crdt<?> d : deltas) {
      acc = acc == null ? d : Crdt.mergeAny(acc, d);
    }
    return acc;
  }

  /** Runs until {@code condition} holds; returns the ticks it took, or -1 after {@code limit}. */
  public long runUntil(long limit, java.util.function.BooleanSupplier condition) {
    long start = tick;
    while (tick - start < limit) {
      if (condition.getAsBoolean()) {
        return tick - start;
      }
      step();
    }
    return condition.getAsBoolean() ? tick - start : -1;
  }

  public String describe() {
    StringBuilder sb = new StringBuilder("seed " + seed + " tick " + tick + " plan " + plan + "\n");
    for (Node n : nodes.values()) {
      sb.append("  ").append(n.id).append(n.up() ? " up" : " down").append(" life ").append(n.life);
      if (n.up()) {
        sb.append(" inc ").append(n.swim.incarnation()).append(" view ");
        n.swim.members().forEach(m -> sb.append(m.id()).append('=').append(m.status().json())
            .append('/').append(m.incarnation()).append(' '));
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
