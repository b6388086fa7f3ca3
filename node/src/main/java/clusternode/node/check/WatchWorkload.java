package clusternode.node.check;

import clusternode.node.check.watch.WatchHistory;
import clusternode.node.check.watch.WatchOps;
import clusternode.node.check.watch.Watcher;
import clusternode.node.ctl.NodeClient;
import clusternode.protocols.peers.Peer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Writers put (unique values) and delete a few keys under a prefix of this run through random
 * nodes; watchers follow the prefix from the revision the run began at, each reconnecting to
 * another node from the last revision it saw plus one whenever its stream breaks. After the heal
 * every watcher must catch up with the last committed change, a reference watch from the first
 * revision is read on a healthy node, and the prefix is read at the reference's revision:
 * {@link clusternode.node.check.watch.WatchCheck} judges it all from the history.
 */
final class WatchWorkload implements Workload {
  static final int KEYS = 8;
  /** How long a stream may stay silent before its watcher tries another node (writers write every few ms). */
  static final int IDLE_MS = 5_000;
  /** After the heal, how long watchers (and the reference) may take to deliver the last committed change. */
  static final Duration CATCH_UP_WITHIN = Duration.ofSeconds(30);
  private static final Duration FINAL_READ_WITHIN = Duration.ofSeconds(60);

  private final Nodes nodes;
  private final SSLContext tls;
  private final String prefix;
  private final int firstWatcher;
  private final int watcherCount;
  private final List<Watcher> watchers = new ArrayList<>();
  private long startRevision;

  /**
   * @param firstWatcher the client number of the first watcher (after the writers), so its
   *     process is {@code c<firstWatcher>} and the report counts it among the clients
   */
  WatchWorkload(Nodes nodes, SSLContext tls, String runTag, int firstWatcher, int watcherCount) {
    if (watcherCount < 1) {
      throw new IllegalArgumentException("the watch workload needs at least one watcher");
    }
    this.nodes = nodes;
    this.tls = tls;
    this.prefix = "watch-" + runTag + "/";
    this.firstWatcher = firstWatcher;
    this.watcherCount = watcherCount;
  }

  @Override
  public String name() {
    return "watch";
  }

  /** Reads where the prefix stands (it is new: empty), and starts the watchers from the next revision. */
  @Override
  public void setup(History history) throws Exception {
    Event range = readRange(history, WatchOps.SETUP, "", nodes.peers());
    if (range == null) {
      throw new IllegalStateException("no node answered GET /kv?prefix=" + prefix + " within "
          + FINAL_READ_WITHIN.toSeconds() + " s; the watch workload needs the revision to start at");
    }
    startRevision = revisionOf(range.result());
    for (int i = 0; i < watcherCount; i++) {
      Watcher w = new Watcher("c" + (firstWatcher + i), prefix, startRevision + 1, nodes.peers(), i, tls, history,
          IDLE_MS);
      watchers.add(w);
      w.start();
    }
  }

  @Override
  public Steps client(Client client) {
    return () -> {
      String key = prefix + "k" + client.random().nextInt(KEYS);
      if (client.random().nextInt(5) == 0) {
        client.call(Op.send(WatchOps.DELETE, key, null, "DELETE", "/kv/" + inPath(key), null), WatchWorkload::deleted);
      } else {
        String value = client.unique();
        client.call(Op.send(WatchOps.PUT, key, value, "PUT", "/kv/" + inPath(key), value), WatchWorkload::put);
      }
    };
  }

  /**
   * After the heal: the last committed change of the prefix (from the acknowledged writes and a
   * read of the prefix now) is the target every watcher must reach; then a reference watch from
   * the first revision on a healthy node, and the prefix read at the revision the reference reached.
   */
  @Override
  public List<String> finish(History history, List<Peer> live) throws Exception {
    List<String> problems = new ArrayList<>();
    long target = lastCommittedRevision(history, live);
    // one deadline for all: they catch up at once, each on its own thread
    long deadline = System.nanoTime() + CATCH_UP_WITHIN.toNanos();
    boolean[] reached = new boolean[watchers.size()];
    for (int i = 0; i < watchers.size(); i++) {
      reached[i] = watchers.get(i).awaitVouched(target, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
    for (Watcher w : watchers) {
      w.stop();
    }
    for (int i = 0; i < watchers.size(); i++) {
      watchers.get(i).recordCatchUp(target, CATCH_UP_WITHIN, reached[i]);
    }
    Watcher reference = new Watcher(WatchOps.REFERENCE, prefix, startRevision + 1, live, 0, tls, history, IDLE_MS);
    reference.start();
    reference.catchUp(target, CATCH_UP_WITHIN);
    if (reference.vouched() > startRevision) {
      Event range = readRange(history, "final", "&revision=" + reference.vouched(), live);
      if (range == null) {
        problems.add("the prefix could not be read at revision " + reference.vouched() + " after the heal");
      }
    }
    return problems;
  }

  /** The highest revision an acknowledged write or a live key of the prefix was committed at. */
  private long lastCommittedRevision(History history, List<Peer> live) {
    long target = startRevision;
    for (WatchHistory.Write w : WatchHistory.of(history.operations()).writes()) {
      target = Math.max(target, w.revision());
    }
    NodeClient http = nodes.client();
    long deadline = System.nanoTime() + FINAL_READ_WITHIN.toNanos();
    for (int i = 0; System.nanoTime() < deadline; i++) {
      try {
        NodeClient.Answer a = http.get(live.get(i % live.size()), "/kv?prefix=" + encoded());
        if (a.status() == 200) {
          for (var kv : a.json().path("kvs")) {
            target = Math.max(target, kv.path("modRevision").asLong(0));
          }
          return target;
        }
      } catch (IOException | RuntimeException e) {
        // that node is not answering yet: the next one
      }
      Ops.sleep(200);
    }
    return target;
  }

  /** A recorded range read, retried on every node in turn until one answers 200; null if none did in time. */
  private Event readRange(History history, String process, String query, List<Peer> peers) {
    NodeClient http = nodes.client();
    long deadline = System.nanoTime() + FINAL_READ_WITHIN.toNanos();
    for (int i = 0; System.nanoTime() < deadline; i++) {
      Op op = Op.get(WatchOps.RANGE, prefix, "/kv?prefix=" + encoded() + query);
      Event done = Ops.run(history, http, process, peers.get(i % peers.size()), op, WatchWorkload::ranged);
      if (done.type().equals(Event.OK)) {
        return done;
      }
      Ops.sleep(200);
    }
    return null;
  }

  /** A key as one path segment: its "/" must not split it (the node would answer 404 for no such route). */
  static String inPath(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8);
  }

  private String encoded() {
    return URLEncoder.encode(prefix, StandardCharsets.UTF_8);
  }

  private static long revisionOf(String json) {
    try {
      return clusternode.protocols.http.Json.MAPPER.readTree(json).path("revision").asLong(0);
    } catch (IOException e) {
      return 0;
    }
  }

  private static Event ranged(Event in, NodeClient.Answer a, long at) {
    return a.status() == 200 ? in.complete(Event.OK, a.body(), null, at) : Ops.unknown(in, a, at);
  }

  /**
   * 200: committed at the revision the answer names. Any 4xx: refused, nothing applied. Anything
   * else (503, a timeout): unknown.
   */
  static Event put(Event in, NodeClient.Answer a, long at) {
    if (a.status() == 200 || a.status() == 201) {
      return in.complete(Event.OK, revision(a), null, at);
    }
    return a.status() / 100 == 4 ? in.complete(Event.FAIL, null, "status " + a.status() + " " + a.body(), at)
        : Ops.unknown(in, a, at);
  }

  /**
   * As {@link #put}; a delete of an absent key (the node's 404 "no such key", or {@code deleted:
   * false}) changed nothing. Any other 404 (no such route) is a refusal like other 4xx.
   */
  static Event deleted(Event in, NodeClient.Answer a, long at) {
    if (a.status() == 404 && a.body().contains("no such key") || a.status() == 200 && !deletedSomething(a)) {
      return in.complete(Event.OK, WatchOps.NO_CHANGE, null, at);
    }
    return put(in, a, at);
  }

  private static boolean deletedSomething(NodeClient.Answer a) {
    try {
      return a.json().path("deleted").asBoolean(true);
    } catch (RuntimeException e) {
      return true; // not JSON: the answer does not say; assume it changed something
    }
  }

  /** The answer's {@code revision}, or null when it names none (the checker then judges by the reference). */
  private static String revision(NodeClient.Answer a) {
    try {
      long r = a.json().path("revision").asLong(0);
      return r > 0 ? Long.toString(r) : null;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
