package clusternode.protocols.kv;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import clusternode.protocols.kv.core.KvCodec;
import clusternode.protocols.kv.core.KvCommand;
import clusternode.protocols.kv.core.KvLimits;
import clusternode.protocols.statemachine.Replicated;
import clusternode.protocols.statemachine.StateMachines;
import clusternode.protocols.testing.TestPorts;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The KV routes on a real Akka HTTP server on loopback, over an ordering protocol that applies each
 * command at once to a local store (the same replica the routes watch), so every route can be
 * driven without consensus. Ticks are sent by the test.
 */
final class CoordHttp implements AutoCloseable {
  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Orders by applying at once, one at a time. */
  static final class InMemoryOrdering implements Replicated {
    final StateMachines machines;
    long index;

    InMemoryOrdering(KvStore store) {
      this.machines = new StateMachines(List.of(store));
    }

    @Override
    public synchronized CompletionStage<byte[]> command(String name, byte[] command) {
      return CompletableFuture.completedFuture(machines.get(name).apply(++index, command));
    }

    @Override
    public synchronized CompletionStage<byte[]> query(String name, byte[] query, ReadConsistency consistency) {
      return CompletableFuture.completedFuture(machines.get(name).query(query));
    }
  }

  record Reply(int status, JsonNode json, String text) {}

  final KvStore store;
  final InMemoryOrdering ordering;
  final String base;
  private final ServerBinding binding;

  CoordHttp(ActorTestKit kit, boolean leases) throws Exception {
    this(kit, leases, 8);
  }

  CoordHttp(ActorTestKit kit, boolean leases, int maxWatchers) throws Exception {
    KvSettings settings = new KvSettings(KvLimits.defaults().withRetainRevisions(50).withLeases(leases), Duration.ofMillis(200),
        Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofMillis(300), 64, maxWatchers);
    store = new KvStore(settings.limits());
    ordering = new InMemoryOrdering(store);
    int port = TestPorts.next();
    binding = Http.get(kit.system()).newServerAt("127.0.0.1", port)
        .bind(new KvRoutes(ordering, 192 * 1024, store, settings).routes()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + port;
  }

  void tick(String proposer, long nowMs) {
    ordering.command(KvStore.NAME, KvStore.encode(new KvCommand.Tick(proposer, nowMs, 100, 1_000)));
  }

  Reply send(String method, String path, String body) {
    return send(method, path, body, Map.of());
  }

  Reply send(String method, String path, String body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      try {
        json = KvCodec.MAPPER.readTree(r.body());
      } catch (IOException e) {
        // not JSON (a raw value)
      }
      return new Reply(r.statusCode(), json, r.body());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(method + " " + path + ": " + e, e);
    }
  }

  /** An open event stream: its lines arrive in a queue; {@link #close} ends it. */
  final class Stream implements AutoCloseable {
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> response;
    volatile int status;

    Stream(String path) {
      response = CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofLines());
      response.thenAcceptAsync(r -> {
        status = r.statusCode();
        try {
          r.body().forEach(lines::add);
        } catch (RuntimeException e) {
          // closed
        }
        lines.add("<end>");
      });
    }

    /** The next {@code data:} payload (skipping ids, comments, blank lines), or fails after the deadline. */
    JsonNode nextData(Duration within) throws Exception {
      long deadline = System.nanoTime() + within.toNanos();
      while (true) {
        long left = deadline - System.nanoTime();
        String line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new AssertionError("no event within " + within);
        }
        if (line.equals("<end>")) {
          return null;
        }
        if (line.startsWith("data: ")) {
          return KvCodec.MAPPER.readTree(line.substring(6));
        }
      }
    }

    /** The next data payload whose type is not progress. */
    JsonNode nextChange(Duration within) throws Exception {
      while (true) {
        JsonNode d = nextData(within);
        if (d == null || !d.path("type").asText().equals("progress")) {
          return d;
        }
      }
    }

    @Override
    public void close() {
      response.thenAccept(r -> r.body().close());
      response.cancel(true);
    }
  }

  Stream stream(String path) {
    return new Stream(path);
  }

  @Override
  public void close() {
    binding.unbind();
  }
}
