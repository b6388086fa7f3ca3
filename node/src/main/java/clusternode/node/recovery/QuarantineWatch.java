package clusternode.node.recovery;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.Behaviors;
import akka.remote.artery.ThisActorSystemQuarantinedEvent;
import java.util.concurrent.CompletableFuture;

/**
 * Completes when a peer tells this actor system that it quarantined it. Artery then drops every
 * message between that peer and this incarnation (this UID) for good: "Remote ActorSystem must be
 * restarted to recover" (Association.quarantine, Akka 2.8). Only a new incarnation, a new actor
 * system with a new UID, is let in again.
 */
final class QuarantineWatch {
  private QuarantineWatch() {}

  /** The reason, once {@code system} learns it was quarantined. */
  static CompletableFuture<String> on(ActorSystem<?> system) {
    CompletableFuture<String> quarantined = new CompletableFuture<>();
    var watcher = system.systemActorOf(Behaviors.receive(ThisActorSystemQuarantinedEvent.class)
        .onMessage(ThisActorSystemQuarantinedEvent.class, e -> {
          quarantined.complete("quarantined by " + e.remoteAddress().address() + " (uid " + e.remoteAddress().uid() + ")");
          return Behaviors.same();
        }).build(), "quarantine-watch", Props.empty());
    system.eventStream().tell(new EventStream.Subscribe<>(ThisActorSystemQuarantinedEvent.class, watcher));
    return quarantined;
  }
}
