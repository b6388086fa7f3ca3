package clusternode.node.check.watch;

import clusternode.node.bench.BenchConnection;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One {@code text/event-stream} response read as it arrives, over a blocking HTTP/1.1 socket (the
 * JDK's HttpClient gives no read timeout on a streamed body, and a paused node keeps its sockets
 * open: only a timeout notices). A read that stays idle past the timeout, a closed connection or a
 * malformed frame ends the stream with an {@link IOException}; {@link #close} from another thread
 * ends a blocked read at once. Bodies come chunked (Akka HTTP streams that way) or until close.
 */
public final class SseConnection implements AutoCloseable {
  private static final int MAX_HEADER_BYTES = 16 * 1024;
  private static final int MAX_ERROR_BODY_BYTES = 4096;

  private final Socket socket;
  private final InputStream in;
  private final int status;
  private final String errorBody;
  private final SseParser parser = new SseParser();
  private boolean chunked;
  private long chunkLeft;

  private SseConnection(Socket socket, InputStream in, int status, String errorBody) {
    this.socket = socket;
    this.in = in;
    this.status = status;
    this.errorBody = errorBody;
  }

  /**
   * Connects and sends {@code GET pathAndQuery}; returns once the status line and headers arrived.
   * A status other than 200 is returned with its body (up to 4 KB) and no stream.
   *
   * @param readTimeoutMs how long any read (headers, then each wait for data) may stay idle
   */
  public static SseConnection open(String host, int port, SSLContext tls, String pathAndQuery, int connectTimeoutMs,
      int readTimeoutMs) throws IOException {
    Socket s = tls == null ? new Socket() : tls.getSocketFactory().createSocket();
    try {
      s.connect(new InetSocketAddress(host, port), connectTimeoutMs);
      s.setTcpNoDelay(true);
      s.setSoTimeout(readTimeoutMs);
      if (s instanceof SSLSocket ssl) {
        ssl.startHandshake();
      }
      OutputStream out = s.getOutputStream();
      out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + ":" + port
          + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
      SseConnection c = head(s, in);
      if (c.status != 200) {
        s.close();
      }
      return c;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private static SseConnection head(Socket s, InputStream in) throws IOException {
    String statusLine = BenchConnection.responseLine(in);
    if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
      throw new IOException("not an HTTP/1.x status line: " + statusLine);
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    boolean chunked = false;
    long length = -1;
    int headerBytes = 0;
    for (String h = BenchConnection.responseLine(in); !h.isEmpty(); h = BenchConnection.responseLine(in)) {
      headerBytes += h.length();
      if (headerBytes > MAX_HEADER_BYTES) {
        throw new IOException("response headers exceed " + MAX_HEADER_BYTES + " bytes");
      }
      int colon = h.indexOf(':');
      String name = colon < 0 ? h : h.substring(0, colon).trim();
      String value = colon < 0 ? "" : h.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Transfer-Encoding")) {
        chunked = value.equalsIgnoreCase("chunked");
      } else if (name.equalsIgnoreCase("Content-Length")) {
        length = Long.parseLong(value);
      }
    }
    if (status == 200) {
      SseConnection c = new SseConnection(s, in, status, null);
      c.chunked = chunked;
      return c;
    }
    SseConnection refusal = new SseConnection(s, in, status, null);
    refusal.chunked = chunked;
    String body;
    try {
      body = new String(chunked ? refusal.readUpTo(MAX_ERROR_BODY_BYTES)
          : in.readNBytes((int) Math.min(MAX_ERROR_BODY_BYTES, length < 0 ? MAX_ERROR_BODY_BYTES : length)),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      body = "(body unreadable: " + e.getMessage() + ")"; // the status alone says what happened
    }
    return new SseConnection(s, in, status, body);
  }

  public int status() {
    return status;
  }

  /** The body of a refusal (status other than 200); null for a stream. */
  public String errorBody() {
    return errorBody;
  }

  /** Blocks until the next whole message; an idle timeout, a close or a bad frame throws. */
  public SseParser.Message next() throws IOException {
    while (true) {
      Optional<SseParser.Message> m;
      try {
        m = parser.line(bodyLine());
      } catch (IllegalStateException e) {
        throw new IOException(e.getMessage());
      }
      if (m.isPresent()) {
        return m.get();
      }
    }
  }

  /** One body line (LF or CRLF ends it), UTF-8, bounded. */
  private String bodyLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    for (int b = bodyByte(); b != '\n'; b = bodyByte()) {
      if (b < 0) {
        throw new EOFException("the stream ended");
      }
      if (line.size() > SseParser.MAX_DATA_CHARS) {
        throw new IOException("a stream line exceeds " + SseParser.MAX_DATA_CHARS + " bytes");
      }
      line.write(b);
    }
    byte[] bytes = line.toByteArray();
    int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }

  /** The next byte of the body, chunked or not; -1 at its end. */
  private int bodyByte() throws IOException {
    if (!chunked) {
      return in.read();
    }
    if (chunkLeft == 0) {
      String size = BenchConnection.responseLine(in);
      if (size.isEmpty()) {
        size = BenchConnection.responseLine(in); // the CRLF that closed the chunk before
      }
      int semicolon = size.indexOf(';');
      try {
        chunkLeft = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size line: " + size);
      }
      if (chunkLeft == 0) {
        return -1; // the last chunk: the server ended the stream
      }
    }
    int b = in.read();
    if (b < 0) {
      throw new EOFException("connection closed inside a chunk");
    }
    chunkLeft--;
    return b;
  }

  private byte[] readUpTo(int max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int b = bodyByte(); b >= 0 && out.size() < max; b = bodyByte()) {
      out.write(b);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // abandoning the stream; nothing to do
    }
  }
}
