package clusternode.protocols.statemachine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state machines one ordering protocol drives on a node (the KV store, plus the ledger when
 * the deployment names it). A command is addressed to one of them: {@link #encode} puts the
 * target's name in front of the command's bytes. Snapshots hold every machine's snapshot.
 */
public final class StateMachines implements StateMachine {
  private static final int MAX_NAME_BYTES = 64;
  private final Map<String, StateMachine> byName = new LinkedHashMap<>();
  private long lastApplied;

  public StateMachines(List<StateMachine> machines) {
    for (StateMachine m : machines) {
      if (byName.put(m.name(), m) != null) {
        throw new IllegalArgumentException("two state machines named " + m.name());
      }
    }
  }

  /** A command for machine {@code target}. */
  public static byte[] encode(String target, byte[] command) {
    byte[] name = target.getBytes(StandardCharsets.UTF_8);
    if (name.length == 0 || name.length > MAX_NAME_BYTES) {
      throw new IllegalArgumentException("state machine name must be 1-" + MAX_NAME_BYTES + " bytes: " + target);
    }
    byte[] out = new byte[1 + name.length + command.length];
    out[0] = (byte) name.length;
    System.arraycopy(name, 0, out, 1, name.length);
    System.arraycopy(command, 0, out, 1 + name.length, command.length);
    return out;
  }

  @Override
  public String name() {
    return "machines";
  }

  public boolean has(String name) {
    return byName.containsKey(name);
  }

  public StateMachine get(String name) {
    StateMachine m = byName.get(name);
    if (m == null) {
      throw new IllegalArgumentException("no state machine named " + name + "; have " + byName.keySet());
    }
    return m;
  }

  /**
   * Routes the command to its machine. A command for a machine this node lacks cannot happen in
   * a consistent deployment; it yields an error result (identical on every replica) rather than a
   * crash.
   */
  @Override
  public byte[] apply(long index, byte[] command) {
    if (index <= lastApplied) {
      throw new IllegalStateException("index " + index + " applied after " + lastApplied + ": out of order");
    }
    lastApplied = index;
    int nameLength = command.length == 0 ? 0 : command[0] & 0xff;
    if (nameLength == 0 || nameLength > MAX_NAME_BYTES || 1 + nameLength > command.length) {
      return error("malformed command envelope");
    }
    String target = new String(command, 1, nameLength, StandardCharsets.UTF_8);
    StateMachine machine = byName.get(target);
    if (machine == null) {
      return error("no state machine named " + target);
    }
    byte[] body = java.util.Arrays.copyOfRange(command, 1 + nameLength, command.length);
    return machine.apply(index, body);
  }

  /** Queries go straight to the named machine: {@code query} holds no envelope. */
  @Override
  public byte[] query(byte[] query) {
    throw new UnsupportedOperationException("query a machine by name: get(name).query(bytes)");
  }

  /** The result of a command no machine could take; starts with 0xFF so no machine's result collides. */
  public static byte[] error(String message) {
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[text.length + 1];
    out[0] = (byte) 0xFF;
    System.arraycopy(text, 0, out, 1, text.length);
    return out;
  }

  @Override
  public byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(lastApplied);
      out.writeInt(byName.size());
      for (StateMachine m : byName.values()) {
        out.writeUTF(m.name());
        byte[] s = m.snapshot();
        out.writeInt(s.length);
        out.write(s);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public void restore(byte[] snapshot) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      long applied = in.readLong();
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        byte[] s = in.readNBytes(in.readInt());
        StateMachine m = byName.get(name);
        if (m == null) {
          throw new IllegalStateException("snapshot holds state machine " + name + " that this node does not run");
        }
        m.restore(s);
      }
      lastApplied = applied;
    } catch (IOException e) {
      throw new IllegalStateException("corrupt state machine snapshot: " + e.getMessage(), e);
    }
  }

  @Override
  public long lastAppliedIndex() {
    return lastApplied;
  }
}
