package clusternode.protocols.kv.http;

import akka.NotUsed;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import akka.japi.Pair;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import clusternode.protocols.http.Json;
import clusternode.protocols.kv.core.Event;
import clusternode.protocols.kv.core.KvCodec;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /watch?prefix=P[&fromRevision=R]} (or header {@code Last-Event-ID}): every change under
 * P from revision R (default: from now on), in revision order, as Server-Sent Events, served from
 * this node's own applied state (any node can serve it; a client that reconnects elsewhere resumes
 * from the last revision it saw).
 *
 * <p>A watcher is a position in the store's bounded event history, not a buffer: each chunk is read
 * from the history when the client's connection asks for more (back-pressure), so a slow client
 * costs no memory. If it falls so far behind that its next revision has been compacted, it gets an
 * {@code event: cancelled} with the reason and the stream ends. An idle watcher gets an
 * {@code event: progress} with the store's revision every progress interval.
 */
public final class WatchRoutes extends AllDirectives {
  private final KvCalls calls;
  private final AtomicInteger open;

  public WatchRoutes(KvCalls calls, AtomicInteger openStreams) {
    this.calls = calls;
    this.open = openStreams;
  }

  public Route routes() {
    return path("watch", () -> get(() -> {
      if (!calls.leasesOn()) {
        return complete(KvCalls.notHere("watches"));
      }
      return parameterOptional("prefix", prefix -> parameterOptional("fromRevision", from ->
          optionalHeaderValueByName("Last-Event-ID", last -> complete(watch(prefix.orElse(""), from, last)))));
    }));
  }

  private HttpResponse watch(String prefix, Optional<String> from, Optional<String> lastEventId) {
    long next;
    try {
      next = from.isPresent() ? Long.parseLong(from.get())
          : lastEventId.isPresent() ? Long.parseLong(lastEventId.get().strip()) + 1 : calls.local.revision() + 1;
    } catch (NumberFormatException e) {
      return KvCalls.badRequest("fromRevision (or Last-Event-ID) is an integer revision");
    }
    if (next < 1 || prefix.length() > clusternode.protocols.kv.core.Keys.MAX_KEY_BYTES) {
      return KvCalls.badRequest("fromRevision is at least 1 and the prefix at most " + clusternode.protocols.kv.core.Keys.MAX_KEY_BYTES + " bytes");
    }
    long compacted = calls.local.compacted();
    if (next <= compacted) {
      return Json.error(StatusCodes.GONE, "revision " + next + " was compacted; watch from " + (compacted + 1)
          + " or later, after reading the current state with GET /kv?prefix=" + prefix);
    }
    if (open.incrementAndGet() > calls.settings.maxWatchers()) {
      open.decrementAndGet();
      return Json.error(StatusCodes.TOO_MANY_REQUESTS, "this node already serves " + calls.settings.maxWatchers() + " streams");
    }
    Source<ByteString, NotUsed> events = Source.unfoldAsync(new Position(next, System.nanoTime(), false),
        p -> step(prefix, p));
    return Sse.response(events.watchTermination((mat, done) -> {
      done.whenComplete((d, failure) -> open.decrementAndGet());
      return mat;
    }));
  }

  /** Where a watcher stands: the next revision it needs, when it last got anything, whether it is over. */
  private record Position(long next, long lastSentNanos, boolean over) {}

  private CompletionStage<Optional<Pair<Position, ByteString>>> step(String prefix, Position p) {
    if (p.over()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    long idleMs = (System.nanoTime() - p.lastSentNanos()) / 1_000_000;
    long progressMs = calls.settings.watchProgressInterval().toMillis();
    // armed before reading, so a change applied between the read and the wait still wakes us
    CompletionStage<Void> wake = calls.applied.next(Math.max(1, progressMs - idleMs));
    long revision = calls.local.revision();
    long compacted = calls.local.compacted();
    if (p.next() <= compacted) {
      ByteString cancelled = Sse.named("cancelled", KvCodec.MAPPER.createObjectNode().put("type", "cancelled")
          .put("reason", "this watcher fell behind: revision " + p.next() + " was compacted (history keeps "
              + calls.settings.limits().retainRevisions() + " revisions); read the current state and watch again")
          .put("compacted", compacted));
      return CompletableFuture.completedFuture(Optional.of(Pair.create(new Position(p.next(), System.nanoTime(), true), cancelled)));
    }
    List<Event> events = calls.local.eventsFrom(p.next(), prefix, calls.settings.watchBatchEvents());
    if (!events.isEmpty()) {
      long next = events.get(events.size() - 1).revision() + 1;
      return CompletableFuture.completedFuture(Optional.of(Pair.create(new Position(next, System.nanoTime(), false),
          Sse.events(events))));
    }
    // nothing for this prefix up to `revision`: skip it, then wait for a change or the progress interval
    Position caughtUp = new Position(Math.max(p.next(), revision + 1), p.lastSentNanos(), false);
    if (idleMs >= progressMs) {
      ByteString progress = Sse.named("progress", KvCodec.MAPPER.createObjectNode().put("type", "progress")
          .put("revision", revision));
      return CompletableFuture.completedFuture(Optional.of(Pair.create(
          new Position(caughtUp.next(), System.nanoTime(), false), progress)));
    }
    return wake.thenComposeAsync(v -> step(prefix, caughtUp)); // off the applying thread
  }
}
