package clusternode.protocols.kv;

import static akka.http.javadsl.server.PathMatchers.segment;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import clusternode.protocols.http.Json;
import clusternode.protocols.kv.core.Keys;
import clusternode.protocols.kv.http.KvCalls;
import clusternode.protocols.kv.http.LeaseRoutes;
import clusternode.protocols.kv.http.QueueRoutes;
import clusternode.protocols.kv.http.RangeTxnRoutes;
import clusternode.protocols.kv.http.WatchRoutes;
import clusternode.protocols.statemachine.Replicated;
import clusternode.protocols.statemachine.Replicated.ReadConsistency;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The KV store's HTTP API on whichever protocol orders it (Raft or PBFT): {@code PUT/GET/DELETE
 * /kv/{key}}, {@code POST /kv/{key}/cas}. Writes answer after commit; reads are linearizable unless
 * {@code ?consistency=local}. A request may carry a client session ({@code X-Client-Id},
 * {@code X-Request-Seq}) so that its retry is applied once where the protocol keeps sessions.
 */
public final class KvRoutes extends AllDirectives {
  /** Longest client id of a session, in UTF-8 bytes (Raft's log entry header holds up to 128). */
  public static final int MAX_CLIENT_ID_BYTES = 128;

  private final Replicated ordering;
  private final int maxOpBytes;
  private final KvCalls calls;
  private final RangeTxnRoutes rangeTxn;
  private final AtomicInteger openStreams = new AtomicInteger();

  /** Without a local replica: the KV routes, ranges and txn; leases, watch, locks, elections answer 501. */
  public KvRoutes(Replicated ordering, int maxOpBytes) {
    this(ordering, maxOpBytes, null, KvSettings.defaults().withLeases(false));
  }

  /**
   * @param maxOpBytes the largest encoded operation the protocol can carry (PBFT sends each in one
   *     Akka message); larger ones get 400 before anything is proposed
   * @param local this node's replica of the store (watchers and lock waiters read it), or null
   */
  public KvRoutes(Replicated ordering, int maxOpBytes, KvStore local, KvSettings settings) {
    this.ordering = ordering;
    this.maxOpBytes = maxOpBytes;
    this.calls = new KvCalls(ordering, maxOpBytes, local, settings);
    this.rangeTxn = new RangeTxnRoutes(calls);
  }

  public Route routes() {
    return concat(
        pathPrefix("kv", () -> concat(
            pathEnd(() -> get(rangeTxn::range)),
            path("txn", () -> post(rangeTxn::txn)),
            pathPrefix(segment(), key -> concat(
                pathEnd(() -> concat(
                    put(() -> entity(Unmarshaller.entityToByteArray(), value -> putRoute(key, value))),
                    get(() -> parameterOptional("consistency", c -> read(key, c))),
                    delete(() -> write(new KvOp.Delete(key), this::deleted)))),
                path("cas", () -> post(() -> entity(Unmarshaller.entityToByteArray(), body -> cas(key, body)))))))),
        new LeaseRoutes(calls).routes(),
        new WatchRoutes(calls, openStreams).routes(),
        new QueueRoutes(calls, openStreams).routes());
  }

  /** A plain put keeps its binary form (and client session); one with a lease or a fencing token goes as JSON. */
  private Route putRoute(String key, byte[] value) {
    return parameterOptional("lease", lease -> optionalHeaderValueByName("X-Fencing-Lock", lock ->
        optionalHeaderValueByName("X-Fencing-Token", token -> {
          String unwritable = Keys.unwritableReason(key);
          if (unwritable != null) {
            return complete(Json.error(StatusCodes.BAD_REQUEST, unwritable));
          }
          if (lease.isEmpty() && lock.isEmpty() && token.isEmpty()) {
            return write(new KvOp.Put(key, value), this::written);
          }
          return rangeTxn.put(key, value, lease, lock, token);
        })));
  }

  private Route write(KvOp op, Function<KvResult, HttpResponse> answer) {
    String invalid = op instanceof KvOp.Put p ? KvOp.invalidReason(p.key(), p.value()) : KvOp.invalidReason(op.key());
    if (invalid == null) {
      invalid = Keys.unwritableReason(op.key());
    }
    if (invalid != null) {
      return complete(Json.error(StatusCodes.BAD_REQUEST, invalid));
    }
    byte[] encoded = KvOp.encode(op);
    if (encoded.length > maxOpBytes) {
      return complete(Json.error(StatusCodes.BAD_REQUEST, "the operation is " + encoded.length
          + " bytes; this deployment's ordering protocol carries KV operations up to " + maxOpBytes + " bytes"));
    }
    return session(session -> {
      if (session.isEmpty()) {
        return complete(Json.error(StatusCodes.BAD_REQUEST, "X-Client-Id is 1-" + MAX_CLIENT_ID_BYTES
            + " bytes of UTF-8 and X-Request-Seq a positive integer with it"));
      }
      CompletionStage<byte[]> result = ordering.command(KvStore.NAME, encoded, session.get().clientId(),
          session.get().seq());
      return completeWithFuture(result.thenApply(bytes -> answer.apply(KvResult.decode(bytes)))
          .exceptionally(Json::failure));
    });
  }

  private Route read(String key, Optional<String> consistency) {
    String invalid = KvOp.invalidReason(key);
    if (invalid != null) {
      return complete(Json.error(StatusCodes.BAD_REQUEST, invalid));
    }
    ReadConsistency level;
    if (consistency.isEmpty() || consistency.get().equals("linearizable")) {
      level = ReadConsistency.LINEARIZABLE;
    } else if (consistency.get().equals("local")) {
      level = ReadConsistency.LOCAL;
    } else {
      return complete(Json.error(StatusCodes.BAD_REQUEST, "consistency must be linearizable or local"));
    }
    return completeWithFuture(ordering.query(KvStore.NAME, KvOp.encode(new KvOp.Get(key)), level)
        .thenApply(bytes -> value(key, KvResult.decode(bytes))).exceptionally(Json::failure));
  }

  private Route cas(String key, byte[] body) {
    JsonNode json;
    try {
      json = Json.readTree(body);
    } catch (IOException e) {
      return complete(Json.error(StatusCodes.BAD_REQUEST, "malformed JSON; expected {\"expected\": ..., \"value\": ...}"));
    }
    if (json == null || !json.isObject() || !json.has("value") || !json.get("value").isTextual()
        || !json.has("expected") || !(json.get("expected").isTextual() || json.get("expected").isNull())
        || json.size() != 2) {
      return complete(Json.error(StatusCodes.BAD_REQUEST,
          "expected {\"expected\": STRING or null (key must be absent), \"value\": STRING} and nothing else"));
    }
    byte[] expected = json.get("expected").isNull() ? null : utf8(json.get("expected").asText());
    return write(new KvOp.CompareAndSet(key, expected, utf8(json.get("value").asText())), r -> casAnswer(key, r));
  }

  private HttpResponse written(KvResult r) {
    return r.status() == KvResult.Status.OK ? Json.ok(Map.of("revision", r.revision())) : unexpected(r);
  }

  private HttpResponse deleted(KvResult r) {
    return switch (r.status()) {
      case OK -> Json.ok(Map.of("deleted", true, "revision", r.revision()));
      case NOT_FOUND -> Json.error(StatusCodes.NOT_FOUND, "no such key");
      default -> unexpected(r);
    };
  }

  private HttpResponse casAnswer(String key, KvResult r) {
    if (r.status() == KvResult.Status.OK) {
      return Json.ok(Map.of("revision", r.revision()));
    }
    if (r.status() != KvResult.Status.MISMATCH) {
      return unexpected(r);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "the current value of " + key + " is not the expected one");
    body.put("status", 409);
    body.put("current", r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8));
    body.put("revision", r.revision());
    return Json.response(StatusCodes.CONFLICT, body);
  }

  private HttpResponse value(String key, KvResult r) {
    return switch (r.status()) {
      case OK -> HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, r.value()))
          .addHeader(RawHeader.create("X-Revision", Long.toString(r.revision())));
      case NOT_FOUND -> Json.error(StatusCodes.NOT_FOUND, "no such key: " + key);
      default -> unexpected(r);
    };
  }

  private static HttpResponse unexpected(KvResult r) {
    return Json.error(r.status() == KvResult.Status.INVALID ? StatusCodes.BAD_REQUEST : StatusCodes.INTERNAL_SERVER_ERROR,
        "the KV store answered " + r.status());
  }

  private record Session(String clientId, long seq) {}

  /** The optional client session of a write; empty Optional when the headers are malformed. */
  private Route session(Function<Optional<Session>, Route> inner) {
    return optionalHeaderValueByName("X-Client-Id", id -> optionalHeaderValueByName("X-Request-Seq", seq -> {
      if (id.isEmpty()) {
        return inner.apply(Optional.of(new Session("", 0)));
      }
      try {
        long n = Long.parseLong(seq.orElse(""));
        boolean idFits = id.get().getBytes(StandardCharsets.UTF_8).length <= MAX_CLIENT_ID_BYTES;
        return inner.apply(n > 0 && idFits ? Optional.of(new Session(id.get(), n)) : Optional.empty());
      } catch (NumberFormatException e) {
        return inner.apply(Optional.empty());
      }
    }));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
