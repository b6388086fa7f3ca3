package clusternode.node.http;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import clusternode.protocols.http.Json;
import clusternode.protocols.metrics.Metrics;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A per-node bound on HTTP requests being worked on at once ({@code cluster-node.http.max-in-flight-requests}).
 * One more gets 429 with the JSON error at once, before its route runs, so nothing is proposed for
 * it; the protocols' own queues are bounded too, this is the outermost bound. A request counts from
 * when its route starts until its response is ready (or the route failed). {@code /health...} and
 * {@code /metrics} are not counted, so that an overloaded node can still be watched.
 */
final class InFlightLimit extends AllDirectives {
  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger highWater = new AtomicInteger();
  private final LongAdder rejected;

  InFlightLimit(int max, Metrics metrics) {
    if (max < 1) {
      throw new IllegalArgumentException("max in-flight requests must be at least 1");
    }
    this.max = max;
    metrics.gauge("http_requests_in_flight", "HTTP requests being worked on now", inFlight::get);
    metrics.gauge("http_requests_in_flight_max_seen", "most HTTP requests worked on at once since start",
        highWater::get);
    metrics.gauge("http_requests_in_flight_limit", "cluster-node.http.max-in-flight-requests", () -> max);
    this.rejected = metrics.counter("http_requests_rejected_total",
        "HTTP requests answered 429 because max-in-flight-requests were being worked on", "reason", "in-flight");
  }

  Route limit(Supplier<Route> inner) {
    return extractRequestContext(ctx -> {
      String path = ctx.getRequest().getUri().path();
      if (path.startsWith("/health") || path.equals("/metrics")) {
        return inner.get(); // an overloaded node can still be watched
      }
      int now = inFlight.incrementAndGet();
      if (now > max) {
        inFlight.decrementAndGet();
        rejected.increment();
        return complete(Json.error(StatusCodes.TOO_MANY_REQUESTS, "this node is working on " + max
            + " requests (cluster-node.http.max-in-flight-requests); nothing was done, retry later"));
      }
      highWater.accumulateAndGet(now, Math::max);
      return mapRouteResultFuture(result -> result.whenComplete((r, e) -> inFlight.decrementAndGet()), inner);
    });
  }

  int inFlight() {
    return inFlight.get();
  }
}
