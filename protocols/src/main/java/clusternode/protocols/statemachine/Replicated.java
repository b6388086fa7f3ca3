package clusternode.protocols.statemachine;

import java.util.concurrent.CompletionStage;

/**
 * The face an ordering protocol (Raft, PBFT) shows to the protocols that build on it, such as the
 * ledger: submit a command to be ordered and applied everywhere, or query a state machine.
 * The ordering protocol registers it in the {@code ProtocolContext} under its own name.
 *
 * <p>Both stages fail with {@link Unavailable} when no answer can be given safely now (no leader,
 * no quorum, timed out): never with a stale success.
 */
public interface Replicated {
  /** Orders {@code command} for machine {@code machine}; completes with its result once applied. */
  CompletionStage<byte[]> command(String machine, byte[] command);

  /**
   * A command in a client session: a retry with the same (clientId, seq) is applied once. The
   * default ignores the session, for protocols whose own request ids already make every request
   * run at most once (PBFT's client timestamps).
   */
  default CompletionStage<byte[]> command(String machine, byte[] command, String clientId, long seq) {
    return command(machine, command);
  }

  /** Runs a read-only {@code query} on machine {@code machine}, at the asked consistency. */
  CompletionStage<byte[]> query(String machine, byte[] query, ReadConsistency consistency);

  /** How current a query's answer must be. */
  enum ReadConsistency {
    /** Reflects every command acknowledged before the query began (Raft ReadIndex). */
    LINEARIZABLE,
    /** Whatever this replica has applied; may be stale, never blocks on the network. */
    LOCAL
  }
}
