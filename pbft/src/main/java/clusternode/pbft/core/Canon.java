package clusternode.pbft.core;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The canonical bytes a message is signed over, and SHA-256 digests as hex. Only writes, never parses. */
public final class Canon {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
  private final DataOutputStream out = new DataOutputStream(bytes);

  public Canon(String tag) {
    str(tag);
  }

  public Canon str(String s) {
    return raw(s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8));
  }

  public Canon num(long v) {
    try {
      out.writeLong(v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public Canon flag(boolean v) {
    return num(v ? 1 : 0);
  }

  /** Length-prefixed bytes; null and empty are told apart. */
  public Canon raw(byte[] b) {
    try {
      if (b == null) {
        out.writeInt(-1);
      } else {
        out.writeInt(b.length);
        out.write(b);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public byte[] bytes() {
    return bytes.toByteArray();
  }

  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
