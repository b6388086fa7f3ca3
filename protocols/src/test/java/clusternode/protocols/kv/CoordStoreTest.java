package clusternode.protocols.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import clusternode.protocols.kv.core.Event;
import clusternode.protocols.kv.core.KvCommand;
import clusternode.protocols.kv.core.KvLimits;
import clusternode.protocols.kv.core.KvQuery;
import clusternode.protocols.kv.core.Reply;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The coordination commands on the KV state machine: revisions, ranges, txn, compaction, watch history. */
class CoordStoreTest {
  private final CoordStoreFixture f = new CoordStoreFixture();

  private static KvCommand.Put put(String k, String v) {
    return new KvCommand.Put(k, v, 0, null, 0);
  }

  @Test
  void revisionsFollowTheLogIndexOfTheLastChange() {
    f.ok(put("a", "1"));
    f.ok(put("a", "2"));
    f.ok(put("b", "x"));
    f.run(new KvCommand.Delete("nope")); // a refused command moves no revision
    JsonNode r = f.range("");
    assertEquals(3, r.get("revision").asLong());
    JsonNode a = r.get("kvs").get(0);
    assertEquals("a", a.get("key").asText());
    assertEquals("2", a.get("value").asText());
    assertEquals(1, a.get("createRevision").asLong());
    assertEquals(2, a.get("modRevision").asLong());
    assertEquals(2, a.get("version").asLong());
    f.ok(new KvCommand.Delete("a"));
    f.ok(put("a", "3"));
    JsonNode again = f.range("a").get("kvs").get(0);
    assertEquals(6, again.get("createRevision").asLong(), "a key recreated after delete starts a new life");
    assertEquals(1, again.get("version").asLong());
  }

  @Test
  void rangeByPrefixAndBoundsWithLimitAndMore() {
    for (String k : List.of("app/a", "app/b", "app/c", "apq", "b")) {
      f.ok(put(k, k));
    }
    JsonNode r = f.query(new KvQuery.Range("app/", null, null, 2, 0)).body();
    assertEquals(2, r.get("kvs").size());
    assertTrue(r.get("more").asBoolean());
    JsonNode all = f.query(new KvQuery.Range("app/", null, null, 3, 0)).body();
    assertFalse(all.get("more").asBoolean());
    JsonNode bounded = f.query(new KvQuery.Range(null, "app/b", "b", 0, 0)).body();
    assertEquals(List.of("app/b", "app/c", "apq"), keys(bounded));
    assertEquals(400, f.query(new KvQuery.Range(null, "b", "a", 0, 0)).status());
    assertEquals(400, f.query(new KvQuery.Range("a", null, null, 10_001, 0)).status());
    assertEquals(400, f.query(new KvQuery.Range("a", null, null, -1, 0)).status());
    assertEquals(400, f.query(new KvQuery.Range("a", null, null, 0, 99)).status(), "a future revision");
  }

  @Test
  void readAtAnOlderRevisionSeesThatRevisionsState() {
    f.ok(put("k", "v1")); // 1
    f.ok(put("j", "x")); // 2
    f.ok(put("k", "v2")); // 3
    f.ok(new KvCommand.Delete("j")); // 4
    assertEquals(List.of("j", "k"), keys(f.query(new KvQuery.Range("", null, null, 0, 2)).body()));
    assertEquals("v1", f.query(new KvQuery.Range("k", null, null, 0, 2)).body().get("kvs").get(0).get("value").asText());
    assertEquals(List.of("k"), keys(f.query(new KvQuery.Range("", null, null, 0, 4)).body()));
    assertEquals("v2", f.query(new KvQuery.Range("k", null, null, 0, 3)).body().get("kvs").get(0).get("value").asText());
  }

  @Test
  void compactionAnswers410ForOlderRevisionsAndKeepsTheCurrentState() {
    for (int i = 1; i <= 10; i++) {
      f.ok(put("k" + (i % 3), "v" + i));
    }
    f.ok(new KvCommand.Delete("k0"));
    f.ok(new KvCommand.Compact(8));
    assertEquals(410, f.query(new KvQuery.Range("", null, null, 0, 7)).status());
    assertEquals(200, f.query(new KvQuery.Range("", null, null, 0, 8)).status());
    assertEquals(List.of("k0", "k1", "k2"), keys(f.query(new KvQuery.Range("", null, null, 0, 8)).body()),
        "at the compacted revision itself every key of that moment is still readable");
    assertEquals(List.of("k1", "k2"), keys(f.range("")));
    assertTrue(f.store.eventsFrom(0, "", 100).stream().allMatch(e -> e.revision() > 8));
    assertEquals(400, f.run(new KvCommand.Compact(99)).status());
  }

  @Test
  void retentionCompactsAutomaticallyAndAlikeOnEveryReplica() {
    KvLimits small = KvLimits.defaults().withRetainRevisions(5);
    CoordStoreFixture a = new CoordStoreFixture(small);
    CoordStoreFixture b = new CoordStoreFixture(small);
    for (int i = 0; i < 20; i++) {
      a.ok(put("k" + (i % 4), "v" + i));
      b.ok(put("k" + (i % 4), "v" + i));
    }
    assertEquals(15, a.store.compacted());
    assertEquals(410, a.query(new KvQuery.Range("", null, null, 0, 14)).status());
    assertArrayEquals(a.store.snapshot(), b.store.snapshot());
  }

  /**
   * Commands that change nothing (refused ones here; lease keep-alives and ticks alike) take log
   * indices but make no revision. Retention counts log indices, so a write after many of them
   * moves its bound far past the last change; compaction then stops at the newest change before
   * the bound, and a watcher idle just past the last change is not cancelled for revisions that
   * held nothing (seen with 100 idle watchers after a lease keep-alive benchmark).
   */
  @Test
  void revisionsWithoutAChangeAreNotCompactedPastTheLastChange() {
    CoordStoreFixture small = new CoordStoreFixture(KvLimits.defaults().withRetainRevisions(5));
    small.ok(put("a", "1")); // revision 1
    for (int i = 0; i < 30; i++) {
      small.run(new KvCommand.Delete("nope")); // log indices 2..31, no revision
    }
    small.ok(put("b", "2")); // revision 32: the bound is 27, and the newest change at or before it is 1
    assertEquals(1, small.store.compacted());
    List<Event> next = small.store.eventsFrom(2, "", 10);
    assertEquals(1, next.size(), "a watcher waiting for revision 2 gets the next change: " + next);
    assertEquals(32, next.get(0).revision());
    assertEquals(List.of("a"), keys(small.query(new KvQuery.Range("", null, null, 0, 20)).body()),
        "a read at a revision between the two changes sees the first");
  }

  @Test
  void txnRunsThenOrElseAtomicallyAtOneRevision() {
    f.ok(put("x", "1")); // 1
    JsonNode won = f.ok(txn("""
        {"type":"txn","if":[{"key":"x","target":"value","op":"=","value":"1"},
                            {"key":"x","target":"version","op":"=","value":1},
                            {"key":"y","target":"exists","op":"=","value":false}],
         "then":[{"put":{"key":"x","value":"2"}},{"put":{"key":"y","value":"new"}},{"get":{"key":"y"}}],
         "else":[{"get":{"key":"x"}}]}"""));
    assertTrue(won.get("succeeded").asBoolean());
    assertEquals(2, won.get("revision").asLong());
    assertEquals("new", won.get("results").get(2).get("kv").get("value").asText(), "a get sees the puts before it");
    JsonNode lost = f.ok(txn("""
        {"type":"txn","if":[{"key":"x","target":"modRevision","op":"<","value":2}],
         "then":[{"delete":{"key":"x"}}],"else":[{"get":{"key":"x"}},{"delete":{"key":"y"}}]}"""));
    assertFalse(lost.get("succeeded").asBoolean());
    assertEquals("2", lost.get("results").get(0).get("kv").get("value").asText());
    assertTrue(lost.get("results").get(1).get("deleted").asBoolean());
    assertEquals(3, lost.get("revision").asLong());
    assertEquals(List.of("x"), keys(f.range("")));
    JsonNode readOnly = f.ok(txn("{\"type\":\"txn\",\"then\":[{\"get\":{\"key\":\"x\"}}]}"));
    assertEquals(3, readOnly.get("revision").asLong(), "a txn that changes nothing moves no revision");
    JsonNode missing = f.ok(txn("""
        {"type":"txn","if":[{"key":"gone","target":"value","op":"!=","value":"a"}],"then":[],"else":[]}"""));
    assertFalse(missing.get("succeeded").asBoolean(), "as etcd: a value comparison on an absent key fails");
  }

  @Test
  void badTxnsAndPutsChangeNothing() {
    f.ok(put("x", "1"));
    byte[] before = f.store.snapshot();
    List<String> bad = List.of(
        "{\"type\":\"txn\",\"if\":[{\"key\":\"x\",\"target\":\"colour\",\"op\":\"=\",\"value\":\"1\"}]}",
        "{\"type\":\"txn\",\"if\":[{\"key\":\"x\",\"target\":\"version\",\"op\":\"~\",\"value\":1}]}",
        "{\"type\":\"txn\",\"if\":[{\"key\":\"x\",\"target\":\"version\",\"op\":\"=\",\"value\":\"1\"}]}",
        "{\"type\":\"txn\",\"if\":[{\"key\":\"x\",\"target\":\"exists\",\"op\":\"<\",\"value\":true}]}",
        "{\"type\":\"txn\",\"then\":[{\"put\":{\"key\":\"a\",\"value\":\"1\"}},{\"put\":{\"key\":\"a\",\"value\":\"2\"}}]}",
        "{\"type\":\"txn\",\"then\":[{\"put\":{\"key\":\"a\",\"value\":\"1\"}},{\"put\":{\"key\":\"\",\"value\":\"2\"}}]}",
        "{\"type\":\"txn\",\"then\":[{\"put\":{\"key\":\"a\",\"value\":\"1\"}},{\"put\":{\"key\":\"_coord/locks/l/1\",\"value\":\"\"}}]}",
        "{\"type\":\"txn\",\"then\":[{\"put\":{\"key\":\"a\",\"value\":\"1\"},\"get\":{\"key\":\"a\"}}]}",
        "{\"type\":\"txn\",\"then\":[{\"put\":{\"key\":\"a\",\"value\":\"1\",\"lease\":77}}]}",
        "{\"type\":\"txn\",\"then\":[{\"put\":{\"key\":\"a\",\"value\":\"1\"}}],\"else\":[{\"delete\":{}}]}",
        "{\"type\":\"txn\",\"then\":[],\"bogus\":1}",
        "{\"type\":\"put\",\"key\":\"_coord/locks/x/5\",\"value\":\"forged\"}",
        "{\"type\":\"put\",\"key\":\"a\",\"value\":\"1\",\"lease\":12345}",
        "{\"type\":\"warp\"}",
        "not json");
    for (String json : bad) {
      Reply r = f.runJson(json);
      assertTrue(r.status() >= 400 && r.status() < 500, () -> json + " -> " + r);
      assertTrue(r.error() != null && !r.error().isEmpty());
    }
    StringBuilder many = new StringBuilder("{\"type\":\"txn\",\"if\":[");
    for (int i = 0; i < 200; i++) {
      many.append(i == 0 ? "" : ",").append("{\"key\":\"x\",\"target\":\"version\",\"op\":\">\",\"value\":0}");
    }
    assertEquals(400, f.runJson(many.append("]}").toString()).status(), "more comparisons than the bound");
    assertEquals(1, f.store.revision());
    byte[] after = f.store.snapshot();
    assertEquals(new String(before, 8, 24, java.nio.charset.StandardCharsets.ISO_8859_1).substring(8),
        new String(after, 8, 24, java.nio.charset.StandardCharsets.ISO_8859_1).substring(8), "same revisions");
    assertEquals(List.of("x"), keys(f.range("")));
  }

  @Test
  void eventsCarryRevisionAndCauseInOrder() {
    f.ok(put("cfg/a", "1"));
    f.ok(txn("{\"type\":\"txn\",\"then\":[{\"put\":{\"key\":\"cfg/b\",\"value\":\"2\"}},{\"delete\":{\"key\":\"cfg/a\"}}]}"));
    f.ok(put("other", "x"));
    List<Event> events = f.store.eventsFrom(1, "cfg/", 100);
    assertEquals(3, events.size());
    assertEquals(Event.Type.PUT, events.get(0).type());
    assertEquals("put", events.get(0).cause());
    assertEquals(2, events.get(1).revision());
    assertEquals(2, events.get(2).revision());
    assertEquals("txn", events.get(2).cause());
    assertEquals(Event.Type.DELETE, events.get(2).type());
    assertEquals(2, f.store.eventsFrom(2, "cfg/", 100).size(), "resume from a revision");
    assertEquals(1, f.store.eventsFrom(1, "cfg/", 1).size());
    assertEquals(2, f.store.eventsFrom(2, "cfg/", 1).size(), "a batch never splits a revision");
  }

  @Test
  void snapshotRestoresEverythingAndACorruptOneIsRefusedClearly() {
    Random random = new Random(11);
    long lease = f.lease(1_000);
    f.tick("n1#1", 0);
    for (int i = 0; i < 300; i++) {
      String k = "k" + random.nextInt(20);
      switch (random.nextInt(4)) {
        case 0 -> f.run(new KvCommand.Delete(k));
        case 1 -> f.run(new KvCommand.Put(k, "l" + i, lease, null, 0));
        case 2 -> f.run(new KvCommand.Enqueue("lock", "m", lease, null));
        default -> f.run(put(k, "v" + i));
      }
    }
    byte[] snap = f.store.snapshot();
    KvStore restored = new KvStore();
    restored.restore(snap);
    restored.checkInvariants();
    assertArrayEquals(snap, restored.snapshot());
    assertEquals(f.store.eventsFrom(0, "", 10_000), restored.eventsFrom(0, "", 10_000));
    byte[] torn = java.util.Arrays.copyOf(snap, snap.length - 9);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> restored.restore(torn));
    assertTrue(e.getMessage().startsWith("corrupt KV snapshot"), e.getMessage());
    byte[] flipped = snap.clone();
    flipped[snap.length / 2] ^= 1;
    assertThrows(IllegalStateException.class, () -> restored.restore(flipped));
    assertArrayEquals(snap, restored.snapshot(), "a refused snapshot leaves the state as it was");
  }

  static KvCommand txn(String json) {
    try {
      return clusternode.protocols.kv.core.KvCodec.MAPPER.readValue(json, KvCommand.class);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static List<String> keys(JsonNode range) {
    List<String> out = new ArrayList<>();
    range.get("kvs").forEach(kv -> out.add(kv.get("key").asText()));
    return out;
  }
}
