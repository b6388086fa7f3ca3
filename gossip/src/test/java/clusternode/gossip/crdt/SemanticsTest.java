package clusternode.gossip.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.gossip.crdt.VectorClock.Order;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What each type means, case by case: vector clock order, add-wins, siblings, last writer, tie-breaks. */
class SemanticsTest {
  private static VectorClock vc(Map<String, Long> m) {
    return VectorClock.of(m);
  }

  @Test
  void vectorClockCompare() {
    VectorClock a = vc(Map.of("n1", 1L));
    VectorClock b = vc(Map.of("n1", 2L));
    VectorClock c = vc(Map.of("n2", 1L));
    VectorClock ab = vc(Map.of("n1", 2L, "n2", 1L));
    assertEquals(Order.EQUAL, VectorClock.EMPTY.compare(VectorClock.EMPTY));
    assertEquals(Order.EQUAL, a.compare(vc(Map.of("n1", 1L, "n9", 0L))), "zero entries are absent entries");
    assertEquals(Order.BEFORE, VectorClock.EMPTY.compare(a));
    assertEquals(Order.BEFORE, a.compare(b));
    assertEquals(Order.AFTER, b.compare(a));
    assertEquals(Order.CONCURRENT, a.compare(c));
    assertEquals(Order.CONCURRENT, c.compare(b));
    assertEquals(Order.BEFORE, c.compare(ab));
    assertEquals(Order.AFTER, ab.compare(a));
    assertEquals(ab, b.merge(c));
    assertEquals(ab, ab.merge(a));
    assertEquals(3, ab.increment("n1").get("n1"));
    assertEquals(0, ab.get("zz"));
    assertThrows(IllegalArgumentException.class, () -> vc(Map.of("n1", -1L)));
  }

  @Test
  void countersSumAcrossReplicasAndTakeTheMaxPerReplica() {
    PNCounter x = PNCounter.EMPTY.add("a", 5).add("a", -2);
    PNCounter y = PNCounter.EMPTY.add("b", -10);
    assertEquals(3, x.value());
    assertEquals(-7, x.merge(y).value());
    assertEquals(-7, x.merge(y).merge(x).value(), "idempotent: re-delivery does not double-count");
    assertThrows(IllegalArgumentException.class, () -> GCounter.EMPTY.increment("a", -1));
    assertThrows(ArithmeticException.class, () -> GCounter.EMPTY.increment("a", Long.MAX_VALUE).increment("a", 1));
  }

  @Test
  void orSetAddWinsOverAConcurrentRemove() {
    ORSet base = ORSet.EMPTY.add("a", "x");
    ORSet removedAtB = base.remove("x");
    ORSet readdedAtA = base.add("a", "x");
    assertTrue(removedAtB.merge(readdedAtA).contains("x"), "a concurrent add wins");
    assertTrue(readdedAtA.merge(removedAtB).contains("x"));
    ORSet removedAfterSeeing = readdedAtA.merge(removedAtB).remove("x");
    assertFalse(removedAfterSeeing.merge(readdedAtA).contains("x"), "a remove of observed adds wins over them");
    assertTrue(removedAfterSeeing.entries().isEmpty(), "no tombstone is kept");
    assertEquals(Map.of("a", 2L), removedAfterSeeing.context().versions(), "only the version vector remains");
  }

  @Test
  void orSetDeltasWithGapsCompactOnceTheGapIsFilled() {
    ORSet s = ORSet.EMPTY.add("a", "x");
    ORSet d2 = s.addDelta("a", "y");
    ORSet d3 = s.merge(d2).addDelta("a", "z");
    ORSet gap = ORSet.EMPTY.merge(d3);
    assertFalse(gap.context().cloud().isEmpty(), "dot a:3 without a:1,a:2 sits in the cloud");
    ORSet full = gap.merge(d2).merge(s);
    assertTrue(full.context().cloud().isEmpty());
    assertEquals(Set.of("x", "y", "z"), full.elements());
  }

  @Test
  void mvRegisterKeepsConcurrentWritesAsSiblingsUntilTheNextWrite() {
    MVRegister a = MVRegister.EMPTY.write("a", "red");
    MVRegister b = MVRegister.EMPTY.write("b", "blue");
    MVRegister both = a.merge(b);
    assertEquals(List.of("red", "blue"), both.values());
    assertEquals(2, both.siblings().size());
    MVRegister resolved = both.write("c", "green");
    assertEquals(List.of("green"), resolved.values());
    assertEquals(vc(Map.of("a", 1L, "b", 1L, "c", 1L)), resolved.siblings().get(0).clock());
    assertEquals(List.of("green"), resolved.merge(a).merge(b).values(), "older writes stay superseded");
  }

  @Test
  void lwwRegisterTakesTheLatestTimestampAndBreaksTiesByReplica() {
    HybridClock clock = new HybridClock();
    HybridTimestamp t1 = clock.now(100);
    HybridTimestamp t2 = clock.now(100);
    assertTrue(t2.compareTo(t1) > 0, "same millisecond: logical part orders");
    HybridTimestamp t3 = clock.observe(new HybridTimestamp(500, 7), 200);
    assertEquals(new HybridTimestamp(500, 8), t3, "a remote clock ahead pulls ours forward");
    assertTrue(clock.now(150).compareTo(t3) > 0, "never goes back");
    LWWRegister x = LWWRegister.EMPTY.writeDelta("n1", "old", t1);
    LWWRegister y = LWWRegister.EMPTY.writeDelta("n2", "new", t2);
    assertEquals("new", x.merge(y).value());
    LWWRegister tieA = LWWRegister.EMPTY.writeDelta("n1", "from-n1", t2);
    LWWRegister tieB = LWWRegister.EMPTY.writeDelta("n2", "from-n2", t2);
    assertEquals("from-n2", tieA.merge(tieB).value());
    assertEquals("from-n2", tieB.merge(tieA).value());
  }

  @Test
  void orMapIsACartOfCounters() {
    ORMap<PNCounter> cart = ORMap.empty();
    cart = cart.merge(cart.updateDelta("a", "apples", PNCounter.EMPTY.addDelta("a", 3)));
    ORMap<PNCounter> atB = cart.merge(cart.updateDelta("b", "pears", PNCounter.EMPTY.addDelta("b", 1)));
    PNCounter apples = cart.get("apples");
    ORMap<PNCounter> atA = cart.merge(cart.updateDelta("a", "apples", apples.addDelta("a", -1)));
    ORMap<PNCounter> merged = atA.merge(atB);
    assertEquals(2, merged.get("apples").value());
    assertEquals(1, merged.get("pears").value());
    ORMap<PNCounter> removed = merged.merge(merged.removeDelta("pears"));
    assertEquals(Set.of("apples"), removed.entries().keySet());
    ORMap<PNCounter> concurrentUpdate = merged.merge(merged.updateDelta("b", "pears",
        merged.get("pears").addDelta("b", 1)));
    assertEquals(2, removed.merge(concurrentUpdate).get("pears").value(), "an update concurrent with a remove wins");
  }
}
