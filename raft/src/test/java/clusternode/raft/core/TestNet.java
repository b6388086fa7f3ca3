package clusternode.raft.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A scripted network for rule-by-rule tests, where the test itself is the network (etcd's
 * interaction tests): messages queue up until the test delivers, drops or inspects them. Ready is
 * handled like a synchronous shell: persist (kept as the node's "disk"), send, apply, advance.
 */
final class TestNet {
  final Map<String, RaftCore> cores = new TreeMap<>();
  final Map<String, List<Entry>> applied = new TreeMap<>();
  final Map<String, List<ReadState>> readStates = new TreeMap<>();
  final Map<String, List<RejectedRead>> rejectedReads = new TreeMap<>();
  final Map<String, List<Snapshot>> installed = new TreeMap<>();
  final Map<String, Disk> disks = new TreeMap<>();
  final List<RaftMessage> queue = new ArrayList<>();
  private final Set<String> isolated = new HashSet<>();
  private final RaftConfig config;

  /** What a node durably wrote, enough to restart it. */
  static final class Disk {
    HardState hardState = HardState.EMPTY;
    Snapshot snapshot;
    final List<Entry> entries = new ArrayList<>();

    RecoveredState recovered() {
      return new RecoveredState(hardState, snapshot, List.copyOf(entries));
    }
  }

  TestNet(RaftConfig config, String... ids) {
    this.config = config;
    for (String id : ids) {
      add(id, config, RecoveredState.empty());
    }
  }

  /** A 3- or 5-node cluster with fixed, easy-to-reason-about timeouts and no optional features. */
  static RaftConfig plainConfig(String... ids) {
    return RaftConfig.defaults(List.of(ids)).withTimeouts(10, 20, 2).withFlags(false, false, false);
  }

  void add(String id, RaftConfig cfg, RecoveredState rs) {
    cores.put(id, new RaftCore(cfg, id, rs, new Random(id.hashCode())));
    applied.putIfAbsent(id, new ArrayList<>());
    readStates.putIfAbsent(id, new ArrayList<>());
    rejectedReads.putIfAbsent(id, new ArrayList<>());
    installed.putIfAbsent(id, new ArrayList<>());
    Disk d = new Disk();
    d.hardState = rs.hardState();
    d.snapshot = rs.snapshot();
    d.entries.addAll(rs.entries());
    disks.put(id, d);
  }

  RaftConfig config() {
    return config;
  }

  RaftCore core(String id) {
    return cores.get(id);
  }

  /** Handles every pending Ready of every node; their messages join the queue. */
  void collect() {
    for (String id : cores.keySet()) {
      collect(id);
    }
  }

  void collect(String id) {
    RaftCore c = cores.get(id);
    while (c.hasReady()) {
      Ready rd = c.ready();
      persist(disks.get(id), rd);
      queue.addAll(rd.allMessages());
      if (rd.installedSnapshot() != null) {
        installed.get(id).add(rd.installedSnapshot());
      }
      applied.get(id).addAll(rd.committedEntries());
      readStates.get(id).addAll(rd.readStates());
      rejectedReads.get(id).addAll(rd.rejectedReads());
      c.advance(rd);
    }
  }

  private static void persist(Disk d, Ready rd) {
    if (rd.hardState() != null) {
      d.hardState = rd.hardState();
    }
    if (rd.installedSnapshot() != null) {
      d.snapshot = rd.installedSnapshot();
      d.entries.clear();
    }
    if (rd.compactedSnapshot() != null) {
      d.snapshot = rd.compactedSnapshot();
      d.entries.removeIf(e -> e.index() <= rd.compactedSnapshot().index());
    }
    if (rd.truncateFromIndex() > 0) {
      d.entries.removeIf(e -> e.index() >= rd.truncateFromIndex());
    }
    d.entries.addAll(rd.entriesToPersist());
  }

  /** Takes the queued messages (after collecting), leaving the queue empty. */
  List<RaftMessage> take() {
    collect();
    List<RaftMessage> out = new ArrayList<>(queue);
    queue.clear();
    return out;
  }

  <T extends RaftMessage> List<T> take(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (RaftMessage m : take()) {
      if (type.isInstance(m)) {
        out.add(type.cast(m));
      }
    }
    return out;
  }

  void deliver(RaftMessage m) {
    if (isolated.contains(m.from()) || isolated.contains(m.to()) || !cores.containsKey(m.to())) {
      return;
    }
    cores.get(m.to()).step(m);
    collect(m.to());
  }

  /** Delivers messages until none are left (bounded); returns how many were delivered. */
  int stabilize() {
    return stabilize(m -> true);
  }

  int stabilize(Predicate<RaftMessage> allow) {
    int delivered = 0;
    for (int round = 0; round < 1000; round++) {
      List<RaftMessage> batch = take();
      if (batch.isEmpty()) {
        return delivered;
      }
      for (RaftMessage m : batch) {
        if (allow.test(m)) {
          deliver(m);
          delivered++;
        }
      }
    }
    throw new AssertionError("network did not settle");
  }

  void isolate(String id) {
    isolated.add(id);
  }

  void heal() {
    isolated.clear();
  }

  /** Makes {@code id} campaign now and delivers everything: it wins if it can. */
  void elect(String id) {
    cores.get(id).campaign();
    stabilize();
  }

  /** Ticks every node {@code n} times, delivering all messages after each tick. */
  void tickAll(int n) {
    for (int i = 0; i < n; i++) {
      for (RaftCore c : cores.values()) {
        c.tick();
      }
      stabilize();
    }
  }

  void tick(String id, int n) {
    for (int i = 0; i < n; i++) {
      cores.get(id).tick();
    }
    collect(id);
  }

  Proposal propose(String id, String command) {
    Proposal p = cores.get(id).propose(command.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    collect(id);
    return p;
  }

  /** Restarts a node from its disk only. */
  void restart(String id) {
    queue.removeIf(m -> m.to().equals(id) || m.from().equals(id));
    Disk d = disks.get(id);
    cores.put(id, new RaftCore(config, id, d.recovered(), new Random(id.hashCode() + 1)));
    applied.put(id, new ArrayList<>());
  }

  List<String> appliedCommands(String id) {
    List<String> out = new ArrayList<>();
    for (Entry e : applied.get(id)) {
      if (e.type() == EntryType.COMMAND) {
        out.add(new String(e.data(), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  String leader() {
    String found = null;
    for (RaftCore c : cores.values()) {
      if (c.role() == Role.LEADER && (found == null || c.term() > cores.get(found).term())) {
        found = c.id();
      }
    }
    return found;
  }
}
