package clusternode.protocols.ledger;

import clusternode.protocols.ledger.core.Command;
import clusternode.protocols.ledger.core.Ledger;
import clusternode.protocols.ledger.core.LedgerCodec;
import clusternode.protocols.ledger.core.Query;
import clusternode.protocols.ledger.core.Reasons;
import clusternode.protocols.ledger.core.Result;
import clusternode.protocols.statemachine.StateMachine;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;

/**
 * The ledger as the state machine an ordering protocol (Raft, PBFT) drives, named {@value #NAME}.
 * Commands are JSON {@link Command}s (e.g. {@code {"type":"deposit","id":"d1","account":"a",
 * "amount":100,"timeMs":1700000000000}}), results JSON {@link Result}s; queries JSON {@link Query}s,
 * answers JSON {@link Query.Answer}s. A command that cannot be read is a {@code malformed_command}
 * result, identical on every replica, not an exception.
 *
 * <p>Methods are synchronized (uncontended in practice: the ordering protocol's actor calls them),
 * so a query or snapshot taken from another thread never sees half a command.
 */
public final class LedgerStateMachine implements StateMachine {
  public static final String NAME = "ledger";
  private final Ledger ledger;

  /** A fresh, empty ledger retaining the default {@value Ledger#DEFAULT_RETAIN_EVENTS} events of history. */
  public LedgerStateMachine() {
    this(Ledger.DEFAULT_RETAIN_EVENTS);
  }

  public LedgerStateMachine(int retainEvents) {
    this.ledger = new Ledger(retainEvents);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public synchronized byte[] apply(long index, byte[] command) {
    Command c;
    try {
      c = LedgerCodec.MAPPER.readValue(command, Command.class);
    } catch (IOException e) {
      return encode(ledger.malformed(index, firstLine(e)));
    }
    return encode(ledger.execute(index, c));
  }

  @Override
  public synchronized byte[] query(byte[] query) {
    Query q;
    try {
      q = LedgerCodec.MAPPER.readValue(query, Query.class);
    } catch (IOException e) {
      return encode(new Query.Answer(false, null, Reasons.MALFORMED_QUERY, firstLine(e)));
    }
    return encode(ledger.query(q));
  }

  @Override
  public synchronized byte[] snapshot() {
    return ledger.snapshot();
  }

  @Override
  public synchronized void restore(byte[] snapshot) {
    ledger.restore(snapshot);
  }

  @Override
  public synchronized long lastAppliedIndex() {
    return ledger.lastAppliedIndex();
  }

  /** The pure ledger inside, for tests and benchmarks that skip JSON. */
  public Ledger ledger() {
    return ledger;
  }

  private static byte[] encode(Object value) {
    try {
      return LedgerCodec.MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass(), e);
    }
  }

  private static String firstLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
