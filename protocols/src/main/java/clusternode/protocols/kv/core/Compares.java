package clusternode.protocols.kv.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/** Checks and evaluates a txn's comparisons, as etcd's {@code Compare}. */
final class Compares {
  static final Set<String> TARGETS = Set.of("value", "version", "createRevision", "modRevision", "exists");
  static final Set<String> OPS = Set.of("=", "!=", "<", ">");

  private Compares() {}

  /** Null when {@code c} is well formed, else why not. */
  static String invalidReason(KvCommand.Compare c) {
    if (c == null) {
      return "a comparison is null";
    }
    String keyProblem = Keys.invalidReason(c.key());
    if (keyProblem != null) {
      return keyProblem;
    }
    if (c.target() == null || !TARGETS.contains(c.target())) {
      return "target must be one of value, version, createRevision, modRevision, exists";
    }
    if (c.op() == null || !OPS.contains(c.op())) {
      return "op must be one of = != < >";
    }
    JsonNode v = c.value();
    return switch (c.target()) {
      case "value" -> v != null && v.isTextual() ? Keys.invalidValue(v.asText()) : "comparing a value needs a string value";
      case "exists" -> v != null && v.isBoolean() && (c.op().equals("=") || c.op().equals("!="))
          ? null : "exists compares with = or != against true or false";
      default -> v != null && v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0
          ? null : c.target() + " compares against a non-negative integer";
    };
  }

  /** Whether {@code c} holds for {@code current} (null: the key is absent). */
  static boolean holds(KvCommand.Compare c, KeyValue current) {
    if (c.target().equals("exists")) {
      return (current != null) == (c.op().equals("=") == c.value().asBoolean());
    }
    if (c.target().equals("value")) {
      if (current == null) {
        return false; // as etcd: a value comparison on an absent key fails
      }
      return test(Arrays.compareUnsigned(current.value(), c.value().asText().getBytes(StandardCharsets.UTF_8)), c.op());
    }
    long actual = current == null ? 0 : switch (c.target()) {
      case "version" -> current.version();
      case "createRevision" -> current.createRevision();
      default -> current.modRevision();
    };
    return test(Long.compare(actual, c.value().asLong()), c.op());
  }

  private static boolean test(int cmp, String op) {
    return switch (op) {
      case "=" -> cmp == 0;
      case "!=" -> cmp != 0;
      case "<" -> cmp < 0;
      default -> cmp > 0;
    };
  }
}
