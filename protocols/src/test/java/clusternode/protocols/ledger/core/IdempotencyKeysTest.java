package clusternode.protocols.ledger.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The idempotency-key tables against a sorted map: lookups, growth, repeated keys, iteration order, results. */
class IdempotencyKeysTest {
  @Test
  void behavesLikeASortedMapOfSpaceAndId() {
    Random random = new Random(5);
    IdempotencyKeys keys = new IdempotencyKeys();
    TreeMap<String, IdempotencyKeys.Recorded> model = new TreeMap<>();
    String[] types = {"open", "deposit", "withdraw", "transfer", "post", "void", "batch"};
    for (int step = 0; step < 50_000; step++) {
      String space = IdempotencyKeys.SPACES[random.nextInt(IdempotencyKeys.SPACES.length)];
      // Few distinct ids, so repeats and colliding hashes ("Aa" and "BB") come up often.
      String id = random.nextInt(4) == 0 ? (random.nextBoolean() ? "Aa" : "BB") + random.nextInt(50)
          : "k" + random.nextInt(30_000);
      String key = space + "/" + id;
      IdempotencyKeys.Recorded expected = model.get(key);
      assertEquals(expected, keys.get(space, id));
      assertEquals(expected != null, keys.contains(space, id));
      if (expected == null) {
        long fingerprint = random.nextLong();
        Result result = randomResult(random, id, types[random.nextInt(types.length)]);
        keys.put(space, id, fingerprint, result);
        model.put(key, new IdempotencyKeys.Recorded(fingerprint, result));
      } else {
        assertThrows(IllegalStateException.class, () -> keys.put(space, id, 1, expected.result()));
      }
      assertEquals(model.size(), keys.size());
    }
    List<String> visited = new ArrayList<>();
    keys.forEachSorted((space, id, fingerprint, result) -> {
      String key = space + "/" + id;
      assertEquals(model.get(key), new IdempotencyKeys.Recorded(fingerprint, result));
      visited.add(key);
    });
    assertEquals(new ArrayList<>(model.keySet()), visited);
  }

  @Test
  void aPlainAcceptanceIsRebuiltEqualAndAnyOtherResultIsKeptAsIs() {
    IdempotencyKeys keys = new IdempotencyKeys();
    Result plain = Result.accepted(new Command.Deposit("d1", "a", 5, 0), 7, 1234);
    keys.put("transfer", "d1", 9, plain);
    assertEquals(new IdempotencyKeys.Recorded(9, plain), keys.get("transfer", "d1"));
    Result rejected = Result.rejected(new Command.Deposit("d2", "a", 5, 0), 8, 1234, Reasons.UNKNOWN_ACCOUNT, "no");
    keys.put("transfer", "d2", 10, rejected);
    assertSame(rejected, keys.get("transfer", "d2").result());
    assertNull(keys.get("post", "d1"));
    assertThrows(IllegalArgumentException.class, () -> keys.get("nope", "d1"));
  }

  private static Result randomResult(Random random, String id, String type) {
    long index = random.nextInt(1_000_000);
    long timeMs = random.nextLong();
    return switch (random.nextInt(4)) {
      case 0 -> new Result(id, type, false, index, timeMs, Reasons.UNKNOWN_ACCOUNT, "no account", null, false, null);
      case 1 -> new Result(id, type, true, index, timeMs, null, null, List.of(), false, null);
      default -> new Result(id, type, true, index, timeMs, null, null, null, false, null);
    };
  }

  @Test
  void growsPastManyKeys() {
    IdempotencyKeys keys = new IdempotencyKeys();
    for (int i = 0; i < 100_000; i++) {
      keys.put("transfer", "t-" + i, i, Result.accepted(new Command.Transfer("t-" + i, "a", "b", 1, false, 0, 0), i + 1, 0));
    }
    for (int i = 0; i < 100_000; i++) {
      assertEquals(i + 1, keys.get("transfer", "t-" + i).result().index());
    }
    assertTrue(keys.contains("transfer", "t-99999"));
    assertEquals(100_000, keys.size());
  }
}
