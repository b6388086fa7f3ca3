package clusternode.protocols.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 100 watchers on one prefix of one node: every watcher sees every change once, in revision
 * order; prints the time from a change's apply to the last watcher's event (p50/p99), which is
 * what the watch-fanout benchmark will measure on a real cluster. The figure is printed, not
 * asserted: on a shared 2-core machine it says more about the neighbours than about the code.
 */
class WatchFanoutTest {
  private static final int WATCHERS = 100;
  private static final int CHANGES = 50;

  @Test
  void everyWatcherSeesEveryChangeInOrder() throws Exception {
    ActorTestKit kit = ActorTestKit.create("watch-fanout");
    try (CoordHttp http = new CoordHttp(kit, true, WATCHERS)) {
      List<CoordHttp.Stream> watchers = new ArrayList<>();
      for (int i = 0; i < WATCHERS; i++) {
        watchers.add(http.stream("/watch?prefix=fan/&fromRevision=1"));
      }
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (watchers.stream().anyMatch(w -> w.status != 200)) { // all connected before the one too many
        if (System.nanoTime() > deadline) {
          throw new AssertionError("not every watcher connected within 30 s");
        }
        Thread.sleep(10);
      }
      CoordHttp.Stream refused = http.stream("/watch?prefix=fan/");
      assertEquals(null, refused.nextData(Duration.ofSeconds(20)), "one stream over the bound is refused");
      assertEquals(429, refused.status);
      long[] appliedAt = new long[CHANGES];
      long[] lastSeenAt = new long[CHANGES];
      for (int c = 0; c < CHANGES; c++) {
        appliedAt[c] = System.nanoTime();
        http.send("PUT", "/kv/fan%2Fk", "v" + c);
        for (CoordHttp.Stream w : watchers) {
          JsonNode e = w.nextChange(Duration.ofSeconds(20));
          assertEquals("v" + c, e.get("value").asText(), "in order, none missed");
          assertEquals(c + 1, e.get("modRevision").asLong());
        }
        lastSeenAt[c] = System.nanoTime();
      }
      long[] ms = new long[CHANGES];
      for (int c = 0; c < CHANGES; c++) {
        ms[c] = (lastSeenAt[c] - appliedAt[c]) / 1_000;
      }
      Arrays.sort(ms);
      System.out.printf("watch fan-out: %d watchers, put -> last watcher's event: p50 %.1f ms, p99 %.1f ms%n", WATCHERS,
          ms[CHANGES / 2] / 1000.0, ms[CHANGES * 99 / 100] / 1000.0);
      watchers.forEach(CoordHttp.Stream::close);
    } finally {
      kit.shutdownTestKit();
    }
  }
}
