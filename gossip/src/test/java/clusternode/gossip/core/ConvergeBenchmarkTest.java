package clusternode.gossip.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.gossip.sim.ConvergeBenchmark;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gossip-converge workload runs and gives sane figures (small sizes only, to stay fast). */
class ConvergeBenchmarkTest {
  @Test
  void smallClustersConverge() {
    List<ConvergeBenchmark.Row> rows = ConvergeBenchmark.run(new int[] {16, 32}, 7, 0.01);
    System.out.print(ConvergeBenchmark.table(rows));
    for (ConvergeBenchmark.Row r : rows) {
      assertTrue(r.joinTicks() >= 0 && r.membershipRounds() >= 0 && r.antiEntropyTicks() >= 0 && r.pushedTicks() >= 0,
          r.toString());
      assertTrue(r.pushedTicks() <= r.antiEntropyTicks() + 10, "a pushed delta is not slower than anti-entropy: " + r);
    }
  }
}
