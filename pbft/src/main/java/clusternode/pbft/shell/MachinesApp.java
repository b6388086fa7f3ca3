package clusternode.pbft.shell;

import clusternode.pbft.core.App;
import clusternode.protocols.statemachine.StateMachines;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The node's state machines as PBFT's application. Operations carry the target machine's name
 * ({@link StateMachines#encode}); read-only ones go to that machine's {@code query}.
 */
public final class MachinesApp implements App {
  private final StateMachines machines;

  public MachinesApp(StateMachines machines) {
    this.machines = machines;
  }

  @Override
  public byte[] execute(long index, byte[] operation) {
    return machines.apply(index, operation);
  }

  @Override
  public byte[] query(byte[] operation) {
    int nameLength = operation.length == 0 ? 0 : operation[0] & 0xff;
    if (nameLength == 0 || 1 + nameLength > operation.length) {
      return StateMachines.error("malformed query envelope");
    }
    String name = new String(operation, 1, nameLength, StandardCharsets.UTF_8);
    if (!machines.has(name)) {
      return StateMachines.error("no state machine named " + name);
    }
    return machines.get(name).query(Arrays.copyOfRange(operation, 1 + nameLength, operation.length));
  }

  @Override
  public byte[] snapshot() {
    return machines.snapshot();
  }

  @Override
  public void restore(byte[] snapshot) {
    machines.restore(snapshot);
  }
}
