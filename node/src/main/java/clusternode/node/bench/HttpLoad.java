package clusternode.node.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
  /** The {@code n}-th request of bench client {@code client}, against {@code base}. */
  interface Requests {
    HttpRequest make(URI base, int client, long n);
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

  /** {@code tls}: the client context of a deployment that serves HTTPS, or null for plain HTTP. */
  HttpLoad(List<URI> targets, int clients, Duration duration, Requests requests, Success success,
      javax.net.ssl.SSLContext tls) {
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5));
    this.http = (tls == null ? builder : builder.sslContext(tls)).build();
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
    return (base, client, n) -> HttpRequest.newBuilder(base.resolve("/kv/bench-" + client + "-" + (n % 1000)))
        .PUT(HttpRequest.BodyPublishers.ofByteArray(value)).timeout(Duration.ofSeconds(10)).build();
  }

  /** Linearizable GETs of the keys {@link #kvWrites} wrote. */
  static Requests kvReads() {
    return (base, client, n) -> HttpRequest.newBuilder(base.resolve("/kv/bench-" + client + "-" + (n % 1000)))
        .GET().timeout(Duration.ofSeconds(10)).build();
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

  /**
   * One client shared by every bench thread: its pool keeps one keep-alive connection per busy
   * thread, and a single selector thread serves them all. A client per thread would spend a core
   * on 64 selector threads, and the load generator would measure itself.
   */
  private final HttpClient http;

  private void loop(int client, long endNanos, Recorder recorder, AtomicLong ok, AtomicLong errors, String[] firstError) {
    URI base = targets.get(client % targets.size());
    long n = 0;
    while (System.nanoTime() < endNanos) {
      HttpRequest request = requests.make(base, client, n++);
      long t0 = System.nanoTime();
      try {
        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        long micros = (System.nanoTime() - t0) / 1000;
        if (success.test(r.statusCode())) {
          recorder.recordValue(micros);
          ok.incrementAndGet();
        } else {
          noteError(errors, firstError, r.statusCode() + " " + new String(r.body()));
        }
      } catch (IOException e) {
        noteError(errors, firstError, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
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
