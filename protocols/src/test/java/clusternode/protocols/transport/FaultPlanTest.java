package clusternode.protocols.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FaultPlanTest {
  @Test
  void noPlanDeliversEverythingAtOnce() {
    Fate fate = FaultPlan.NONE.decide("n1", "n2", new Random(1));
    assertFalse(fate.isDropped());
    assertEquals(List.of(0L), fate.delaysMs());
  }

  @Test
  void partitionsCutAcrossGroupsBothWaysButNotWithin() {
    FaultPlan plan = FaultPlan.partitioned(List.of(Set.of("n1"), Set.of("n2", "n3")));
    assertFalse(plan.reachable("n1", "n2"));
    assertFalse(plan.reachable("n3", "n1"));
    assertTrue(plan.reachable("n2", "n3"));
    assertTrue(plan.reachable("n1", "n1"));
    assertEquals("partition", plan.decide("n1", "n3", new Random(1)).dropReason());
  }

  @Test
  void unnamedNodesFormOneGroupTogether() {
    FaultPlan plan = FaultPlan.partitioned(List.of(Set.of("n1")));
    assertFalse(plan.reachable("n1", "n4"));
    assertTrue(plan.reachable("n4", "n5"));
  }

  @Test
  void aCutIsOneWay() {
    FaultPlan plan = FaultPlan.NONE.withCuts(Set.of(new Link("n1", "n2")));
    assertFalse(plan.reachable("n1", "n2"));
    assertTrue(plan.reachable("n2", "n1"));
    assertEquals("cut", plan.decide("n1", "n2", new Random(1)).dropReason());
  }

  @Test
  void dropProbabilityLosesAboutThatShare() {
    FaultPlan plan = FaultPlan.NONE.withDrop(0.3);
    Random random = new Random(42);
    int dropped = 0;
    for (int i = 0; i < 10_000; i++) {
      if (plan.decide("n1", "n2", random).isDropped()) {
        dropped++;
      }
    }
    assertTrue(dropped > 2_700 && dropped < 3_300, "dropped " + dropped + " of 10000 at p=0.3");
  }

  @Test
  void delayAndDuplicationStayWithinTheirBounds() {
    FaultPlan plan = FaultPlan.NONE.withDelay(50, 20).withDuplication(1.0);
    Random random = new Random(7);
    for (int i = 0; i < 1_000; i++) {
      Fate fate = plan.decide("n1", "n2", random);
      assertEquals(2, fate.delaysMs().size());
      fate.delaysMs().forEach(d -> assertTrue(d >= 50 && d <= 70, "delay " + d));
    }
  }

  @Test
  void theSameSeedDecidesTheSameFates() {
    FaultPlan plan = FaultPlan.NONE.withDrop(0.5).withDelay(0, 100).withDuplication(0.5);
    Random a = new Random(99);
    Random b = new Random(99);
    for (int i = 0; i < 1_000; i++) {
      assertEquals(plan.decide("n1", "n2", a), plan.decide("n1", "n2", b));
    }
  }

  @Test
  void nonsenseIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> FaultPlan.NONE.withDrop(1.0));
    assertThrows(IllegalArgumentException.class, () -> FaultPlan.NONE.withDrop(-0.1));
    assertThrows(IllegalArgumentException.class, () -> FaultPlan.NONE.withDrop(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> FaultPlan.NONE.withDelay(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> FaultPlan.NONE.withDelay(FaultPlan.MAX_DELAY_MS + 1, 0));
    assertThrows(IllegalArgumentException.class,
        () -> FaultPlan.partitioned(List.of(Set.of("n1", "n2"), Set.of("n2"))));
    assertThrows(IllegalArgumentException.class, () -> FaultPlan.partitioned(List.of(Set.of())));
  }
}
