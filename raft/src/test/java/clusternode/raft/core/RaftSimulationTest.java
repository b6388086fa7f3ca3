package clusternode.raft.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Runs the deterministic simulation over many seeds. {@code -Draft.sim.seeds=N} and
 * {@code -Draft.sim.steps=M} make longer runs; {@code -Draft.sim.firstSeed=S} starts elsewhere.
 */
class RaftSimulationTest {
  private static final long SEEDS = Long.getLong("raft.sim.seeds", 600);
  private static final long STEPS = Long.getLong("raft.sim.steps", 3000);
  private static final long FIRST_SEED = Long.getLong("raft.sim.firstSeed", 1);
  private static final long LIVENESS_TICKS = 2000;

  @Test
  void manySeedsStaySafeAndLive() {
    long start = System.nanoTime();
    long steps = 0;
    long proposals = 0;
    long commits = 0;
    long crashes = 0;
    long snapshots = 0;
    long reads = 0;
    long transfers = 0;
    long configChanges = 0;
    long worstLiveness = 0;
    for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
      RaftSimulation sim = new RaftSimulation(seed);
      sim.run(STEPS);
      long ticks = sim.healAndAwaitCommit(LIVENESS_TICKS);
      assertTrue(ticks >= 0, "seed " + seed + ": no commit within " + LIVENESS_TICKS
          + " ticks after healing: " + sim.describe());
      worstLiveness = Math.max(worstLiveness, ticks);
      steps += sim.steps();
      proposals += sim.proposals;
      commits += sim.commitsObserved;
      crashes += sim.crashes;
      snapshots += sim.snapshotsInstalled;
      reads += sim.readsServed;
      transfers += sim.transfers;
      configChanges += sim.configChanges;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "raft simulation: %d seeds, %d steps, %.1f s (proposals %d, client commands applied %d,"
            + " crashes %d, snapshots installed %d, reads %d, transfers %d, config changes %d,"
            + " worst ticks to commit after heal %d)%n",
        SEEDS, steps, seconds, proposals, commits, crashes, snapshots, reads, transfers,
        configChanges, worstLiveness);
  }
}
