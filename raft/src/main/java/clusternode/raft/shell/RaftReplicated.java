package clusternode.raft.shell;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Scheduler;
import akka.actor.typed.javadsl.AskPattern;
import clusternode.protocols.statemachine.Replicated;
import clusternode.protocols.statemachine.Overloaded;
import clusternode.protocols.statemachine.Unavailable;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** Raft as the ordering protocol other protocols and the HTTP routes use: ask the server, map failures. */
public final class RaftReplicated implements Replicated {
  private final ActorRef<RaftServer.Command> server;
  private final Scheduler scheduler;
  private final Duration askTimeout;

  public RaftReplicated(ActorRef<RaftServer.Command> server, Scheduler scheduler, Duration requestTimeout) {
    this.server = server;
    this.scheduler = scheduler;
    // The server answers every request by its own deadline; the ask only guards against a dead server.
    this.askTimeout = requestTimeout.plusSeconds(2);
  }

  @Override
  public CompletionStage<byte[]> command(String machine, byte[] command) {
    return command(machine, command, "", 0);
  }

  @Override
  public CompletionStage<byte[]> command(String machine, byte[] command, String clientId, long seq) {
    return unwrap(AskPattern.ask(server, replyTo -> new RaftServer.Submit(machine, command, clientId, seq, replyTo),
        askTimeout, scheduler));
  }

  @Override
  public CompletionStage<byte[]> query(String machine, byte[] query, ReadConsistency consistency) {
    return unwrap(AskPattern.ask(server, replyTo -> new RaftServer.Query(machine, query, consistency, replyTo),
        askTimeout, scheduler));
  }

  public CompletionStage<RaftStatus> status() {
    return AskPattern.ask(server, RaftServer.GetStatus::new, Duration.ofSeconds(3), scheduler);
  }

  public CompletionStage<byte[]> transferLeadership(String target) {
    return unwrap(AskPattern.ask(server, replyTo -> new RaftServer.TransferLeadership(target, replyTo),
        askTimeout, scheduler));
  }

  public CompletionStage<byte[]> changeMembership(String add, String remove) {
    return unwrap(AskPattern.ask(server, replyTo -> new RaftServer.ChangeMembership(add, remove, replyTo),
        askTimeout, scheduler));
  }

  private static CompletionStage<byte[]> unwrap(CompletionStage<Outcome> outcome) {
    return outcome.handle((o, failure) -> {
      if (failure != null) {
        throw new Unavailable("the Raft server did not answer: " + failure.getMessage());
      }
      if (!o.ok()) {
        throw switch (o.refusal() == null ? Outcome.Refusal.UNAVAILABLE : o.refusal()) {
          case OVERLOADED -> new Overloaded(o.error());
          case INVALID -> new IllegalArgumentException(o.error());
          case UNAVAILABLE -> new Unavailable(o.error());
        };
      }
      return o.result();
    });
  }
}
