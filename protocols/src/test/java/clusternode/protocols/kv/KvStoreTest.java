package clusternode.protocols.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KvStoreTest {
  private final KvStore store = new KvStore();
  private long index;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private KvResult apply(KvOp op) {
    return KvResult.decode(store.apply(++index, KvOp.encode(op)));
  }

  private KvResult get(String key) {
    return KvResult.decode(store.query(KvOp.encode(new KvOp.Get(key))));
  }

  @Test
  void putThenGetReturnsTheValueAndItsRevision() {
    assertEquals(KvResult.Status.OK, apply(new KvOp.Put("a", b("1"))).status());
    KvResult r = get("a");
    assertEquals(KvResult.Status.OK, r.status());
    assertArrayEquals(b("1"), r.value());
    assertEquals(1, r.revision());
    assertEquals(KvResult.Status.NOT_FOUND, get("b").status());
  }

  @Test
  void deleteRemovesAndReportsAbsentKeys() {
    apply(new KvOp.Put("a", b("1")));
    assertEquals(KvResult.Status.OK, apply(new KvOp.Delete("a")).status());
    assertEquals(KvResult.Status.NOT_FOUND, apply(new KvOp.Delete("a")).status());
    assertEquals(KvResult.Status.NOT_FOUND, get("a").status());
  }

  @Test
  void compareAndSetSucceedsOnlyOnTheExpectedValue() {
    assertEquals(KvResult.Status.OK, apply(new KvOp.CompareAndSet("a", null, b("1"))).status());
    KvResult mismatch = apply(new KvOp.CompareAndSet("a", b("0"), b("2")));
    assertEquals(KvResult.Status.MISMATCH, mismatch.status());
    assertArrayEquals(b("1"), mismatch.value());
    assertEquals(KvResult.Status.OK, apply(new KvOp.CompareAndSet("a", b("1"), b("2"))).status());
    assertArrayEquals(b("2"), get("a").value());
    assertEquals(KvResult.Status.MISMATCH, apply(new KvOp.CompareAndSet("a", null, b("3"))).status());
  }

  @Test
  void malformedOrOversizedOpsAreInvalidAndChangeNothing() {
    assertEquals(KvResult.Status.INVALID, KvResult.decode(store.apply(++index, new byte[] {'X', 0, 1, 'a'})).status());
    assertEquals(KvResult.Status.INVALID, KvResult.decode(store.apply(++index, new byte[0])).status());
    assertEquals(KvResult.Status.INVALID, apply(new KvOp.Put("", b("1"))).status());
    assertEquals(KvResult.Status.INVALID, apply(new KvOp.Put("k", new byte[KvOp.MAX_VALUE_BYTES + 1])).status());
    assertEquals(0, store.size());
  }

  @Test
  void outOfOrderApplyIsABug() {
    apply(new KvOp.Put("a", b("1")));
    assertThrows(IllegalStateException.class, () -> store.apply(index, KvOp.encode(new KvOp.Put("a", b("2")))));
  }

  @Test
  void snapshotRestoreGivesAnEqualStoreAndReplicasAgree() {
    Random random = new Random(7);
    KvStore replica = new KvStore();
    for (int i = 1; i <= 2_000; i++) {
      String key = "k" + random.nextInt(50);
      KvOp op = switch (random.nextInt(3)) {
        case 0 -> new KvOp.Put(key, b("v" + random.nextInt(10)));
        case 1 -> new KvOp.Delete(key);
        default -> new KvOp.CompareAndSet(key, random.nextBoolean() ? null : b("v" + random.nextInt(10)), b("c" + i));
      };
      byte[] encoded = KvOp.encode(op);
      assertArrayEquals(store.apply(i, encoded), replica.apply(i, encoded), "results differ at " + i);
    }
    KvStore restored = new KvStore();
    restored.restore(store.snapshot());
    assertArrayEquals(store.snapshot(), restored.snapshot());
    assertArrayEquals(replica.snapshot(), store.snapshot());
    assertEquals(2_000, restored.lastAppliedIndex());
  }

  @Test
  void opsRoundTripThroughTheirEncoding() {
    KvOp.CompareAndSet cas = (KvOp.CompareAndSet) KvOp.decode(KvOp.encode(new KvOp.CompareAndSet("ü", null, b("x"))));
    assertEquals("ü", cas.key());
    assertNull(cas.expected());
    assertArrayEquals(b("x"), cas.value());
    assertThrows(IllegalArgumentException.class, () -> KvOp.decode(new byte[] {'P', 0}));
  }
}
