package clusternode.gossip.core;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import clusternode.gossip.crdt.Crdt;
import clusternode.gossip.crdt.GCounter;
import clusternode.gossip.sim.Simulation;
import clusternode.protocols.transport.FaultPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Negative control for the gossip simulation: a CRDT whose merge is not commutative must be caught
 * by the simulation's checks (a replica's state is exactly the merge of the writes its version
 * counts; replicas converge), within a bounded number of seeds. The mutant type lives here, in
 * test code. The same run with a correct counter ({@link GCounter}) written the same way passes,
 * so what fails is the merge, not the wiring. About a second in all.
 */
class GossipMutationTest {
  private static final int MAX_SEEDS = 10;
  private static final String KEY = "mutant/counter";

  /**
   * A counter whose merge lets the other side win every entry both hold, where a correct one
   * takes the maximum: merge(a, b) != merge(b, a) whenever they disagree on an entry.
   */
  record OtherWinsCounter(SortedMap<String, Long> counts) implements Crdt<OtherWinsCounter> {
    static final OtherWinsCounter EMPTY = new OtherWinsCounter(new TreeMap<>());

    OtherWinsCounter {
      counts = Collections.unmodifiableSortedMap(new TreeMap<>(counts));
    }

    OtherWinsCounter incrementDelta(String replica, long amount) {
      TreeMap<String, Long> d = new TreeMap<>();
      d.put(replica, counts.getOrDefault(replica, 0L) + amount);
      return new OtherWinsCounter(d);
    }

    @Override
    public OtherWinsCounter merge(OtherWinsCounter other) {
      TreeMap<String, Long> m = new TreeMap<>(counts);
      m.putAll(other.counts); // the mutation: Math::max would make it a join
      return new OtherWinsCounter(m);
    }
  }

  @Test
  void theMutantMergeIsNotCommutative() {
    OtherWinsCounter a = OtherWinsCounter.EMPTY.incrementDelta("r1", 2);
    OtherWinsCounter b = OtherWinsCounter.EMPTY.incrementDelta("r1", 1);
    assertNotEquals(a.merge(b), b.merge(a));
  }

  @Test
  void aNonCommutativeMergeIsCaughtByTheSimulation() {
    for (long seed = 1; seed <= MAX_SEEDS; seed++) {
      String caught = run(seed, (current, replica) ->
          (current == null ? OtherWinsCounter.EMPTY : (OtherWinsCounter) current).incrementDelta(replica, 1));
      if (caught != null) {
        System.out.println("gossip mutant (non-commutative merge): caught at seed " + seed + " of at most "
            + MAX_SEEDS + ": " + caught.lines().findFirst().orElse(""));
        return;
      }
    }
    fail("a non-commutative merge survived " + MAX_SEEDS + " seeds of the gossip simulation");
  }

  /** Positive control: the same runs with a correct counter pass every check. */
  @Test
  void theSameRunsWithACorrectCounterPass() {
    for (long seed = 1; seed <= 3; seed++) {
      assertNull(run(seed, (current, replica) ->
          (current == null ? GCounter.EMPTY : (GCounter) current).incrementDelta(replica, 1)), "seed " + seed);
    }
  }

  /**
   * Five members, partitions and loss that come and go, a write to {@link #KEY} every third
   * tick, the invariants every fifth; then healing and convergence. Returns what a check said,
   * or null when every check held.
   */
  private static String run(long seed, BiFunction<Crdt<?>, String, Crdt<?>> update) {
    int n = 5;
    Simulation sim = new Simulation(seed, n, SwimConfig.DEFAULT, 10);
    try {
      assertTrue(sim.runUntil(300, sim::fullAliveView) >= 0, "join");
      for (int i = 0; i < 600; i++) {
        if (i % 60 == 0) {
          List<String> shuffled = new ArrayList<>(sim.ids);
          Collections.shuffle(shuffled, sim.random);
          sim.plan = sim.random.nextBoolean()
              ? FaultPlan.partitioned(List.of(Set.copyOf(shuffled.subList(0, 2)))).withDrop(0.05).withDelay(0, 2)
              : FaultPlan.NONE.withDrop(0.1).withDuplication(0.1).withDelay(0, 3);
        }
        if (i % 3 == 0) {
          sim.write(sim.ids.get(sim.random.nextInt(n)), KEY, update);
        }
        sim.step();
        if (i % 5 == 0) {
          sim.checkInvariants();
        }
      }
      sim.plan = FaultPlan.NONE;
      if (sim.runUntil(600, sim::replicasAgree) < 0) {
        return "replicas did not converge within 600 ticks of the heal";
      }
      sim.checkInvariants();
      return null;
    } catch (AssertionError e) {
      return e.getMessage();
    }
  }
}
