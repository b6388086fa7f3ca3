package clusternode.node.recovery;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import clusternode.node.Node;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
  /** Exit code when no new incarnation could start (ports still held): a supervisor should restart the process. */
  public static final int EXIT_RESTART_ME = 75;

  private static final Logger log = LoggerFactory.getLogger(Incarnations.class);
  // Terminating a downed system can hang on TLS connections to peers that are still cut off, and
  // Artery unbinds its port only at the end of that (see ArteryPort, which frees it first).
  private static final Duration OLD_TERMINATION_WAIT = Duration.ofSeconds(15);
  private static final Duration START_RETRIES = Duration.ofSeconds(60);

  /** Starts one incarnation; throws NodeStartException as Node.start does. */
  public interface Starter {
    Node start() throws Node.NodeStartException;
  }

  private Incarnations() {}

  /** Runs {@code first}, then new incarnations as needed; returns the process exit code. */
  public static int run(Node first, Starter starter) {
    CompletableFuture<Void> jvmStopping = new CompletableFuture<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> jvmStopping.complete(null), "incarnations-stop"));
    Node node = first;
    for (int restarts = 1; ; restarts++) {
      CompletableFuture<String> lost = QuarantineWatch.on(node.system());
      onDowning(node, lost);
      CompletableFuture.anyOf(node.whenTerminated(), lost, jvmStopping).join();
      if (jvmStopping.isDone() || !lost.isDone()) {
        // SIGTERM (Akka's own hook stops the system) or an end of another kind: this process ends.
        node.whenTerminated().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
        return 0;
      }
      log.warn("this incarnation can never reach its peers again ({}); starting a new incarnation (restart {})",
          lost.join(), restarts);
      // Unbound first, while the old system's IO actors still run: its termination can hang on TLS
      // streams to peers still cut off (and end without ever unbinding), keeping the port for minutes.
      ArteryPort.release(node.system());
      node.system().terminate();
      node.whenTerminated().orTimeout(OLD_TERMINATION_WAIT.toSeconds(), TimeUnit.SECONDS).exceptionally(e -> null).join();
      // A node quarantined again and again must not spin: one more second per restart, at most 10.
      sleep(Duration.ofSeconds(Math.min(10, restarts)));
      node = startWithRetries(starter, jvmStopping);
      if (node == null) {
        return jvmStopping.isDone() ? 0 : EXIT_RESTART_ME;
      }
    }
  }

  /** Completes {@code lost} as soon as Akka starts shutting the system down because the cluster downed it. */
  private static void onDowning(Node node, CompletableFuture<String> lost) {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(node.system().classicSystem());
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "new-incarnation-when-downed", () -> {
      if (shutdown.getShutdownReason().filter(r -> r.equals(CoordinatedShutdown.clusterDowningReason())).isPresent()) {
        lost.complete("downed and removed from the Akka cluster");
      }
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Node startWithRetries(Starter starter, CompletableFuture<Void> jvmStopping) {
    long deadline = System.nanoTime() + START_RETRIES.toNanos();
    long backoffMs = 1000;
    while (!jvmStopping.isDone()) {
      try {
        return starter.start();
      } catch (Node.NodeStartException | RuntimeException e) { // RuntimeException: ConfigProblem "port in use"
        if (System.nanoTime() > deadline) {
          log.error("no new incarnation within {} s ({}); exiting with {} for the supervisor to restart",
              START_RETRIES.toSeconds(), e.getMessage(), EXIT_RESTART_ME);
          return null;
        }
        log.warn("new incarnation not started yet ({}); retrying", e.getMessage());
      }
      try {
        Thread.sleep(backoffMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      backoffMs = Math.min(backoffMs * 2, 8000);
    }
    return null;
  }
}
