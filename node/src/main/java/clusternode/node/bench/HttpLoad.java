package clusternode.node.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop load on the HTTP API: {@code clients} threads, each with its own keep-alive
 * connection, sending one request at a time for {@code duration}. Latencies go into one
 * HdrHistogram (microseconds); errors are counted, never hidden.
 */
final class HttpLoad {
  /** One request; {@code contentType} and {@code body} may be null. */
  record Request(String method, String path, String contentType, byte[] body) {}

  /** The {@code n}-th request of bench client {@code client}; null when that client is done. */
  interface Requests {
    Request make(int client, long n);
  }

  /** Which answers count as done; the rest are errors. */
  interface Success {
    boolean test(int status);
  }

  record Result(long ok, long errors, double seconds, Histogram latencyMicros, String firstError) {
    double perSecond() {
      return ok / seconds;
    }
  }

  private final List<URI> targets;
  private final int clients;
  private final Duration duration;
  private final Requests requests;
  private final Success success;
  private final javax.net.ssl.SSLContext tls;

  /** {@code tls}: the client context of a deployment that serves HTTPS, or null for plain HTTP. */
  HttpLoad(List<URI> targets, int clients, Duration duration, Requests requests, Success success,
      javax.net.ssl.SSLContext tls) {
    this.tls = tls;
    this.targets = targets;
    this.clients = clients;
    this.duration = duration;
    this.requests = requests;
    this.success = success;
  }

  /** PUTs of {@code valueBytes} over 1000 keys per client. */
  static Requests kvWrites(int valueBytes) {
    byte[] value = new byte[valueBytes];
    java.util.Arrays.fill(value, (byte) 'v');
    return (client, n) -> new Request("PUT", "/kv/bench-" + client + "-" + (n % 1000), null, value);
  }

  /** Each client writes its 1000 keys once, so every key {@link #kvReads} asks for exists. */
  static Requests kvPreload(int valueBytes) {
    Requests writes = kvWrites(valueBytes);
    return (client, n) -> n < 1000 ? writes.make(client, n) : null;
  }

  /** Linearizable GETs of the keys {@link #kvWrites} wrote. */
  static Requests kvReads() {
    return (client, n) -> new Request("GET", "/kv/bench-" + client + "-" + (n % 1000), null, null);
  }

  Result run() throws InterruptedException {
    Recorder recorder = new Recorder(3);
    AtomicLong ok = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    String[] firstError = new String[1];
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread t = new Thread(() -> loop(client, end, recorder, ok, errors, firstError), "bench-client-" + c);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join(duration.toMillis() + 30_000);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(ok.get(), errors.get(), seconds, recorder.getIntervalHistogram(), firstError[0]);
  }

  private void loop(int client, long endNanos, Recorder recorder, AtomicLong ok, AtomicLong errors, String[] firstError) {
    long n = 0;
    try (BenchConnection connection = new BenchConnection(targets.get(client % targets.size()), tls, 10_000)) {
      while (System.nanoTime() < endNanos) {
        Request request = requests.make(client, n++);
        if (request == null) {
          return;
        }
        long t0 = System.nanoTime();
        try {
          BenchConnection.Response r = connection.exchange(request);
          long micros = (System.nanoTime() - t0) / 1000;
          if (success.test(r.status())) {
            recorder.recordValue(micros);
            ok.incrementAndGet();
          } else {
            noteError(errors, firstError, r.status() + " " + new String(r.body(), StandardCharsets.UTF_8));
          }
        } catch (IOException e) {
          noteError(errors, firstError, e.toString());
        }
      }
    }
  }

  private static synchronized void noteError(AtomicLong errors, String[] firstError, String what) {
    errors.incrementAndGet();
    if (firstError[0] == null) {
      firstError[0] = what;
    }
  }
}
