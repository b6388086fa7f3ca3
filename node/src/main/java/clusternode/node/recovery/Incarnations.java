package clusternode.node.recovery;

import akka.actor.CoordinatedShutdown;
import clusternode.node.Node;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a node as a sequence of incarnations in one JVM (one pid, so launcher, pid file and
 * systemd see one process). A new incarnation starts when the running one can never talk to its
 * peers again: a peer quarantined it (Artery refuses its UID forever), or the Akka cluster downed
 * and removed it (Akka then shuts the actor system down, and a removed member cannot rejoin with
 * the same UID). The new actor system has a new UID, reads the same data directory and joins
 * through the seed nodes like a restarted node. SIGTERM still ends the process.
 */
public final class Incarnations {
  private static final Logger log = LoggerFactory.getLogger(Incarnations.class);
  private static final Duration BACKOFF_MAX = Duration.ofSeconds(10);

  private Incarnations() {}

  /** Starts node after node until one ends for a reason that is not a lost membership; returns the last one's end. */
  public static void run(Supplier<Node> start) {
    CompletableFuture<Void> jvmStopping = new CompletableFuture<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> jvmStopping.complete(null), "incarnations-stop"));
    for (int restarts = 0; ; restarts++) {
      Node node = start.get();
      CompletableFuture<String> quarantined = QuarantineWatch.on(node.system());
      CompletableFuture.anyOf(node.whenTerminated(), quarantined, jvmStopping).join();
      if (jvmStopping.isDone()) {
        node.whenTerminated().join(); // Akka's own shutdown hook stops the system
        return;
      }
      Optional<String> why = quarantined.isDone() ? Optional.of(quarantined.join()) : downed(node);
      if (why.isEmpty()) {
        return; // stopped for another reason (e.g. Artery gave up): exit, the process supervisor decides
      }
      log.warn("this incarnation can never reach its peers again ({}); starting a new incarnation (restart {})",
          why.get(), restarts + 1);
      node.close();
      sleep(Duration.ofSeconds(Math.min(BACKOFF_MAX.toSeconds(), restarts + 1L)));
      if (jvmStopping.isDone()) {
        return;
      }
    }
  }

  private static Optional<String> downed(Node node) {
    Optional<CoordinatedShutdown.Reason> reason =
        CoordinatedShutdown.get(node.system().classicSystem()).getShutdownReason();
    return reason.filter(r -> r.equals(CoordinatedShutdown.clusterDowningReason()))
        .map(r -> "downed and removed from the Akka cluster");
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
