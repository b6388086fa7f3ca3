package clusternode.protocols.kv.http;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import clusternode.protocols.http.Json;
import clusternode.protocols.kv.KvSettings;
import clusternode.protocols.kv.KvStore;
import clusternode.protocols.kv.core.KvCodec;
import clusternode.protocols.kv.core.KvCommand;
import clusternode.protocols.kv.core.KvQuery;
import clusternode.protocols.kv.core.Reply;
import clusternode.protocols.statemachine.Replicated;
import clusternode.protocols.statemachine.Replicated.ReadConsistency;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What every coordination route needs: send a command or query through the ordering protocol
 * and render the state machine's {@link Reply}; this node's own store (for watchers and waits);
 * whether leases work here.
 */
public final class KvCalls {
  final Replicated ordering;
  final int maxOpBytes;
  final KvStore local;
  final KvSettings settings;
  final AppliedSignal applied = new AppliedSignal();

  /**
   * @param local this node's replica of the store, null when the caller has none (then watch,
   *     locks and elections answer 501)
   */
  public KvCalls(Replicated ordering, int maxOpBytes, KvStore local, KvSettings settings) {
    this.ordering = ordering;
    this.maxOpBytes = maxOpBytes;
    this.local = local;
    this.settings = settings;
    if (local != null) {
      local.addListener(applied);
    }
  }

  boolean leasesOn() {
    return local != null && settings.limits().leasesEnabled();
  }

  /** The 501 of leases, watch, locks and elections where they cannot work. */
  static HttpResponse notHere(String what) {
    return Json.error(StatusCodes.NOT_IMPLEMENTED, what + " need the Raft leader's lease clock and a local replica to"
        + " watch; this deployment orders the KV store with PBFT, where no single node may be trusted with time"
        + " (revisions, ranges and txn work)");
  }

  CompletionStage<Reply> command(KvCommand c) {
    byte[] encoded = KvStore.encode(c);
    if (encoded.length > maxOpBytes) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("the operation is " + encoded.length
          + " bytes; this deployment's ordering protocol carries KV operations up to " + maxOpBytes + " bytes"));
    }
    return ordering.command(KvStore.NAME, encoded).thenApply(KvStore::decodeReply);
  }

  CompletionStage<Reply> query(KvQuery q, ReadConsistency consistency) {
    return ordering.query(KvStore.NAME, KvStore.encode(q), consistency).thenApply(KvStore::decodeReply);
  }

  /** Local (this replica's applied state), without the ordering protocol: for waits and watchers. */
  Reply localQuery(KvQuery q) {
    return KvStore.decodeReply(local.query(KvStore.encode(q)));
  }

  static HttpResponse render(Reply r) {
    return r.ok() ? Json.ok(r.body() == null ? KvCodec.MAPPER.createObjectNode() : r.body())
        : Json.error(StatusCodes.get(r.status()), r.error());
  }

  static CompletionStage<HttpResponse> rendered(CompletionStage<Reply> reply) {
    return reply.thenApply(KvCalls::render).exceptionally(Json::failure);
  }

  /** A JSON object body, strictly read; null when it is not one (the caller answers 400). */
  static ObjectNode object(byte[] body) {
    try {
      JsonNode n = Json.readTree(body);
      return n != null && n.isObject() ? (ObjectNode) n : null;
    } catch (IOException e) {
      return null;
    }
  }

  static HttpResponse badRequest(String message) {
    return Json.error(StatusCodes.BAD_REQUEST, message);
  }

  /** The wait a client asked for (ms), the default when absent; -1 when out of range. */
  long waitMs(JsonNode given) {
    if (given == null || given.isMissingNode()) {
      return settings.defaultWait().toMillis();
    }
    if (!given.isIntegralNumber() || given.asLong() < 0 || given.asLong() > settings.maxWait().toMillis()) {
      return -1;
    }
    return given.asLong();
  }
}
