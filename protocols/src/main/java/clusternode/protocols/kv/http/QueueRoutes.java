package clusternode.protocols.kv.http;

import static akka.http.javadsl.server.PathMatchers.segment;

import akka.NotUsed;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import akka.japi.Pair;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import clusternode.protocols.http.Json;
import clusternode.protocols.kv.core.Keys;
import clusternode.protocols.kv.core.KvCodec;
import clusternode.protocols.kv.core.KvCommand;
import clusternode.protocols.kv.core.KvQuery;
import clusternode.protocols.kv.core.Reply;
import clusternode.protocols.statemachine.Replicated.ReadConsistency;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Locks and elections (etcd's v3lock and v3election services) on the store's queues:
 * {@code POST /locks/{name} {lease, waitMs?}} joins the queue and answers once held, with the
 * fencing token, or 408 after {@code waitMs} (having left the queue again); {@code GET /locks/{name}};
 * {@code DELETE /locks/{name}?fencingToken=T}. {@code POST /elections/{name}/campaign {lease, value,
 * waitMs?}}, {@code GET /elections/{name}}, {@code GET /elections/{name}/observe} (event stream of
 * leaders), {@code POST /elections/{name}/resign {lease}}.
 *
 * <p>Waiting happens here, not in the state machine: the waiter re-reads its position whenever
 * this replica applies a command, and confirms "held" with a linearizable read before answering.
 */
public final class QueueRoutes extends AllDirectives {
  private final KvCalls calls;
  private final AtomicInteger open;

  public QueueRoutes(KvCalls calls, AtomicInteger openStreams) {
    this.calls = calls;
    this.open = openStreams;
  }

  public Route routes() {
    return concat(
        pathPrefix("locks", () -> gate("locks", () -> pathPrefix(segment(), name -> pathEnd(() -> concat(
            post(() -> entity(Unmarshaller.entityToByteArray(), body -> join("lock", name, body))),
            get(() -> completeWithFuture(KvCalls.rendered(calls.query(new KvQuery.Holder("lock", name), ReadConsistency.LINEARIZABLE)))),
            delete(() -> parameterOptional("fencingToken", token -> release(name, token)))))))),
        pathPrefix("elections", () -> gate("elections", () -> pathPrefix(segment(), name -> concat(
            pathEnd(() -> get(() -> completeWithFuture(leader(name)))),
            path("campaign", () -> post(() -> entity(Unmarshaller.entityToByteArray(), body -> join("election", name, body)))),
            path("resign", () -> post(() -> entity(Unmarshaller.entityToByteArray(), body -> resign(name, body)))),
            path("observe", () -> get(() -> complete(observe(name)))))))));
  }

  private Route gate(String what, java.util.function.Supplier<Route> inner) {
    return calls.leasesOn() ? inner.get() : complete(KvCalls.notHere(what));
  }

  private Route join(String kind, String name, byte[] body) {
    ObjectNode json = KvCalls.object(body);
    Set<String> allowed = kind.equals("lock") ? Set.of("lease", "waitMs") : Set.of("lease", "value", "waitMs");
    boolean fieldsOk = json != null && allowed.containsAll(iterable(json)) && json.path("lease").isIntegralNumber()
        && json.get("lease").asLong() > 0 && (kind.equals("lock") || json.path("value").isTextual());
    if (!fieldsOk) {
      return complete(KvCalls.badRequest(kind.equals("lock") ? "expected {\"lease\": ID, \"waitMs\"?: MS}"
          : "expected {\"lease\": ID, \"value\": STRING, \"waitMs\"?: MS}"));
    }
    long waitMs = calls.waitMs(json.get("waitMs"));
    if (waitMs < 0) {
      return complete(KvCalls.badRequest("waitMs is from 0 to " + calls.settings.maxWait().toMillis()));
    }
    String bad = Keys.invalidName(name);
    if (bad != null) {
      return complete(KvCalls.badRequest(bad));
    }
    long lease = json.get("lease").asLong();
    String value = kind.equals("lock") ? null : json.get("value").asText();
    long deadline = System.nanoTime() + waitMs * 1_000_000;
    CompletionStage<HttpResponse> answer = calls.command(new KvCommand.Enqueue(kind, name, lease, value)).thenCompose(r -> {
      if (!r.ok()) {
        return CompletableFuture.completedFuture(KvCalls.render(r));
      }
      long token = r.body().get("createRevision").asLong();
      return awaitHeld(kind, name, lease, deadline, r.body().path("held").asBoolean() ? r : null)
          .thenCompose(held -> held != null ? CompletableFuture.completedFuture(heldAnswer(kind, name, held.body()))
              : giveUp(kind, name, lease, token, waitMs));
    }).exceptionally(Json::failure);
    return completeWithFuture(answer);
  }

  /** Completes with the confirmed "held" position, or null when the deadline passed (or the member is gone). */
  private CompletionStage<Reply> awaitHeld(String kind, String name, long lease, long deadline, Reply already) {
    if (already != null) {
      return CompletableFuture.completedFuture(already);
    }
    long leftMs = (deadline - System.nanoTime()) / 1_000_000;
    CompletionStage<Void> wake = calls.applied.next(Math.max(1, Math.min(leftMs, 500)));
    Reply local = calls.localQuery(new KvQuery.Position(kind, name, lease));
    if (local.ok() && local.body().path("held").asBoolean()) {
      return calls.query(new KvQuery.Position(kind, name, lease), ReadConsistency.LINEARIZABLE).thenCompose(confirmed ->
          confirmed.ok() && confirmed.body().path("held").asBoolean() ? CompletableFuture.completedFuture(confirmed)
              : wake.thenComposeAsync(v -> awaitHeld(kind, name, lease, deadline, null)));
    }
    if (leftMs <= 0 || (local.ok() && !local.body().path("member").asBoolean())) {
      return CompletableFuture.completedFuture(null);
    }
    return wake.thenComposeAsync(v -> awaitHeld(kind, name, lease, deadline, null));
  }

  private CompletionStage<HttpResponse> giveUp(String kind, String name, long lease, long token, long waitMs) {
    // leave the queue, as etcd's Mutex does when its context ends: a late grant would hold the lock for nobody
    KvCommand.Dequeue leave = new KvCommand.Dequeue(kind, name, lease, token);
    return calls.command(leave).handle((r, failure) -> Json.error(StatusCodes.REQUEST_TIMEOUT,
        (kind.equals("lock") ? "lock " : "leadership of ") + name + " not held within " + waitMs + " ms"
            + (failure == null ? "; left the queue" : "; leaving the queue failed (the lease's expiry will): " + failure.getMessage())));
  }

  private static HttpResponse heldAnswer(String kind, String name, JsonNode position) {
    ObjectNode body = KvCodec.MAPPER.createObjectNode().put("name", name);
    if (kind.equals("lock")) {
      body.put("fencingToken", position.get("fencingToken").asLong());
    } else {
      body.put("revision", position.get("createRevision").asLong());
    }
    body.put("lease", position.get("lease").asLong()).put("key", position.get("key").asText());
    return Json.ok(body);
  }

  private Route release(String name, Optional<String> token) {
    long t;
    try {
      t = Long.parseLong(token.orElse(""));
    } catch (NumberFormatException e) {
      t = -1;
    }
    if (t <= 0) {
      return complete(KvCalls.badRequest("DELETE /locks/NAME?fencingToken=T with the token the lock answered"));
    }
    return completeWithFuture(KvCalls.rendered(calls.command(new KvCommand.Dequeue("lock", name, 0, t))));
  }

  private Route resign(String name, byte[] body) {
    ObjectNode json = KvCalls.object(body);
    if (json == null || json.size() != 1 || !json.path("lease").isIntegralNumber() || json.get("lease").asLong() <= 0) {
      return complete(KvCalls.badRequest("expected {\"lease\": ID} (the lease that campaigned)"));
    }
    return completeWithFuture(KvCalls.rendered(calls.command(new KvCommand.Dequeue("election", name, json.get("lease").asLong(), 0))));
  }

  private CompletionStage<HttpResponse> leader(String name) {
    return calls.query(new KvQuery.Holder("election", name), ReadConsistency.LINEARIZABLE).thenApply(r -> {
      if (!r.ok()) {
        return KvCalls.render(r);
      }
      if (!r.body().path("held").asBoolean()) {
        return Json.error(StatusCodes.NOT_FOUND, "election " + name + " has no leader");
      }
      return Json.ok(leaderView(r.body()));
    }).exceptionally(Json::failure);
  }

  private static ObjectNode leaderView(JsonNode holder) {
    return KvCodec.MAPPER.createObjectNode().put("value", holder.get("value").asText())
        .put("revision", holder.get("revision").asLong()).put("lease", holder.get("lease").asLong())
        .put("key", holder.get("key").asText());
  }

  /** The leaders of {@code name} as they change (this replica's view), one SSE event each; a comment when idle. */
  private HttpResponse observe(String name) {
    String bad = Keys.invalidName(name);
    if (bad != null) {
      return KvCalls.badRequest(bad);
    }
    if (open.incrementAndGet() > calls.settings.maxWatchers()) {
      open.decrementAndGet();
      return Json.error(StatusCodes.TOO_MANY_REQUESTS, "this node already serves " + calls.settings.maxWatchers() + " streams");
    }
    Source<ByteString, NotUsed> leaders = Source.unfoldAsync(new Seen("", System.nanoTime()), s -> observeStep(name, s));
    return Sse.response(leaders.watchTermination((mat, done) -> {
      done.whenComplete((d, failure) -> open.decrementAndGet());
      return mat;
    }));
  }

  /** The last leader sent ("" before the first; "-" for none) and when anything was last sent. */
  private record Seen(String leaderKey, long lastSentNanos) {}

  private CompletionStage<Optional<Pair<Seen, ByteString>>> observeStep(String name, Seen s) {
    long progressMs = calls.settings.watchProgressInterval().toMillis();
    long idleMs = (System.nanoTime() - s.lastSentNanos()) / 1_000_000;
    CompletionStage<Void> wake = calls.applied.next(Math.max(1, progressMs - idleMs));
    JsonNode holder = calls.localQuery(new KvQuery.Holder("election", name)).body();
    boolean held = holder.path("held").asBoolean();
    String key = held ? holder.get("key").asText() + "@" + holder.get("revision").asLong() : "-";
    if (!key.equals(s.leaderKey())) {
      ObjectNode data = held ? leaderView(holder) : KvCodec.MAPPER.createObjectNode().putNull("value");
      ByteString event = ByteString.fromString("data: " + Sse.json(data) + "\n\n");
      return CompletableFuture.completedFuture(Optional.of(Pair.create(new Seen(key, System.nanoTime()), event)));
    }
    if (idleMs >= progressMs) {
      return CompletableFuture.completedFuture(Optional.of(Pair.create(new Seen(key, System.nanoTime()),
          ByteString.fromString(": no change\n\n"))));
    }
    return wake.thenComposeAsync(v -> observeStep(name, s));
  }

  private static java.util.List<String> iterable(ObjectNode json) {
    java.util.List<String> names = new java.util.ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
