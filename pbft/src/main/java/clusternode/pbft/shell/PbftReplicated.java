package clusternode.pbft.shell;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import clusternode.pbft.core.Byzantine;
import clusternode.pbft.core.PbftStatus;
import clusternode.protocols.statemachine.Replicated;
import clusternode.protocols.statemachine.Overloaded;
import clusternode.protocols.statemachine.Unavailable;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * PBFT as the ordering protocol other protocols and the HTTP routes use. A command is signed and
 * sent to every replica; it completes once f+1 replicas sent the same result. A LINEARIZABLE
 * query is ordered like a command (read-only, executed in sequence); LOCAL reads this replica.
 */
public final class PbftReplicated implements Replicated {
  /**
   * Largest operation: a signed request must fit one Akka frame with room for its envelope
   * ({@code PbftSettings} checks it against cluster-node.transport.max-frame-bytes).
   */
  public static final int MAX_OP_BYTES = 192 * 1024;
  /** How long status and admin calls wait for the replica actor. */
  static final Duration ADMIN_ASK_TIMEOUT = Duration.ofSeconds(3);

  private final ActorRef<PbftReplica.Command> replica;
  private final Scheduler scheduler;
  private final Duration askTimeout;

  public PbftReplicated(ActorRef<PbftReplica.Command> replica, Scheduler scheduler, Duration requestTimeout) {
    this.replica = replica;
    this.scheduler = scheduler;
    // The replica answers every request by its own deadline; the ask only guards against a dead actor.
    this.askTimeout = requestTimeout.plusSeconds(2);
  }

  @Override
  public CompletionStage<byte[]> command(String machine, byte[] command) {
    if (command.length > MAX_OP_BYTES) {
      return java.util.concurrent.CompletableFuture.failedFuture(new IllegalArgumentException("the command is "
          + command.length + " bytes; PBFT carries up to " + MAX_OP_BYTES));
    }
    return unwrap(AskPattern.ask(replica, replyTo -> new PbftReplica.Submit(machine, command, false, replyTo),
        askTimeout, scheduler));
  }

  @Override
  public CompletionStage<byte[]> query(String machine, byte[] query, ReadConsistency consistency) {
    if (consistency == ReadConsistency.LOCAL) {
      return unwrap(AskPattern.ask(replica, replyTo -> new PbftReplica.QueryLocal(machine, query, replyTo),
          askTimeout, scheduler));
    }
    return unwrap(AskPattern.ask(replica, replyTo -> new PbftReplica.Submit(machine, query, true, replyTo),
        askTimeout, scheduler));
  }

  public CompletionStage<PbftStatus> status() {
    return answered(AskPattern.ask(replica, PbftReplica.GetStatus::new, ADMIN_ASK_TIMEOUT, scheduler),
        "its status");
  }

  /** Fails with {@link Unavailable} (503) when the busy replica does not answer in time; the mode may still change. */
  public CompletionStage<PbftStatus> setByzantine(Byzantine mode) {
    return answered(AskPattern.ask(replica, replyTo -> new PbftReplica.SetByzantine(mode, replyTo), ADMIN_ASK_TIMEOUT,
        scheduler), "the change to " + mode.label() + " (it may still take effect: check GET /admin/byzantine)");
  }

  /**
   * A replica busy under load can miss the ask's deadline: that is an unavailable replica (503
   * with the reason), not an internal error (500, which Akka's timeout became before).
   */
  private static <T> CompletionStage<T> answered(CompletionStage<T> ask, String what) {
    return ask.handle((answer, failure) -> {
      if (failure != null) {
        throw new Unavailable("the PBFT replica did not confirm " + what + " within "
            + ADMIN_ASK_TIMEOUT.toSeconds() + " s: " + failure.getMessage());
      }
      return answer;
    });
  }

  private static CompletionStage<byte[]> unwrap(CompletionStage<Outcome> outcome) {
    return outcome.handle((o, failure) -> {
      if (failure != null) {
        throw new Unavailable("the PBFT replica did not answer: " + failure.getMessage());
      }
      if (!o.ok()) {
        throw o.overloaded() ? new Overloaded(o.error()) : new Unavailable(o.error());
      }
      return o.result();
    });
  }
}
