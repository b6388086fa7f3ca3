package clusternode.node.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.ctl.NodeClient;
import clusternode.protocols.peers.Peer;
import clusternode.protocols.testing.TestPorts;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Five real Raft node JVMs: partitions 2|3, 1|4 and 3|2 (the minority never commits nor answers a
 * linearizable read), kill -9 of the leader, kill -9 of every node and a restart; every
 * acknowledged write survives, no refused write appears, the minority's commit index stands still,
 * and no term ever has two leaders (a poller reads every node's /health/consensus every 50 ms for
 * the whole test). Gossip runs beside Raft: the killed node is suspected, then declared dead, and
 * rejoins alive with a higher incarnation.
 */
class RaftClusterIT {
  private static final List<String> IDS = List.of("n1", "n2", "n3", "n4", "n5");
  private static final Map<String, Peer> NODES = new LinkedHashMap<>();
  private static final NodeClient http = new NodeClient(null, Duration.ofSeconds(8));
  /** Every leader any node reported, per term: the split-brain check. */
  private static final Map<Long, Set<String>> leadersByTerm = new ConcurrentHashMap<>();
  /** Answers the background pollers got from /health/consensus, and how many of them said leader. */
  private static final AtomicLong historyPolls = new AtomicLong();
  private static final AtomicLong historyLeaderSamples = new AtomicLong();
  private static final List<Thread> historyPollers = new ArrayList<>();
  private static volatile boolean historyChecked;
  private static LauncherProcess launcher;
  private static Path conf;

  static {
    for (int i = 0; i < IDS.size(); i++) {
      NODES.put(IDS.get(i), new Peer(IDS.get(i), "127.0.0.1", TestPorts.port(27561 + i), TestPorts.port(28091 + i)));
    }
  }

  @BeforeAll
  static void up() throws Exception {
    launcher = new LauncherProcess(Files.createTempDirectory(Path.of("target"), "it-raft-"), IDS);
    conf = TestPorts.deployment(Path.of("src/test/resources/it-raft-5.conf"));
    LauncherProcess.Result up = launcher.run("up", "--config", conf.toString());
    assertEquals(0, up.exitCode(), up.output());
    for (String id : IDS) {
      Thread poller = new Thread(() -> pollLeaderHistory(id), "leader-history-" + id);
      poller.setDaemon(true);
      poller.start();
      historyPollers.add(poller);
    }
  }

  /**
   * Every ~50 ms for the whole test, node {@code id}'s {@code /health/consensus} (one thread per
   * node, so a slow node does not thin out the others' samples): which term it leads, if any. A
   * leader lives at least a heartbeat, so two leaders of one term are caught here even when the
   * test's own look-ups fall between them.
   */
  private static void pollLeaderHistory(String id) {
    NodeClient quick = new NodeClient(null, Duration.ofMillis(500));
    while (!Thread.currentThread().isInterrupted()) {
      try {
        NodeClient.Answer a = quick.get(NODES.get(id), "/health/consensus");
        historyPolls.incrementAndGet();
        if (a.ok() && a.json().path("role").asText().equals("leader")) {
          historyLeaderSamples.incrementAndGet();
          leadersByTerm.computeIfAbsent(a.json().path("term").asLong(), t -> ConcurrentHashMap.newKeySet()).add(id);
        }
      } catch (IOException | RuntimeException e) {
        // down or restarting: nothing to record
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops the pollers and checks their history: never two leaders in one term (Raft §5.2, Election Safety). */
  private static void checkLeaderHistory() throws InterruptedException {
    for (Thread poller : historyPollers) {
      poller.interrupt();
      poller.join(5_000);
    }
    if (!historyChecked) {
      historyChecked = true;
      System.out.printf("leader history: %d answers of /health/consensus from %d nodes, %d said leader, terms with a leader: %s%n",
          historyPolls.get(), IDS.size(), historyLeaderSamples.get(), new TreeMap<>(leadersByTerm));
    }
    for (Map.Entry<Long, Set<String>> e : leadersByTerm.entrySet()) {
      assertTrue(e.getValue().size() <= 1, "two leaders in term " + e.getKey() + ": " + e.getValue());
    }
  }

  @AfterAll
  static void down() throws Exception {
    try {
      LauncherProcess.Result down = launcher.run("down");
      assertEquals(0, down.exitCode(), down.output());
    } finally {
      launcher.killAllSeen();
    }
    checkLeaderHistory();
  }

  /** Each node's consensus view; records leaders per term on the way. */
  private static Map<String, JsonNode> consensus(List<String> ids) {
    Map<String, JsonNode> out = new HashMap<>();
    for (String id : ids) {
      try {
        NodeClient.Answer a = http.get(NODES.get(id), "/health/consensus");
        if (a.ok()) {
          JsonNode j = a.json();
          out.put(id, j);
          if (j.path("role").asText().equals("leader")) {
            leadersByTerm.computeIfAbsent(j.path("term").asLong(), t -> ConcurrentHashMap.newKeySet()).add(id);
          }
        }
      } catch (IOException | RuntimeException e) {
        // down, or partitioned from nothing (HTTP is not subject to faults): skip
      }
    }
    return out;
  }

  private static Optional<String> leaderAmong(List<String> ids) {
    List<String> leaders = consensus(ids).entrySet().stream()
        .filter(e -> e.getValue().path("role").asText().equals("leader")).map(Map.Entry::getKey).toList();
    return leaders.size() == 1 ? Optional.of(leaders.get(0)) : Optional.empty();
  }

  private static String awaitLeader(List<String> among, Duration within) throws InterruptedException {
    await("a single leader among " + among, within, () -> leaderAmong(among).isPresent());
    return leaderAmong(among).orElseThrow();
  }

  private static NodeClient.Answer put(String via, String key, String value) throws IOException {
    return http.send(NODES.get(via), "/kv/" + key, "PUT", value);
  }

  private static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within.toSeconds() + " s: " + what);
      }
      Thread.sleep(100);
    }
  }

  /** Writes until one is acknowledged through any of {@code via}; returns the key. */
  private static void putAcknowledged(List<String> via, String key, String value, Map<String, String> acknowledged)
      throws InterruptedException {
    await("write " + key + " acknowledged", Duration.ofSeconds(30), () -> {
      for (String id : via) {
        try {
          if (put(id, key, value).ok()) {
            acknowledged.put(key, value);
            return true;
          }
        } catch (IOException e) {
          // try the next node
        }
      }
      return false;
    });
  }

  @Test
  void partitionsKillsAndAFullRestartLoseNoAcknowledgedWrite() throws Exception {
    Map<String, String> acknowledged = new LinkedHashMap<>();
    String leader = awaitLeader(IDS, Duration.ofSeconds(30));
    for (int i = 0; i < 20; i++) {
      putAcknowledged(IDS, "before-" + i, "v" + i, acknowledged);
    }

    // Partitions 2|3 (leader in the minority), 1|4 (leader alone) and 3|2 (leader in the majority).
    List<String> minorityWrites = new ArrayList<>();
    for (int[] shape : new int[][] {{2, 3}, {1, 4}, {3, 2}}) {
      String current = awaitLeader(IDS, Duration.ofSeconds(20));
      List<String> others = IDS.stream().filter(id -> !id.equals(current)).toList();
      List<String> leaderSide = new ArrayList<>(List.of(current));
      leaderSide.addAll(others.subList(0, shape[0] - 1));
      List<String> otherSide = IDS.stream().filter(id -> !leaderSide.contains(id)).toList();
      List<String> minority = leaderSide.size() < otherSide.size() ? leaderSide : otherSide;
      List<String> majority = leaderSide.size() < otherSide.size() ? otherSide : leaderSide;
      LauncherProcess.Result cut = launcher.run("partition", String.join(",", leaderSide), String.join(",", otherSide));
      assertEquals(0, cut.exitCode(), cut.output());
      for (String id : minority) {
        String key = "minority-" + shape[0] + "-" + id;
        minorityWrites.add(key);
        NodeClient.Answer w = put(id, key, "x");
        assertEquals(503, w.status(), shape[0] + "|" + shape[1] + ": the minority committed via " + id + ": " + w.body());
        NodeClient.Answer r = http.get(NODES.get(id), "/kv/before-0");
        assertEquals(503, r.status(), shape[0] + "|" + shape[1] + ": the minority answered a linearizable read via "
            + id + ": " + r.body());
      }
      // Taken after the refused writes, so nothing sent before the cut is still on its way.
      Map<String, Long> minorityCommit = commitIndexes(minority);
      String majorityLeader = awaitLeader(majority, Duration.ofSeconds(20));
      assertTrue(majority.contains(majorityLeader));
      for (int i = 0; i < 5; i++) {
        putAcknowledged(majority, "during-" + shape[0] + "-" + i, "v" + i, acknowledged);
      }
      assertEquals(minorityCommit, commitIndexes(minority), shape[0] + "|" + shape[1]
          + ": the minority's commitIndex moved during the partition while the majority committed 5 writes");
      consensus(IDS);
      LauncherProcess.Result heal = launcher.run("heal");
      assertEquals(0, heal.exitCode(), heal.output());
    }

    // kill -9 the leader: a new one is elected and writes resume.
    String current = awaitLeader(IDS, Duration.ofSeconds(20));
    long incarnation = gossipView(IDS.stream().filter(id -> !id.equals(current)).findFirst().orElseThrow())
        .get(current).path("incarnation").asLong();
    assertEquals(0, launcher.run("kill", current).exitCode());
    List<String> watchers = IDS.stream().filter(id -> !id.equals(current)).toList();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    long killedAt = System.nanoTime();
    long[] deadAfterMs = {-1};
    Thread gossipWatch = new Thread(() -> {
      // SWIM: watch the survivors' view from the kill on, so the short suspect phase is not missed.
      while (System.nanoTime() - killedAt < Duration.ofSeconds(60).toNanos()) {
        boolean allDead = true;
        for (String id : watchers) {
          String status = gossipView(id).path(current).path("status").asText("");
          seen.add(status);
          allDead &= status.equals("dead");
        }
        if (allDead) {
          deadAfterMs[0] = (System.nanoTime() - killedAt) / 1_000_000;
          return;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    gossipWatch.start();
    List<String> survivors = IDS.stream().filter(id -> !id.equals(current)).toList();
    awaitLeader(survivors, Duration.ofSeconds(20));
    for (int i = 0; i < 10; i++) {
      putAcknowledged(survivors, "after-kill-" + i, "v" + i, acknowledged);
    }
    // Gossip (SWIM): the survivors suspect the killed node, then declare it dead; restarted, it
    // rejoins alive with a higher incarnation.
    gossipWatch.join(60_000);
    assertTrue(deadAfterMs[0] >= 0, "the survivors did not all declare " + current + " dead within 60 s; saw " + seen);
    assertTrue(seen.contains("suspect"), "no suspicion before death, saw " + seen);
    // The configured bound with the defaults and 5 members: a probe round reaches it within
    // 5 x 1 s, then at most suspicion-mult 4 x max(1, log10 5) x 1 s x suspicion-max-mult 3 = 12 s
    // of suspicion, plus a few gossip rounds to tell everyone: about 18 s; 30 s leaves room for load.
    assertTrue(deadAfterMs[0] <= 30_000, current + " declared dead by all only after " + deadAfterMs[0] + " ms");
    assertEquals(0, launcher.run("start", current).exitCode());
    await(current + " alive again with a higher incarnation everywhere", Duration.ofSeconds(30), () -> IDS.stream()
        .allMatch(id -> {
          JsonNode m = gossipView(id).path(current);
          return m.path("status").asText("").equals("alive") && m.path("incarnation").asLong(-1) > incarnation;
        }));

    // kill -9 every node, then start them all: every acknowledged write is still there.
    for (String id : IDS) {
      assertEquals(0, launcher.run("kill", id).exitCode());
    }
    LauncherProcess.Result again = launcher.run("up", "--config", conf.toString());
    assertEquals(0, again.exitCode(), again.output());
    awaitLeader(IDS, Duration.ofSeconds(30));
    Set<String> missing = new HashSet<>();
    for (Map.Entry<String, String> w : acknowledged.entrySet()) {
      NodeClient.Answer r = readLinearizable(w.getKey());
      if (r.status() != 200 || !r.body().equals(w.getValue())) {
        missing.add(w.getKey() + " -> " + r.status() + " " + r.body());
      }
    }
    assertTrue(missing.isEmpty(), "acknowledged writes lost after a full restart: " + missing);
    for (String key : minorityWrites) {
      assertEquals(404, readLinearizable(key).status(), "a refused minority write appeared: " + key);
    }
    checkLeaderHistory();
    assertTrue(historyPolls.get() > 1000, "the leader history took only " + historyPolls.get() + " samples");
    assertTrue(leadersByTerm.size() >= 4, "the history saw leaders in only " + leadersByTerm.size()
        + " terms across 3 partitions, a kill and a restart: " + leadersByTerm);
  }

  /** Each node's commitIndex from its /health/consensus; every one of {@code ids} must answer. */
  private static Map<String, Long> commitIndexes(List<String> ids) {
    Map<String, JsonNode> views = consensus(ids);
    assertEquals(Set.copyOf(ids), views.keySet(), "not every node of " + ids + " answered /health/consensus");
    Map<String, Long> out = new TreeMap<>();
    views.forEach((id, j) -> out.put(id, j.path("commitIndex").asLong()));
    return out;
  }

  /** One node's gossip membership, by member id; empty when it does not answer. */
  private static JsonNode gossipView(String id) {
    com.fasterxml.jackson.databind.node.ObjectNode byId = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
        .objectNode();
    try {
      http.get(NODES.get(id), "/gossip/members").json().path("members").forEach(m -> byId.set(m.path("id").asText(), m));
    } catch (IOException | RuntimeException e) {
      // down: nothing known
    }
    return byId;
  }

  private static NodeClient.Answer readLinearizable(String key) throws InterruptedException {
    NodeClient.Answer[] last = new NodeClient.Answer[1];
    await("a linearizable read of " + key, Duration.ofSeconds(20), () -> {
      for (String id : IDS) {
        try {
          NodeClient.Answer a = http.get(NODES.get(id), "/kv/" + key);
          if (a.status() != 503) {
            last[0] = a;
            return true;
          }
        } catch (IOException e) {
          // next
        }
      }
      return false;
    });
    return last[0];
  }
}
