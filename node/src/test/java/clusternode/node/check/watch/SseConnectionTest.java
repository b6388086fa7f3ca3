package clusternode.node.check.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.testing.TestPorts;
import com.sun.net.httpserver.HttpServer;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The watch stream client against the JDK's HTTP server: chunked SSE, end of stream, idle timeout, refusals. */
class SseConnectionTest {
  private HttpServer server;
  private final CountDownLatch endStream = new CountDownLatch(1);
  private int port;

  @BeforeEach
  void start() throws IOException {
    port = TestPorts.next();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    // Two changes and a progress notification, split across writes, then held open until the test says end.
    server.createContext("/watch", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(": hello\n\ndata: {\"type\":\"put\",\"key\":\"w/a\",\"value\":\"v1\",\"modRevision\":5}\n"
            .getBytes(StandardCharsets.UTF_8));
        out.flush();
        out.write(("\r\nevent: progress\ndata: {\"revision\":7}\n\ndata: {\"type\":\"delete\",\"key\":\"w/a\","
            + "\"modRevision\":8}\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        endStream.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    server.createContext("/idle", exchange -> {
      exchange.sendResponseHeaders(200, 0);
      try {
        endStream.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    server.createContext("/gone", exchange -> {
      byte[] body = "{\"error\":\"revision 3 is compacted\"}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(410, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    endStream.countDown();
    server.stop(0);
  }

  @Test
  void readsMessagesAsTheyComeAndNoticesTheEndOfTheStream() throws IOException {
    try (SseConnection c = SseConnection.open("127.0.0.1", port, null, "/watch?prefix=w/&fromRevision=1", 2000, 5000)) {
      assertEquals(200, c.status());
      assertEquals(new WatchEvent("put", "w/a", "v1", 5, 0, 0), WatchEvent.parse(c.next().data()).orElseThrow());
      SseParser.Message progress = c.next();
      assertEquals("progress", progress.event());
      assertEquals(7, WatchEvent.progressRevision(progress.event(), progress.data()));
      assertEquals("delete", WatchEvent.parse(c.next().data()).orElseThrow().type());
      endStream.countDown();
      assertThrows(EOFException.class, c::next);
    }
  }

  @Test
  void anIdleStreamEndsWithATimeout() throws IOException {
    try (SseConnection c = SseConnection.open("127.0.0.1", port, null, "/idle", 2000, 300)) {
      assertEquals(200, c.status());
      assertThrows(SocketTimeoutException.class, c::next);
    }
  }

  @Test
  void aRefusalComesWithItsStatusAndBody() throws IOException {
    try (SseConnection c = SseConnection.open("127.0.0.1", port, null, "/gone", 2000, 2000)) {
      assertEquals(410, c.status());
      assertTrue(c.errorBody().contains("compacted"), c.errorBody());
    }
  }
}
