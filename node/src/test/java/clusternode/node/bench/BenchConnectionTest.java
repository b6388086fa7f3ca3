package clusternode.node.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bench's own HTTP/1.1 client against the JDK's HTTP server: bodies, framing, keep-alive. */
class BenchConnectionTest {
  private HttpServer server;
  private final Set<InetSocketAddress> clientEnds = ConcurrentHashMap.newKeySet();
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    // Echoes "METHOD PATH CONTENT-TYPE BODY" with a Content-Length, or chunked under /chunked.
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      clientEnds.add(exchange.getRemoteAddress());
      byte[] body = exchange.getRequestBody().readAllBytes();
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      byte[] answer = (exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + type + " "
          + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
      boolean chunked = exchange.getRequestURI().getPath().startsWith("/chunked");
      int status = exchange.getRequestURI().getPath().startsWith("/missing") ? 404 : 200;
      exchange.sendResponseHeaders(status, chunked ? 0 : answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Test
  void sendsTheRequestAndReadsLengthAndChunkedBodiesOverOneKeptAliveConnection() throws IOException {
    try (BenchConnection c = new BenchConnection(base(), null, 5000)) {
      for (int i = 0; i < 20; i++) {
        BenchConnection.Response r = c.exchange(new HttpLoad.Request("PUT", "/kv/k" + i, null,
            ("v" + i).getBytes(StandardCharsets.UTF_8)));
        assertEquals(200, r.status());
        assertEquals("PUT /kv/k" + i + " null v" + i, new String(r.body(), StandardCharsets.UTF_8));
      }
      BenchConnection.Response chunked = c.exchange(new HttpLoad.Request("POST", "/chunked/x", "application/json",
          "{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
      assertEquals("POST /chunked/x application/json {\"a\":1}", new String(chunked.body(), StandardCharsets.UTF_8));
      BenchConnection.Response missing = c.exchange(new HttpLoad.Request("GET", "/missing", null, null));
      assertEquals(404, missing.status());
      assertArrayEquals("GET /missing null ".getBytes(StandardCharsets.UTF_8), missing.body());
    }
    assertEquals(22, requests.get());
    assertEquals(1, clientEnds.size(), "every exchange used the same connection");
  }

  @Test
  void aConnectionTheServerDroppedFailsOnceThenTheNextExchangeReconnects() throws Exception {
    try (ServerSocket flaky = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread serverThread = new Thread(() -> {
        try {
          try (Socket first = flaky.accept()) {
            readRequestHead(first.getInputStream()); // and close without answering
          }
          try (Socket second = flaky.accept()) {
            readRequestHead(second.getInputStream());
            second.getOutputStream().write("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"
                .getBytes(StandardCharsets.ISO_8859_1));
          }
        } catch (IOException ignored) {
          // the test's assertions report what went wrong
        }
      });
      serverThread.start();
      URI uri = URI.create("http://127.0.0.1:" + flaky.getLocalPort());
      try (BenchConnection c = new BenchConnection(uri, null, 5000)) {
        HttpLoad.Request get = new HttpLoad.Request("GET", "/x", null, null);
        assertThrows(IOException.class, () -> c.exchange(get));
        BenchConnection.Response r = c.exchange(get);
        assertEquals(201, r.status());
        assertEquals("ok", new String(r.body(), StandardCharsets.UTF_8));
      }
      serverThread.join(5000);
    }
  }

  private static void readRequestHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        return;
      }
      matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
    }
  }
}
