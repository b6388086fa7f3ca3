package clusternode.raft.shell;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of a COMMAND log entry: the client's session (id and sequence number, dissertation
 * §6.3; an empty id means no session) and the command for the state machines.
 */
public record ClientCommand(String clientId, long seq, byte[] command) {
  public static final int MAX_CLIENT_ID_BYTES = 128;

  public ClientCommand {
    if (clientId.getBytes(StandardCharsets.UTF_8).length > MAX_CLIENT_ID_BYTES) {
      throw new IllegalArgumentException("client id longer than " + MAX_CLIENT_ID_BYTES + " bytes");
    }
    if (!clientId.isEmpty() && seq < 1) {
      throw new IllegalArgumentException("a session's sequence numbers start at 1");
    }
  }

  public boolean hasSession() {
    return !clientId.isEmpty();
  }

  public byte[] encode() {
    byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + id.length + 8 + command.length).put((byte) id.length).put(id).putLong(seq)
        .put(command).array();
  }

  /** @throws IllegalArgumentException if the bytes are not a client command */
  public static ClientCommand decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (!in.hasRemaining()) {
      throw new IllegalArgumentException("empty command entry");
    }
    int idLength = in.get() & 0xff;
    if (idLength > MAX_CLIENT_ID_BYTES || in.remaining() < idLength + 8) {
      throw new IllegalArgumentException("truncated command entry");
    }
    byte[] id = new byte[idLength];
    in.get(id);
    long seq = in.getLong();
    byte[] command = new byte[in.remaining()];
    in.get(command);
    return new ClientCommand(new String(id, StandardCharsets.UTF_8), seq, command);
  }
}
