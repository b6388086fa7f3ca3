package clusternode.protocols.kv.core;

import java.nio.charset.StandardCharsets;

/** Key, value and queue-name rules, and the reserved key space of locks and elections. */
public final class Keys {
  /** Longest key, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 1024;
  /** Largest value, in UTF-8 bytes. */
  public static final int MAX_VALUE_BYTES = 1 << 20;
  /** Longest lock or election name, in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 256;
  /**
   * Keys under this prefix are written only by lock and election commands, so nobody can forge a
   * queue member (and with it a fencing token) by a plain put. They are read and watched like any key.
   */
  public static final String RESERVED_PREFIX = "_coord/";

  private Keys() {}

  public static String invalidReason(String key) {
    if (key == null || key.isEmpty()) {
      return "the key must not be empty";
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
      return "the key is longer than " + MAX_KEY_BYTES + " bytes";
    }
    return null;
  }

  /** As {@link #invalidReason}, and not under {@link #RESERVED_PREFIX}. */
  public static String unwritableReason(String key) {
    String r = invalidReason(key);
    if (r == null && key.startsWith(RESERVED_PREFIX)) {
      return "keys under " + RESERVED_PREFIX + " are written only through /locks and /elections";
    }
    return r;
  }

  static String invalidValue(String value) {
    if (value == null) {
      return "the value must be a string";
    }
    return value.length() > MAX_VALUE_BYTES / 3 && value.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES
        ? "the value is larger than " + MAX_VALUE_BYTES + " bytes" : null;
  }

  public static String invalidName(String name) {
    if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      return "a lock or election name is 1-" + MAX_NAME_BYTES + " bytes";
    }
    if (name.indexOf('/') >= 0 || name.chars().anyMatch(Character::isISOControl)) {
      return "a lock or election name holds no '/' and no control characters";
    }
    return null;
  }

  /** The queue's prefix: {@code _coord/locks/NAME/} or {@code _coord/elections/NAME/}. */
  static String queuePrefix(String kind, String name) {
    return RESERVED_PREFIX + (kind.equals("lock") ? "locks/" : "elections/") + name + "/";
  }

  /** The first key after every key with {@code prefix}; null when there is none (no upper end). */
  public static String prefixEnd(String prefix) {
    for (int i = prefix.length() - 1; i >= 0; i--) {
      char c = prefix.charAt(i);
      if (c != Character.MAX_VALUE) {
        return prefix.substring(0, i) + (char) (c + 1);
      }
    }
    return null;
  }
}
