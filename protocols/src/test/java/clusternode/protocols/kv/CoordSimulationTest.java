package clusternode.protocols.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.kv.core.KvCodec;
import clusternode.protocols.kv.core.KvCommand;
import clusternode.protocols.kv.core.KvLimits;
import clusternode.protocols.kv.core.KvQuery;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random histories of every coordination command applied to three replicas, one of which
 * is rebuilt from another's snapshot now and then: every replica answers every command alike and
 * ends with the same snapshot, invariants hold after every step, fencing tokens only grow, and no
 * lease expires early: an expiry in a tick of the proposer that settled the lease's last renewal
 * comes no sooner than that settling tick's time plus the TTL. A failure names its seed.
 */
class CoordSimulationTest {
  @Test
  void replicasAgreeAndLeasesNeverExpireEarly() {
    for (long seed = 1; seed <= 40; seed++) {
      run(seed, 600);
    }
  }

  private static void run(long seed, int steps) {
    Random rng = new Random(seed);
    KvLimits limits = KvLimits.defaults().withRetainRevisions(30);
    List<KvStore> replicas = new ArrayList<>(List.of(new KvStore(limits), new KvStore(limits), new KvStore(limits)));
    String proposer = "n1#1";
    long now = 1_000;
    long index = 0;
    List<Long> leases = new ArrayList<>();
    Map<Long, Long> ttl = new HashMap<>();
    Map<Long, long[]> settled = new HashMap<>(); // lease -> {settling tick time, proposer generation}
    Map<Long, Boolean> pendingRenewal = new HashMap<>();
    int generation = 0;
    long lastToken = 0;
    for (int step = 0; step < steps; step++) {
      KvCommand c;
      int pick = rng.nextInt(12);
      String key = "k" + rng.nextInt(8);
      long lease = leases.isEmpty() ? 0 : leases.get(rng.nextInt(leases.size()));
      switch (pick) {
        case 0, 1 -> c = new KvCommand.Put(key, "v" + step, rng.nextBoolean() ? lease : 0, null, 0);
        case 2 -> c = new KvCommand.Delete(key);
        case 3 -> c = txn(rng, step);
        case 4 -> c = new KvCommand.LeaseGrant(100 + rng.nextInt(900));
        case 5 -> c = new KvCommand.LeaseKeepAlive(lease);
        case 6 -> c = new KvCommand.LeaseRevoke(lease);
        case 7 -> c = new KvCommand.Enqueue("lock", "L", lease, null);
        case 8 -> c = new KvCommand.Dequeue("lock", "L", 0, lastToken);
        case 9 -> c = new KvCommand.Put("guarded", "g" + step, 0, "L", lastToken == 0 ? 1 : lastToken);
        default -> {
          if (rng.nextInt(10) == 0) { // a leader change: another clock, unrelated
            proposer = "n" + (1 + rng.nextInt(3)) + "#" + (++generation + 1);
            now = rng.nextInt(1_000_000);
          } else {
            now += rng.nextInt(300);
          }
          c = new KvCommand.Tick(proposer, now, 100, 800);
        }
      }
      index++;
      byte[] encoded = KvStore.encode(c);
      byte[] first = null;
      for (KvStore r : replicas) {
        byte[] reply = r.apply(index, encoded);
        if (first == null) {
          first = reply;
        } else {
          assertArrayEquals(first, reply, "seed " + seed + " step " + step + ": replicas answered differently");
        }
        r.checkInvariants();
      }
      JsonNode reply = KvStore.decodeReply(first).body();
      // bookkeeping for the "never early" check
      if (c instanceof KvCommand.LeaseGrant g && reply != null) {
        long id = reply.get("id").asLong();
        leases.add(id);
        ttl.put(id, g.ttlMs());
        pendingRenewal.put(id, true);
      } else if (c instanceof KvCommand.LeaseKeepAlive k && reply != null) {
        pendingRenewal.put(k.id(), true);
      } else if (c instanceof KvCommand.LeaseRevoke r && reply != null) {
        leases.remove(r.id());
      } else if (c instanceof KvCommand.Tick t && reply != null) {
        long time = Math.max(now, t.nowMs());
        for (JsonNode e : reply.get("expired")) {
          long id = e.asLong();
          long[] s = settled.get(id);
          if (s != null && s[1] == generation) {
            assertTrue(time >= s[0] + ttl.get(id), "seed " + seed + " step " + step + ": lease " + id + " expired at "
                + time + ", settled at " + s[0] + " with TTL " + ttl.get(id));
          }
          leases.remove(id);
        }
        for (Long id : leases) {
          if (pendingRenewal.getOrDefault(id, false)) {
            settled.put(id, new long[] {t.nowMs(), generation});
            pendingRenewal.put(id, false);
          }
        }
      }
      JsonNode holder = KvStore.decodeReply(replicas.get(0).query(KvStore.encode(new KvQuery.Holder("lock", "L")))).body();
      if (holder.path("held").asBoolean()) {
        long token = holder.get("fencingToken").asLong();
        assertTrue(token >= lastToken, "seed " + seed + " step " + step + ": token went back");
        lastToken = token;
      }
      if (rng.nextInt(50) == 0) { // a replica catches up by snapshot
        KvStore fresh = new KvStore(limits);
        fresh.restore(replicas.get(rng.nextInt(3)).snapshot());
        replicas.set(rng.nextInt(3), fresh);
      }
    }
    byte[] snapshot = replicas.get(0).snapshot();
    for (KvStore r : replicas) {
      assertArrayEquals(snapshot, r.snapshot(), "seed " + seed + ": replicas diverged");
    }
  }

  private static KvCommand txn(Random rng, int step) {
    String k = "k" + rng.nextInt(8);
    String json = "{\"type\":\"txn\",\"if\":[{\"key\":\"" + k + "\",\"target\":\"version\",\"op\":\">\",\"value\":"
        + rng.nextInt(3) + "}],\"then\":[{\"put\":{\"key\":\"k" + rng.nextInt(8) + "\",\"value\":\"t" + step
        + "\"}}],\"else\":[{\"delete\":{\"key\":\"" + k + "\"}},{\"get\":{\"key\":\"" + k + "\"}}]}";
    try {
      return KvCodec.MAPPER.readValue(json, KvCommand.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
