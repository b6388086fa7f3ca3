package clusternode.node.check;

import clusternode.protocols.testing.TestPorts;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A one-node stand-in for the coordination routes of DESIGN.md's contract that the lock workload
 * uses (leases, one lock, guarded PUT, GET), in wall-clock time, so the workload's requests and the
 * history it records can be tested without a cluster. {@code tokensGoDown} makes it hand out
 * shrinking tokens: a broken server the checker must catch.
 */
final class FakeLockServer implements AutoCloseable {
  private static final Pattern NUMBER = Pattern.compile("\"(\\w+)\"\\s*:\\s*(\\d+)");

  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(16);
  private final boolean tokensGoDown;
  private final Map<Long, Long> leaseExpiresNs = new HashMap<>();
  private final Map<Long, Long> leaseTtlMs = new HashMap<>();
  private final Map<String, String> kv = new HashMap<>();
  private long nextLease = 1;
  private long revision = 100;
  private long holderLease;
  private long holderToken;

  FakeLockServer(boolean tokensGoDown) throws IOException {
    this.tokensGoDown = tokensGoDown;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", TestPorts.next()), 0);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange x) throws IOException {
    String method = x.getRequestMethod();
    String path = x.getRequestURI().getPath();
    String query = x.getRequestURI().getQuery();
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String[] answer;
    try {
      answer = route(method, path, query, body, x.getRequestHeaders().getFirst("X-Fencing-Token"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      answer = new String[] {"503", "{\"error\":\"interrupted\"}"};
    }
    byte[] bytes = answer[1].getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(Integer.parseInt(answer[0]), bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  private synchronized String[] route(String method, String path, String query, String body, String token)
      throws InterruptedException {
    expire();
    if (method.equals("POST") && path.equals("/leases")) {
      long id = nextLease++;
      long ttl = field(body, "ttlMs");
      leaseTtlMs.put(id, ttl);
      leaseExpiresNs.put(id, System.nanoTime() + ttl * 1_000_000);
      return ok("{\"id\":" + id + ",\"ttlMs\":" + ttl + "}");
    }
    if (path.startsWith("/leases/")) {
      long id = Long.parseLong(path.split("/")[2]);
      if (!leaseExpiresNs.containsKey(id)) {
        return new String[] {"404", "{\"error\":\"no such lease\"}"};
      }
      if (method.equals("DELETE")) {
        drop(id);
        return ok("{\"revoked\":true}");
      }
      leaseExpiresNs.put(id, System.nanoTime() + leaseTtlMs.get(id) * 1_000_000);
      return ok("{\"id\":" + id + "}");
    }
    if (path.startsWith("/locks/") && method.equals("POST")) {
      long lease = field(body, "lease");
      long deadline = System.nanoTime() + field(body, "waitMs") * 1_000_000;
      while (true) {
        expire();
        if (!leaseExpiresNs.containsKey(lease)) {
          return new String[] {"404", "{\"error\":\"no such lease\"}"};
        }
        if (holderLease == 0) {
          holderLease = lease;
          revision++;
          holderToken = tokensGoDown ? 1_000_000 - revision : revision;
        }
        if (holderLease == lease) {
          return ok("{\"name\":\"check-lock\",\"fencingToken\":" + holderToken + "}");
        }
        long leftNs = deadline - System.nanoTime();
        if (leftNs <= 0) {
          return new String[] {"408", "{\"error\":\"not held in time\"}"};
        }
        wait(Math.max(1, Math.min(50, leftNs / 1_000_000)));
      }
    }
    if (path.startsWith("/locks/") && method.equals("DELETE")) {
      long t = Long.parseLong(query.replace("fencingToken=", ""));
      if (holderLease == 0 || holderToken != t) {
        return new String[] {"404", "{\"error\":\"not held with that token\"}"};
      }
      holderLease = 0;
      notifyAll();
      return ok("{\"released\":true}");
    }
    if (path.startsWith("/kv/") && method.equals("PUT")) {
      if (token != null && (holderLease == 0 || Long.parseLong(token) != holderToken)) {
        return new String[] {"409", "{\"error\":\"fenced\"}"};
      }
      kv.put(path.substring(4), body);
      return ok("{\"revision\":" + ++revision + "}");
    }
    if (path.startsWith("/kv/") && method.equals("GET")) {
      String v = kv.get(path.substring(4));
      return v == null ? new String[] {"404", "{\"error\":\"no such key\"}"} : ok(v);
    }
    return new String[] {"404", "{\"error\":\"no route\"}"};
  }

  private void expire() {
    long now = System.nanoTime();
    leaseExpiresNs.entrySet().removeIf(e -> {
      boolean gone = e.getValue() < now;
      if (gone && holderLease == e.getKey()) {
        holderLease = 0;
        notifyAll();
      }
      return gone;
    });
  }

  private void drop(long lease) {
    leaseExpiresNs.remove(lease);
    if (holderLease == lease) {
      holderLease = 0;
      notifyAll();
    }
  }

  private static long field(String json, String name) {
    Matcher m = NUMBER.matcher(json);
    while (m.find()) {
      if (m.group(1).equals(name)) {
        return Long.parseLong(m.group(2));
      }
    }
    throw new IllegalArgumentException("no " + name + " in " + json);
  }

  private static String[] ok(String body) {
    return new String[] {"200", body};
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
