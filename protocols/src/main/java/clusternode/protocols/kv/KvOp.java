package clusternode.protocols.kv;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A KV command or query, and its compact binary form (one op byte, then length-prefixed key and
 * values). Binary rather than JSON because every write crosses the log, the wire and the disk.
 */
public sealed interface KvOp {
  /** Longest key, in UTF-8 bytes; longer keys are refused before they reach the log. */
  int MAX_KEY_BYTES = 1024;
  /** Largest value; larger ones are refused before they reach the log. */
  int MAX_VALUE_BYTES = 1 << 20;

  String key();

  record Put(String key, byte[] value) implements KvOp {}

  record Delete(String key) implements KvOp {}

  /** Sets {@code value} only if the current value equals {@code expected} (null: the key is absent). */
  record CompareAndSet(String key, byte[] expected, byte[] value) implements KvOp {}

  record Get(String key) implements KvOp {}

  /** Null when the key and values are within the limits, else why not. */
  static String invalidReason(String key, byte[]... values) {
    if (key == null || key.isEmpty()) {
      return "the key must not be empty";
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      return "the key is longer than " + MAX_KEY_BYTES + " bytes";
    }
    for (byte[] v : values) {
      if (v != null && v.length > MAX_VALUE_BYTES) {
        return "the value is larger than " + MAX_VALUE_BYTES + " bytes";
      }
    }
    return null;
  }

  static byte[] encode(KvOp op) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(op instanceof Put ? 'P' : op instanceof Delete ? 'D' : op instanceof CompareAndSet ? 'C' : 'G');
      writeKey(out, op.key());
      if (op instanceof Put p) {
        writeBytes(out, p.value());
      } else if (op instanceof CompareAndSet c) {
        writeBytes(out, c.expected());
        writeBytes(out, c.value());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** @throws IllegalArgumentException for bytes that are not a KV op */
  static KvOp decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
      int op = in.readUnsignedByte();
      String key = readKey(in);
      KvOp result = switch (op) {
        case 'P' -> new Put(key, readBytes(in));
        case 'D' -> new Delete(key);
        case 'C' -> new CompareAndSet(key, readBytes(in), readBytes(in));
        case 'G' -> new Get(key);
        default -> throw new IllegalArgumentException("unknown KV op " + op);
      };
      if (in.available() > 0) {
        throw new IllegalArgumentException("trailing bytes after a KV op");
      }
      return result;
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated KV op", e);
    }
  }

  private static void writeKey(DataOutputStream out, String key) throws IOException {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    out.writeShort(k.length);
    out.write(k);
  }

  private static String readKey(DataInputStream in) throws IOException {
    int length = in.readUnsignedShort();
    if (length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("key of " + length + " bytes");
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  /** Length -1 encodes null (an absent expected value). */
  private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
    if (value == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(value.length);
      out.write(value);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < -1 || length > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException("value of " + length + " bytes");
    }
    if (length == -1) {
      return null;
    }
    byte[] v = in.readNBytes(length);
    if (v.length != length) {
      throw new IOException("truncated value");
    }
    return v;
  }
}
