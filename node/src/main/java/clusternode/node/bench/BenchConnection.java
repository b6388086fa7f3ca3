package clusternode.node.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One bench client's keep-alive HTTP/1.1 connection: a blocking socket, one request at a time,
 * the way wrk or ab drive a server. The JDK's HttpClient hands every exchange between the caller,
 * its selector thread and its executor; on this 2-core machine that cost about 100 us of CPU per
 * request in the load generator, CPU the servers under test then did not get.
 */
public final class BenchConnection implements AutoCloseable {
  private static final int MAX_HEADER_BYTES = 16 * 1024;

  /** What one exchange got back. */
  record Response(int status, byte[] body) {}

  private final URI base;
  private final SSLContext tls;
  private final int timeoutMillis;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  /** {@code tls}: the client context of a deployment serving HTTPS, or null for plain HTTP. */
  BenchConnection(URI base, SSLContext tls, int timeoutMillis) {
    this.base = base;
    this.tls = tls;
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * Sends the request and reads the whole answer. Opens the connection first if there is none, so
   * a connection the server closed (or a failed exchange) costs one reconnect, not the client.
   */
  Response exchange(HttpLoad.Request request) throws IOException {
    if (socket == null) {
      connect();
    }
    try {
      write(request);
      return read();
    } catch (IOException e) {
      close(); // the stream position is unknown now; the next exchange starts afresh
      throw e;
    }
  }

  private void connect() throws IOException {
    Socket s = tls == null ? new Socket() : tls.getSocketFactory().createSocket();
    try {
      s.connect(new InetSocketAddress(base.getHost(), base.getPort()), timeoutMillis);
      s.setTcpNoDelay(true);
      s.setSoTimeout(timeoutMillis);
      if (s instanceof SSLSocket ssl) {
        ssl.startHandshake();
      }
      socket = s;
      in = new BufferedInputStream(s.getInputStream(), 8192);
      out = new BufferedOutputStream(s.getOutputStream(), 8192);
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  private void write(HttpLoad.Request r) throws IOException {
    StringBuilder head = new StringBuilder(128).append(r.method()).append(' ').append(r.path())
        .append(" HTTP/1.1\r\nHost: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
    if (r.contentType() != null) {
      head.append("Content-Type: ").append(r.contentType()).append("\r\n");
    }
    if (r.body() != null) {
      head.append("Content-Length: ").append(r.body().length).append("\r\n");
    }
    out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    if (r.body() != null) {
      out.write(r.body());
    }
    out.flush();
  }

  private Response read() throws IOException {
    String statusLine = line();
    if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
      throw new IOException("not an HTTP/1.1 status line: " + statusLine);
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean closes = false;
    int headerBytes = 0;
    for (String h = line(); !h.isEmpty(); h = line()) {
      headerBytes += h.length();
      if (headerBytes > MAX_HEADER_BYTES) {
        throw new IOException("response headers exceed " + MAX_HEADER_BYTES + " bytes");
      }
      int colon = h.indexOf(':');
      String name = colon < 0 ? h : h.substring(0, colon).trim();
      String value = colon < 0 ? "" : h.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Content-Length")) {
        length = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        chunked = value.equalsIgnoreCase("chunked");
      } else if (name.equalsIgnoreCase("Connection")) {
        closes = value.equalsIgnoreCase("close");
      }
    }
    byte[] body = chunked ? chunkedBody() : length >= 0 ? in.readNBytes((int) length) : in.readAllBytes();
    if (length >= 0 && body.length != length) {
      throw new EOFException("connection closed after " + body.length + " of " + length + " body bytes");
    }
    if (closes || (!chunked && length < 0)) {
      close();
    }
    return new Response(status, body);
  }

  private byte[] chunkedBody() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int size = chunkSize(line()); size > 0; size = chunkSize(line())) {
      byte[] chunk = in.readNBytes(size);
      if (chunk.length != size) {
        throw new EOFException("connection closed inside a chunk");
      }
      body.write(chunk);
      line(); // the CRLF after the chunk
    }
    for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
      // trailers carry nothing the bench needs
    }
    return body.toByteArray();
  }

  private static int chunkSize(String line) throws IOException {
    int semicolon = line.indexOf(';');
    try {
      return Integer.parseInt((semicolon < 0 ? line : line.substring(0, semicolon)).trim(), 16);
    } catch (NumberFormatException e) {
      throw new IOException("bad chunk size line: " + line);
    }
  }

  /** One CRLF-terminated header line, without the CRLF. */
  private String line() throws IOException {
    return responseLine(in);
  }

  /**
   * One CRLF-terminated line of an HTTP/1.1 response head or chunk header from {@code in},
   * without the CRLF; at most {@value #MAX_HEADER_BYTES} bytes. Also the check's watch streams read with it.
   */
  public static String responseLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder(64);
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("connection closed by the server");
      }
      if (line.length() > MAX_HEADER_BYTES) {
        throw new IOException("a response line exceeds " + MAX_HEADER_BYTES + " bytes");
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a connection we are abandoning; nothing to do
      }
      socket = null;
    }
  }
}
