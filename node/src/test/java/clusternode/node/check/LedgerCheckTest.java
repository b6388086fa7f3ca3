package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.check.LedgerCheck.Replica;
import clusternode.node.check.LedgerCheck.Retry;
import clusternode.node.check.LedgerCheck.Transfer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerCheckTest {
  private static final Transfer T1 = new Transfer("t1", "a", "b", 10);
  private static final Transfer T2 = new Transfer("t2", "b", "c", 5);
  private static final Transfer U1 = new Transfer("u1", "c", "a", 7);
  private static final Transfer U2 = new Transfer("u2", "a", "c", 3);

  private static Map<String, Long> initial() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("a", 100L);
    m.put("b", 100L);
    m.put("c", 100L);
    return m;
  }

  /** T1, T2 acknowledged; U1 unknown but applied (retry: duplicate), U2 unknown and refused on retry. */
  private static Map<String, Retry> retries() {
    Map<String, Retry> r = new HashMap<>();
    r.put("t1", new Retry("t1", 200, true));
    r.put("t2", new Retry("t2", 200, true));
    r.put("u1", new Retry("u1", 200, true));
    r.put("u2", new Retry("u2", 409, false));
    return r;
  }

  private static Replica replica(String node, long a, long b, long c, String digest) {
    return new Replica(node, true, a + b + c, 300, 0, digest, Map.of("a", a, "b", b, "c", c));
  }

  private static LedgerCheck.Result check(Map<String, Retry> retries, List<Replica> replicas) {
    return LedgerCheck.check(new LedgerCheck.Facts(initial(), List.of(T1, T2), List.of(U1, U2), retries, replicas));
  }

  @Test
  void consistentReplicasPass() {
    LedgerCheck.Result r = check(retries(), List.of(replica("n1", 97, 105, 98, "d"), replica("n2", 97, 105, 98, "d")));
    assertTrue(r.valid(), r.violations().toString());
  }

  @Test
  void aLostAcknowledgedTransferFails() {
    Map<String, Retry> retries = retries();
    retries.put("t2", new Retry("t2", 201, false)); // applied only now: the first one was lost
    LedgerCheck.Result r = check(retries, List.of(replica("n1", 97, 105, 98, "d")));
    assertFalse(r.valid());
    assertTrue(r.violations().get(0).contains("t2"), r.violations().toString());
  }

  @Test
  void aDoubledTransferFails() {
    // t1 applied twice: a 90 -> 87 (after u1) ... balances off by 10.
    LedgerCheck.Result r = check(retries(), List.of(replica("n1", 87, 115, 98, "d")));
    assertFalse(r.valid());
  }

  @Test
  void moneyFromNowhereFails() {
    LedgerCheck.Result r = check(retries(), List.of(replica("n1", 97, 106, 98, "d")));
    assertFalse(r.valid());
    assertTrue(r.violations().stream().anyMatch(v -> v.contains("total balance")), r.violations().toString());
  }

  @Test
  void disagreeingReplicasFail() {
    LedgerCheck.Result r = check(retries(), List.of(replica("n1", 97, 105, 98, "d"), replica("n2", 97, 105, 98, "e")));
    assertFalse(r.valid());
  }

  @Test
  void anUnresolvedUnknownTransferFails() {
    Map<String, Retry> retries = retries();
    retries.remove("u2");
    assertFalse(check(retries, List.of(replica("n1", 97, 105, 98, "d"))).valid());
  }

  @Test
  void aFailedAuditFails() {
    Replica bad = new Replica("n1", false, 300, 300, 0, "d", Map.of("a", 97L, "b", 105L, "c", 98L));
    assertFalse(check(retries(), List.of(bad)).valid());
  }
}
