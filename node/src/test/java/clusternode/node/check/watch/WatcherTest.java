package clusternode.node.check.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.check.Event;
import clusternode.node.check.History;
import clusternode.protocols.peers.Peer;
import clusternode.protocols.testing.TestPorts;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A watcher against two fake nodes: the first streams revisions 5 and 6 and drops the connection
 * (a killed node); the watcher must resume on the second from revision 7, and its history must
 * pass the checker. A node that answers 410 makes it stop instead of skipping ahead.
 */
class WatcherTest {
  private final CountDownLatch release = new CountDownLatch(1);
  private final Map<String, String> askedFrom = new ConcurrentHashMap<>();
  private HttpServer first;
  private HttpServer second;

  private static String change(String key, String value, long revision) {
    return "id: " + revision + "\ndata: {\"type\":\"put\",\"key\":\"" + key + "\",\"value\":\"" + value
        + "\",\"modRevision\":" + revision + "}\n\n";
  }

  private HttpServer node(String id, String body, boolean holdOpen, int status) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", TestPorts.next()), 0);
    s.createContext("/watch", exchange -> {
      askedFrom.merge(id, exchange.getRequestURI().getQuery(), (a, b) -> a + " | " + b);
      exchange.sendResponseHeaders(status, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body.getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (holdOpen) {
          release.await(20, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    s.start();
    return s;
  }

  private static Peer peer(String id, HttpServer s) {
    return new Peer(id, "127.0.0.1", 1, s.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (first != null) {
      first.stop(0);
    }
    if (second != null) {
      second.stop(0);
    }
  }

  @Test
  void resumesOnAnotherNodeFromTheLastRevisionPlusOne() throws Exception {
    first = node("n1", change("w/a", "c0-0", 5) + change("w/b", "c0-1", 6), false, 200);
    second = node("n2", ": progress soon\n\n" + change("w/a", "c0-2", 7), true, 200);
    History history = History.inMemory();
    for (String[] w : new String[][] {{"w/a", "c0-0", "5"}, {"w/b", "c0-1", "6"}, {"w/a", "c0-2", "7"}}) {
      Event in = history.append(Event.invoke("c0", WatchOps.PUT, w[0], w[1], null, "n1", history.nowNs()));
      history.append(in.complete(Event.OK, w[2], null, history.nowNs()));
    }
    Watcher watcher = new Watcher("c5", "w/", 5, List.of(peer("n1", first), peer("n2", second)), 0, null, history,
        5_000);
    watcher.start();
    assertTrue(watcher.catchUp(7, Duration.ofSeconds(15)), "reached revision 7 on the second node");
    watcher.stop();
    assertEquals("prefix=w/&fromRevision=5", askedFrom.get("n1").split(" \\| ")[0]);
    assertEquals("prefix=w/&fromRevision=7", askedFrom.get("n2").split(" \\| ")[0]);
    WatchCheck.Result r = WatchCheck.check(history.operations());
    assertTrue(r.valid(), r.violations().toString());
    assertEquals(7L, ((Map<?, ?>) ((Map<?, ?>) r.stats().get("perWatcher")).get("c5")).get("vouchedTo"));
  }

  @Test
  void aNodeThatSkipsARevisionOnResumeIsCaughtAsAGap() throws Exception {
    first = node("n1", change("w/a", "c0-0", 5) + change("w/b", "c0-1", 6), false, 200);
    // asked from 7, this node starts at 8: the acknowledged put at 7 never reaches the watcher
    second = node("n2", change("w/b", "c0-3", 8), true, 200);
    History history = History.inMemory();
    for (String[] w : new String[][] {{"w/a", "c0-0", "5"}, {"w/b", "c0-1", "6"}, {"w/a", "c0-2", "7"},
        {"w/b", "c0-3", "8"}}) {
      Event in = history.append(Event.invoke("c0", WatchOps.PUT, w[0], w[1], null, "n1", history.nowNs()));
      history.append(in.complete(Event.OK, w[2], null, history.nowNs()));
    }
    Watcher watcher = new Watcher("c5", "w/", 5, List.of(peer("n1", first), peer("n2", second)), 0, null, history,
        5_000);
    watcher.start();
    assertTrue(watcher.catchUp(8, Duration.ofSeconds(15)));
    WatchCheck.Result r = WatchCheck.check(history.operations());
    assertFalse(r.valid());
    assertEquals("c5: gap: missed c0 put w/a=c0-2 acknowledged at revision 7 (it covers 5..8)", r.violations().get(0));
  }

  @Test
  void aCompactedRevisionStopsTheWatcherInsteadOfSkippingAhead() throws Exception {
    first = node("n1", "{\"error\":\"revision 5 was compacted\"}", false, 410);
    History history = History.inMemory();
    Watcher watcher = new Watcher("c5", "w/", 5, List.of(peer("n1", first)), 0, null, history, 5_000);
    watcher.start();
    assertFalse(watcher.catchUp(7, Duration.ofSeconds(15)));
    watcher.stop();
    List<Event> events = history.events();
    assertTrue(events.stream().anyMatch(e -> WatchOps.END.equals(e.f()) && e.error() != null
        && e.error().contains("compacted")), events.toString());
    assertEquals(1, events.stream().filter(e -> e.isInvoke() && WatchOps.OPEN.equals(e.f())).count(),
        "no second attempt from a later revision");
  }
}
