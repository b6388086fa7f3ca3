package clusternode.node.check.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SSE framing by the rules: data lines join, comments vanish, a blank line dispatches, memory is bounded. */
class SseParserTest {
  private static List<SseParser.Message> feed(String... lines) {
    SseParser p = new SseParser();
    List<SseParser.Message> out = new ArrayList<>();
    for (String l : lines) {
      p.line(l).ifPresent(out::add);
    }
    return out;
  }

  @Test
  void dataLinesUpToABlankLineAreOneMessage() {
    List<SseParser.Message> m = feed("data: {\"type\":\"put\",", "data: \"key\":\"k\"}", "");
    assertEquals(1, m.size());
    assertEquals("message", m.get(0).event());
    assertEquals("{\"type\":\"put\",\n\"key\":\"k\"}", m.get(0).data());
  }

  @Test
  void commentsAreDroppedAndEventNamesAndIdsKept() {
    List<SseParser.Message> m = feed(": keep-alive", "", "event: progress", "id: 7", "data:{\"revision\":9}", "",
        "data: x", "");
    assertEquals(2, m.size(), m.toString());
    assertEquals(new SseParser.Message("progress", "{\"revision\":9}", "7"), m.get(0));
    assertEquals("message", m.get(1).event()); // the event name does not leak into the next message
  }

  @Test
  void aMessageThatNeverEndsIsCutOffInsteadOfGrowingMemory() {
    SseParser p = new SseParser();
    String chunk = "data: " + "x".repeat(64 * 1024);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
      for (int i = 0; i < 32; i++) {
        p.line(chunk);
      }
    });
    assertTrue(e.getMessage().contains("without an end"));
  }

  @Test
  void changeEventsParseAndOtherPayloadsDoNot() {
    WatchEvent put = WatchEvent.parse("{\"type\":\"put\",\"key\":\"w/a\",\"value\":\"v\",\"modRevision\":12,"
        + "\"createRevision\":10,\"lease\":3}").orElseThrow();
    assertEquals(new WatchEvent("put", "w/a", "v", 12, 10, 3), put);
    WatchEvent del = WatchEvent.parse("{\"type\":\"delete\",\"key\":\"w/a\",\"modRevision\":13}").orElseThrow();
    assertEquals(null, del.value());
    assertTrue(WatchEvent.parse("{\"type\":\"progress\",\"revision\":20}").isEmpty());
    assertTrue(WatchEvent.parse("{\"error\":\"compacted\",\"revision\":20}").isEmpty());
    assertTrue(WatchEvent.parse("not json").isEmpty());
    assertTrue(WatchEvent.parse("{\"type\":\"put\",\"key\":\"k\"}").isEmpty()); // no revision
  }

  @Test
  void onlyAProgressNotificationVouchesForARevision() {
    assertEquals(20, WatchEvent.progressRevision("message", "{\"type\":\"progress\",\"revision\":20}"));
    assertEquals(21, WatchEvent.progressRevision("progress", "{\"revision\":21}"));
    assertEquals(0, WatchEvent.progressRevision("error", "{\"error\":\"compacted\",\"revision\":20}"));
    assertEquals(0, WatchEvent.progressRevision("progress", "garbage"));
  }
}
