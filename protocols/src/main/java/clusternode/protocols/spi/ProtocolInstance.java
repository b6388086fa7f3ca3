package clusternode.protocols.spi;

import akka.http.javadsl.server.Route;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** A started protocol: what it adds to the node's HTTP API and to {@code GET /health}. */
public interface ProtocolInstance {
  /** Routes this protocol serves, if any; they are mounted beside the node's own routes. */
  default Optional<Route> routes() {
    return Optional.empty();
  }

  /**
   * Routes mounted under {@code /admin/}, behind the node's admin token (a protocol's route
   * {@code path("raft", ...)} answers at {@code /admin/raft}).
   */
  default Optional<Route> adminRoutes() {
    return Optional.empty();
  }

  /** A JSON-able summary of this protocol's state for {@code GET /health}. */
  CompletionStage<Object> health();
}
