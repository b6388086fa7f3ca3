package clusternode.node.bench;

import clusternode.node.check.watch.SseConnection;
import clusternode.node.check.watch.SseParser;
import clusternode.node.check.watch.WatchEvent;
import clusternode.node.ctl.NodeClient;
import clusternode.protocols.peers.Peer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;

/**
 * {@code bench --workload watch-fanout}: N watchers on one prefix, spread over the nodes, and one
 * writer putting to that prefix at a steady pace; for each write, the time from the writer's
 * answer to the last watcher's event ({@link FanoutLatency}). A watcher whose stream breaks fails
 * the run: this measures fan-out, not recovery.
 */
final class WatchFanout {
  /** One write every this often: steady, well under what the cluster takes, so the figure is latency. */
  static final long WRITE_EVERY_MS = 20;

  record Result(int watchers, long writes, FanoutLatency latency, String firstError) {}

  private final List<Peer> nodes;
  private final NodeClient http;
  private final SSLContext tls;

  WatchFanout(List<Peer> nodes, NodeClient http, SSLContext tls) {
    this.nodes = List.copyOf(nodes);
    this.http = http;
    this.tls = tls;
  }

  Result run(int watchers, Duration duration) throws IOException, InterruptedException {
    String prefix = "bench-fanout-" + Long.toString(System.currentTimeMillis(), 36) + "/";
    long from = revisionNow(prefix) + 1;
    int maxWrites = (int) Math.min(1_000_000, duration.toMillis() / WRITE_EVERY_MS + 1);
    FanoutLatency latency = new FanoutLatency(watchers, maxWrites);
    AtomicReference<String> firstError = new AtomicReference<>();
    CountDownLatch connected = new CountDownLatch(watchers);
    List<SseConnection> streams = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    try {
      for (int w = 0; w < watchers; w++) {
        Peer p = nodes.get(w % nodes.size());
        SseConnection c = SseConnection.open(p.host(), p.httpPort(), tls, "/watch?prefix=" + encoded(prefix)
            + "&fromRevision=" + from, 5_000, 30_000);
        if (c.status() != 200) {
          throw new IOException("watch on " + p.id() + " refused: " + c.status() + " " + c.errorBody());
        }
        streams.add(c);
        Thread t = new Thread(() -> follow(c, prefix, latency, firstError), "bench-watcher-" + w);
        t.setDaemon(true);
        threads.add(t);
        t.start();
        connected.countDown();
      }
      if (!connected.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("not every watcher connected within 60 s");
      }
      long writes = write(prefix, duration, latency, firstError);
      awaitComplete(latency, writes, Duration.ofSeconds(10));
      return new Result(watchers, writes, latency, firstError.get());
    } finally {
      streams.forEach(SseConnection::close);
      for (Thread t : threads) {
        t.join(2_000);
      }
    }
  }

  private void follow(SseConnection c, String prefix, FanoutLatency latency, AtomicReference<String> firstError) {
    SseParser.Message other = null;
    try {
      while (true) {
        SseParser.Message m = c.next();
        long now = System.nanoTime();
        var change = WatchEvent.parse(m.data());
        change.filter(e -> e.key().startsWith(prefix) && e.value() != null)
            .ifPresent(e -> latency.received(writeIndex(e.value()), now));
        if (change.isEmpty()) {
          other = m; // a cancellation says why the stream ends
        }
      }
    } catch (IOException e) {
      // also how close() ends it, after the figures were taken
      firstError.compareAndSet(null, "a watcher's stream ended: " + e.getMessage()
          + (other == null ? "" : "; last message: " + other.event() + " " + other.data()));
    }
  }

  /** A key or prefix inside a URL: its "/" must not split the path (the node would answer 404). */
  static String encoded(String key) {
    return java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The value of write i is "i", so a watcher knows which write an event is. */
  static int writeIndex(String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private long write(String prefix, Duration duration, FanoutLatency latency, AtomicReference<String> firstError)
      throws InterruptedException {
    long end = System.nanoTime() + duration.toNanos();
    int i = 0;
    long next = System.nanoTime();
    while (System.nanoTime() < end && i < latency.capacity()) {
      Peer p = nodes.get(i % nodes.size());
      latency.sent(i, System.nanoTime());
      try {
        NodeClient.Answer a = http.send(p, "/kv/" + encoded(prefix + "k" + (i % 16)), "PUT", Integer.toString(i));
        if (a.status() != 200) {
          firstError.compareAndSet(null, "write " + i + ": " + a.status() + " " + a.body());
        } else {
          latency.answered(i, System.nanoTime());
        }
      } catch (IOException e) {
        firstError.compareAndSet(null, "write " + i + ": " + e);
      }
      i++;
      next += WRITE_EVERY_MS * 1_000_000;
      long waitNs = next - System.nanoTime();
      if (waitNs > 0) {
        TimeUnit.NANOSECONDS.sleep(waitNs); // pacing the writer, not waiting for a condition
      }
    }
    return i;
  }

  private static void awaitComplete(FanoutLatency latency, long writes, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (latency.complete() < writes && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  /**
   * Writes a first key of the prefix and answers its revision: the watchers start right after it.
   * A read of the store's revision is not enough: it names the last change, and log entries that
   * change nothing (keepalives, lease ticks: 23,000 after a lease-keepalive bench) move the
   * compaction point past it, so every watcher started there was cancelled as compacted at the
   * first write.
   */
  private long revisionNow(String prefix) throws IOException {
    IOException last = null;
    for (Peer p : nodes) {
      try {
        NodeClient.Answer a = http.send(p, "/kv/" + encoded(prefix + "start"), "PUT", "start");
        if (a.status() == 200 && a.json().path("revision").asLong(0) > 0) {
          return a.json().path("revision").asLong();
        }
      } catch (IOException | RuntimeException e) {
        last = e instanceof IOException io ? io : new IOException(e);
      }
    }
    throw new IOException("no node took the first write of " + prefix + " with a revision", last);
  }
}
