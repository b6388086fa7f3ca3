package clusternode.raft.shell;

import clusternode.protocols.statemachine.StateMachines;
import clusternode.raft.core.ClientSessions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Everything Raft applies committed commands to: the client sessions that make retries safe and
 * the node's state machines. Both are replicated state, so both go into snapshots.
 */
final class AppliedState {
  /** The result of a retried command whose first result was evicted: it must not run twice. */
  static final byte[] STALE = StateMachines.error("stale request: a newer request of this client was applied");

  private final StateMachines machines;
  private final long sessionMaxIdleEntries;
  private ClientSessions sessions;
  private long appliedIndex;

  AppliedState(StateMachines machines, long sessionMaxIdleEntries) {
    this.machines = machines;
    this.sessionMaxIdleEntries = sessionMaxIdleEntries;
    this.sessions = new ClientSessions(sessionMaxIdleEntries);
  }

  StateMachines machines() {
    return machines;
  }

  long appliedIndex() {
    return appliedIndex;
  }

  /** Applies the COMMAND entry at {@code index}; a retried session command returns its first result. */
  byte[] apply(long index, byte[] entryData) {
    advance(index);
    ClientCommand c;
    try {
      c = ClientCommand.decode(entryData);
    } catch (IllegalArgumentException e) {
      return StateMachines.error("malformed command entry: " + e.getMessage());
    }
    if (!c.hasSession()) {
      return machines.apply(index, c.command());
    }
    ClientSessions.Lookup seen = sessions.lookup(c.clientId(), c.seq());
    return switch (seen.status()) {
      case DUPLICATE -> seen.result();
      case STALE -> STALE;
      case NEW -> {
        byte[] result = machines.apply(index, c.command());
        sessions.record(c.clientId(), c.seq(), result, index);
        yield result;
      }
    };
  }

  /** A NOOP or CONFIG entry: nothing to apply, but the index moves on. */
  void skip(long index) {
    advance(index);
  }

  private void advance(long index) {
    if (index != appliedIndex + 1) {
      throw new IllegalStateException("applying index " + index + " after " + appliedIndex + ": a gap or a repeat");
    }
    appliedIndex = index;
  }

  byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(appliedIndex);
      byte[] s = sessions.toBytes();
      out.writeInt(s.length);
      out.write(s);
      out.write(machines.snapshot());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  void restore(long index, byte[] snapshot) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      long applied = in.readLong();
      if (applied != index) {
        throw new IllegalStateException("snapshot of index " + applied + " installed as index " + index);
      }
      ClientSessions restored = ClientSessions.fromBytes(in.readNBytes(in.readInt()), sessionMaxIdleEntries);
      machines.restore(in.readAllBytes());
      sessions = restored;
      appliedIndex = applied;
    } catch (IOException e) {
      throw new IllegalStateException("corrupt snapshot: " + e.getMessage(), e);
    }
  }
}
