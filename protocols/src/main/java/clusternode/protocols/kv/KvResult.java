package clusternode.protocols.kv;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a KV op returned, in binary: one status byte, the revision (the log index of the key's
 * last change, as etcd's mod_revision), and the value when there is one.
 *
 * @param value the value read, or the current value after a failed compare-and-set; null if none
 */
public record KvResult(Status status, long revision, byte[] value) {
  public enum Status {
    /** The op took effect (put, delete of a present key, successful CAS) or the key was found. */
    OK,
    /** The key is absent (get, delete). */
    NOT_FOUND,
    /** Compare-and-set: the current value was not the expected one; {@code value} holds it. */
    MISMATCH,
    /** The op was malformed or beyond the limits; nothing changed. */
    INVALID
  }

  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + (value == null ? 0 : value.length));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(status.ordinal());
      out.writeLong(revision);
      out.writeInt(value == null ? -1 : value.length);
      if (value != null) {
        out.write(value);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static KvResult decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
      Status status = Status.values()[in.readUnsignedByte()];
      long revision = in.readLong();
      int length = in.readInt();
      return new KvResult(status, revision, length < 0 ? null : in.readNBytes(length));
    } catch (IOException | ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("not a KV result", e);
    }
  }
}
