package clusternode.protocols.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.kv.core.Event;
import clusternode.protocols.kv.core.KvCommand;
import clusternode.protocols.kv.core.KvLimits;
import clusternode.protocols.kv.core.KvQuery;
import clusternode.protocols.kv.core.Reply;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Leases on the tick clock, the leader-change rule, lock and election queues, fencing tokens. */
class LeaseLockStoreTest {
  private final CoordStoreFixture f = new CoordStoreFixture();

  @Test
  void aLeaseExpiresByTicksAndTakesItsKeysInTheSameCommand() {
    f.tick("n1#1", 10_000);
    long lease = f.lease(1_000); // expires at 10_000 + one interval (100) + 1_000
    f.ok(new KvCommand.Put("session/a", "x", lease, null, 0));
    f.ok(new KvCommand.Put("session/b", "y", lease, null, 0));
    assertEquals(0, f.tick("n1#1", 11_099).body().get("expired").size(), "not before TTL + one tick interval");
    assertEquals(2, f.range("session/").get("kvs").size());
    Reply expiry = f.tick("n1#1", 11_100);
    assertEquals(List.of(lease), ids(expiry.body().get("expired")));
    assertEquals(0, f.range("session/").get("kvs").size());
    long rev = expiry.body().get("revision").asLong();
    List<Event> events = f.store.eventsFrom(rev, "", 10);
    assertEquals(2, events.size());
    assertTrue(events.stream().allMatch(e -> e.type() == Event.Type.DELETE && e.cause().equals("lease-expired:" + lease)
        && e.revision() == rev));
    assertEquals(404, f.query(new KvQuery.LeaseInfo(lease)).status());
    assertEquals(404, f.run(new KvCommand.LeaseKeepAlive(lease)).status());
  }

  @Test
  void keepAliveExtendsAndRevokeDeletesKeys() {
    f.tick("n1#1", 0);
    long lease = f.lease(1_000);
    f.ok(new KvCommand.Put("k", "v", lease, null, 0));
    f.tick("n1#1", 900);
    f.ok(new KvCommand.LeaseKeepAlive(lease)); // now expires at 900 + 100 + 1000
    assertEquals(0, f.tick("n1#1", 1_500).body().get("expired").size());
    JsonNode info = f.query(new KvQuery.LeaseInfo(lease)).body();
    assertEquals(500, info.get("remainingMs").asLong());
    assertEquals("k", info.get("keys").get(0).asText());
    f.ok(new KvCommand.Put("k", "detached", 0, null, 0)); // a put without the lease detaches the key
    assertEquals(0, f.query(new KvQuery.LeaseInfo(lease)).body().get("keys").size());
    f.ok(new KvCommand.Put("k2", "v", lease, null, 0));
    JsonNode revoked = f.ok(new KvCommand.LeaseRevoke(lease));
    assertEquals(1, revoked.get("keys").asInt());
    assertEquals(List.of("k"), CoordStoreTest.keys(f.range("")));
  }

  @Test
  void aNewProposerExtendsEveryLeaseInsteadOfExpiringIt() {
    f.tick("n1#1", 50_000);
    long lease = f.lease(1_000); // 1_100 left on n1's clock
    f.tick("n1#1", 50_600); // 500 left
    // n2 becomes leader; its clock reads something unrelated. Nothing expires in its first tick:
    // the lease keeps its 500 ms plus the election allowance (extendMs = 1_000) on n2's clock.
    assertEquals(0, f.tick("n2#2", 7_000).body().get("expired").size());
    assertEquals(1_500, f.query(new KvQuery.LeaseInfo(lease)).body().get("remainingMs").asLong());
    assertEquals(0, f.tick("n2#2", 8_499).body().get("expired").size());
    assertEquals(1, f.tick("n2#2", 8_500).body().get("expired").size());
  }

  @Test
  void aClockThatStepsBackNeverShortensALease() {
    f.tick("n1#1", 10_000);
    long lease = f.lease(1_000);
    f.tick("n1#1", 5_000);
    assertEquals(1_100, f.query(new KvQuery.LeaseInfo(lease)).body().get("remainingMs").asLong());
  }

  @Test
  void badLeaseCommandsAreRefused() {
    assertEquals(400, f.run(new KvCommand.LeaseGrant(5)).status());
    assertEquals(400, f.run(new KvCommand.LeaseGrant(10_000_000)).status());
    assertEquals(404, f.run(new KvCommand.LeaseRevoke(42)).status());
    assertEquals(400, f.run(new KvCommand.Tick("", 1, 100, 0)).status());
    assertEquals(400, f.run(new KvCommand.Tick("n1", 1, 0, 0)).status());
    assertEquals(0, f.store.leaseCount());
  }

  @Test
  void leasesAreRefusedWith501WhenTheOrderingCannotKeepTime() {
    CoordStoreFixture pbft = new CoordStoreFixture(KvLimits.defaults().withLeases(false));
    assertEquals(501, pbft.run(new KvCommand.LeaseGrant(1_000)).status());
    assertEquals(501, pbft.run(new KvCommand.Tick("n1", 1, 100, 0)).status());
    assertEquals(501, pbft.run(new KvCommand.Put("k", "v", 3, null, 0)).status());
    assertEquals(501, pbft.run(new KvCommand.Enqueue("lock", "l", 3, null)).status());
    assertEquals(200, pbft.run(new KvCommand.Put("k", "v", 0, null, 0)).status());
  }

  @Test
  void theLockGoesToTheLowestCreateRevisionAndTokensOnlyGrow() {
    f.tick("n1#1", 0);
    long a = f.lease(1_000);
    long b = f.lease(5_000);
    long c = f.lease(5_000);
    JsonNode first = f.ok(new KvCommand.Enqueue("lock", "db", a, null));
    assertTrue(first.get("held").asBoolean());
    long tokenA = first.get("fencingToken").asLong();
    JsonNode second = f.ok(new KvCommand.Enqueue("lock", "db", b, null));
    assertFalse(second.get("held").asBoolean());
    f.ok(new KvCommand.Enqueue("lock", "db", c, null));
    JsonNode again = f.ok(new KvCommand.Enqueue("lock", "db", a, null));
    assertEquals(tokenA, again.get("fencingToken").asLong(), "enqueueing twice keeps the place");
    assertEquals(200, f.run(new KvCommand.Put("guarded", "by-a", 0, "db", tokenA)).status());
    // a's holder pauses; its lease expires; b holds with a larger token
    f.tick("n1#1", 1_100);
    JsonNode holder = f.query(new KvQuery.Holder("lock", "db")).body();
    assertEquals(b, holder.get("lease").asLong());
    long tokenB = holder.get("fencingToken").asLong();
    assertTrue(tokenB > tokenA);
    Reply stale = f.run(new KvCommand.Put("guarded", "late-a", 0, "db", tokenA));
    assertEquals(409, stale.status());
    assertTrue(stale.error().contains("newer fencing token " + tokenB), stale.error());
    assertEquals(200, f.run(new KvCommand.Put("guarded", "by-b", 0, "db", tokenB)).status());
    assertEquals(404, f.run(new KvCommand.Dequeue("lock", "db", 0, tokenA)).status());
    f.ok(new KvCommand.Dequeue("lock", "db", 0, tokenB));
    long tokenC = f.query(new KvQuery.Holder("lock", "db")).body().get("fencingToken").asLong();
    assertTrue(tokenC > tokenB);
    assertEquals(409, f.run(new KvCommand.Put("guarded", "late-b", 0, "db", tokenB)).status());
    assertEquals("by-b", f.range("guarded").get("kvs").get(0).get("value").asText());
    f.ok(new KvCommand.LeaseRevoke(c));
    assertFalse(f.query(new KvQuery.Holder("lock", "db")).body().get("held").asBoolean());
    assertEquals(409, f.run(new KvCommand.Put("guarded", "x", 0, "db", tokenC)).status(), "no holder: no valid token");
    long d = f.lease(1_000);
    assertTrue(f.ok(new KvCommand.Enqueue("lock", "db", d, null)).get("fencingToken").asLong() > tokenC);
  }

  @Test
  void tokensGrowUnderRandomQueueChurn() {
    Random random = new Random(5);
    f.tick("n1#1", 0);
    long now = 0;
    long lastToken = 0;
    for (int i = 0; i < 2_000; i++) {
      switch (random.nextInt(4)) {
        case 0 -> f.run(new KvCommand.Enqueue("lock", "x", f.lease(100 + random.nextInt(500)), null));
        case 1 -> f.tick("n1#1", now += random.nextInt(200));
        case 2 -> {
          JsonNode h = f.query(new KvQuery.Holder("lock", "x")).body();
          if (h.get("held").asBoolean()) {
            f.run(new KvCommand.Dequeue("lock", "x", 0, h.get("fencingToken").asLong()));
          }
        }
        default -> f.run(new KvCommand.Put("k", "v", 0, null, 0));
      }
      JsonNode h = f.query(new KvQuery.Holder("lock", "x")).body();
      if (h.get("held").asBoolean()) {
        long token = h.get("fencingToken").asLong();
        assertTrue(token >= lastToken, "token went back at step " + i);
        lastToken = token;
      }
    }
    assertTrue(lastToken > 0);
  }

  @Test
  void electionsAreTheSameQueueWithAValue() {
    f.tick("n1#1", 0);
    long a = f.lease(5_000);
    long b = f.lease(5_000);
    f.ok(new KvCommand.Enqueue("election", "leader", a, "http://a"));
    f.ok(new KvCommand.Enqueue("election", "leader", b, "http://b"));
    assertEquals("http://a", f.query(new KvQuery.Holder("election", "leader")).body().get("value").asText());
    f.ok(new KvCommand.Dequeue("election", "leader", a, 0)); // resign
    assertEquals("http://b", f.query(new KvQuery.Holder("election", "leader")).body().get("value").asText());
    assertEquals(400, f.run(new KvCommand.Enqueue("election", "bad/name", b, "x")).status());
    assertEquals(400, f.run(new KvCommand.Enqueue("queue", "x", b, "x")).status());
  }

  private static List<Long> ids(JsonNode array) {
    List<Long> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asLong()));
    return out;
  }
}
