package clusternode.protocols.kv.http;

import static akka.http.javadsl.server.PathMatchers.longSegment;

import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import clusternode.protocols.kv.core.KvCommand;
import clusternode.protocols.kv.core.KvQuery;
import clusternode.protocols.statemachine.Replicated.ReadConsistency;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code POST /leases {ttlMs}}, {@code POST /leases/{id}/keepalive}, {@code GET /leases/{id}},
 * {@code DELETE /leases/{id}}. Grants and keep-alives carry no time: the state machine counts
 * from its lease clock (see {@code Leases}).
 */
public final class LeaseRoutes extends AllDirectives {
  private final KvCalls calls;

  public LeaseRoutes(KvCalls calls) {
    this.calls = calls;
  }

  public Route routes() {
    return pathPrefix("leases", () -> {
      if (!calls.leasesOn()) {
        return complete(KvCalls.notHere("leases"));
      }
      return concat(
          pathEnd(() -> post(() -> entity(Unmarshaller.entityToByteArray(), this::grant))),
          pathPrefix(longSegment(), id -> concat(
              pathEnd(() -> concat(
                  get(() -> completeWithFuture(KvCalls.rendered(calls.query(new KvQuery.LeaseInfo(id), ReadConsistency.LINEARIZABLE)))),
                  delete(() -> completeWithFuture(KvCalls.rendered(calls.command(new KvCommand.LeaseRevoke(id))))))),
              path("keepalive", () -> post(() ->
                  completeWithFuture(KvCalls.rendered(calls.command(new KvCommand.LeaseKeepAlive(id))))))
          )));
    });
  }

  private Route grant(byte[] body) {
    ObjectNode json = KvCalls.object(body);
    if (json == null || json.size() != 1 || !json.path("ttlMs").isIntegralNumber() || !json.get("ttlMs").canConvertToLong()) {
      return complete(KvCalls.badRequest("expected {\"ttlMs\": MILLISECONDS} and nothing else"));
    }
    return completeWithFuture(KvCalls.rendered(calls.command(new KvCommand.LeaseGrant(json.get("ttlMs").asLong()))));
  }
}
