package clusternode.raft.http;

import static akka.http.javadsl.server.PathMatchers.segment;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import clusternode.protocols.http.Json;
import clusternode.protocols.monitor.PeerMonitorProvider;
import clusternode.raft.shell.RaftReplicated;
import clusternode.raft.shell.RaftStatus;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /health/consensus} (role, term, leader, indexes, quorum health, follower lag) and the
 * admin routes {@code /admin/raft/transfer-leader} and {@code /admin/raft/members}.
 */
public final class RaftRoutes extends AllDirectives {
  private final RaftReplicated raft;
  private final PeerMonitorProvider.Instance monitor;

  public RaftRoutes(RaftReplicated raft, PeerMonitorProvider.Instance monitor) {
    this.raft = raft;
    this.monitor = monitor;
  }

  public Route routes() {
    return path(segment("health").slash("consensus"), () -> get(() -> completeWithFuture(
        consensus().thenApply(Json::ok).exceptionally(Json::failure))));
  }

  /**
   * The status with two views of the quorum: {@code reachable}/{@code healthy} as the peer monitor
   * sees it from here (any role), and {@code active} as Raft sees it (on the leader: a majority of
   * voters answered within about an election timeout; false on every other server).
   */
  public CompletionStage<Map<String, Object>> consensus() {
    return raft.status().thenCombine(monitor.report(), (status, report) -> {
      Map<String, Boolean> row = report.matrix().get(report.self());
      long reachableVoters = status.voters().stream()
          .filter(v -> v.equals(status.id()) || Boolean.TRUE.equals(row.get(v))).count();
      int quorum = status.voters().size() / 2 + 1;
      Map<String, Object> body = new LinkedHashMap<>(asMap(status));
      Map<String, Object> q = new LinkedHashMap<>();
      q.put("size", quorum);
      q.put("voters", status.voters().size());
      q.put("reachable", reachableVoters);
      q.put("healthy", reachableVoters >= quorum);
      q.put("active", status.quorumActive());
      body.put("quorum", q);
      return body;
    });
  }

  private static Map<String, Object> asMap(RaftStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id());
    m.put("role", s.role());
    m.put("term", s.term());
    m.put("leader", s.leader());
    m.put("commitIndex", s.commitIndex());
    m.put("lastApplied", s.lastApplied());
    m.put("lastIndex", s.lastIndex());
    m.put("snapshotIndex", s.snapshotIndex());
    m.put("voters", s.voters());
    m.put("learners", s.learners());
    m.put("lag", s.lag());
    m.put("pendingRequests", s.pendingRequests());
    return m;
  }

  /** Mounted under /admin behind the admin token. */
  public Route adminRoutes() {
    return pathPrefix("raft", () -> concat(
        path("transfer-leader", () -> post(() -> entity(Unmarshaller.entityToByteArray(), body -> withId(body, "target",
            target -> done(raft.transferLeadership(target), Map.of("transferringTo", target)))))),
        path("members", () -> post(() -> entity(Unmarshaller.entityToByteArray(), body -> withId(body, "add",
            id -> done(raft.changeMembership(id, null), Map.of("added", id, "as", "learner")))))),
        path(segment("members").slash(segment()), id -> delete(() ->
            done(raft.changeMembership(null, id), Map.of("removed", id))))));
  }

  private Route withId(byte[] body, String field, java.util.function.Function<String, Route> inner) {
    try {
      JsonNode json = Json.readTree(body);
      if (json != null && json.isObject() && json.size() == 1 && json.path(field).isTextual()) {
        return inner.apply(json.get(field).asText());
      }
    } catch (IOException e) {
      // answered below
    }
    return complete(Json.error(StatusCodes.BAD_REQUEST, "expected {\"" + field + "\": \"<node id>\"}"));
  }

  private Route done(CompletionStage<byte[]> result, Map<String, Object> answer) {
    return completeWithFuture(result.thenApply(r -> Json.ok(answer)).exceptionally(Json::failure));
  }

}
