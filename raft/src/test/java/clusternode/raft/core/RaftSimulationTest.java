package clusternode.raft.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the deterministic simulation over many seeds, 1, 2, 3, ... Every seed replays exactly.
 *
 * <p>By default it runs at least {@value #MIN_SEEDS} seeds and then keeps going while it is within
 * a time budget ({@code -Draft.sim.budgetSeconds}, default 40) up to {@value #MAX_SEEDS} seeds, so
 * a fast machine checks more schedules and a loaded one still finishes. {@code -Draft.sim.seeds=N}
 * runs exactly N seeds (e.g. 100000 for a long run); {@code -Draft.sim.steps=M} sets the steps per
 * seed; {@code -Draft.sim.firstSeed=S} starts elsewhere.
 */
// At least 1000 seeds, then a 40 s budget: 45 s at load 25 on 2 cores (2026-12-07).
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RaftSimulationTest {
  private static final long MIN_SEEDS = 1000;
  private static final long MAX_SEEDS = 20_000;
  private static final Long EXACT_SEEDS = Long.getLong("raft.sim.seeds");
  private static final long BUDGET_NANOS = Long.getLong("raft.sim.budgetSeconds", 40) * 1_000_000_000L;
  private static final long STEPS = Long.getLong("raft.sim.steps", 4000);
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
    long crashesAfterVote = 0;
    long partitions = 0;
    long cuts = 0;
    long leaderCannotHear = 0;
    long followerCannotAnswer = 0;
    long dropped = 0;
    long droppedByCut = 0;
    long worstLiveness = 0;
    long seeds = 0;
    for (long seed = FIRST_SEED; keepGoing(seeds, start); seed++, seeds++) {
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
      crashesAfterVote += sim.crashesAfterVote;
      partitions += sim.partitionPlans;
      cuts += sim.cutPlans;
      leaderCannotHear += sim.leaderCannotHearPlans;
      followerCannotAnswer += sim.followerCannotAnswerPlans;
      dropped += sim.dropped;
      droppedByCut += sim.droppedByCut;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "raft simulation: %d seeds, %d steps, %.1f s (proposals %d, client commands applied %d,"
            + " crashes %d, snapshots installed %d, reads %d, transfers %d, config changes %d,"
            + " worst ticks to commit after heal %d)%n",
        seeds, steps, seconds, proposals, commits, crashes, snapshots, reads, transfers,
        configChanges, worstLiveness);
    System.out.printf("raft simulation faults: crashes right after a vote %d, partitions %d, one-way cut plans %d"
        + " (leader cannot hear %d, follower cannot answer %d), messages dropped %d (by cuts %d)%n",
        crashesAfterVote, partitions, cuts, leaderCannotHear, followerCannotAnswer, dropped, droppedByCut);
    if (seeds >= MIN_SEEDS) {
      // The faults were injected and did something: a broken injector turns this red, not green.
      // Each floor is about a quarter of what 1000 seeds give (see the printed counts).
      atLeast("crashes", crashes, seeds * 6);
      atLeast("crashes right after a vote", crashesAfterVote, seeds / 4);
      atLeast("partitions", partitions, seeds);
      atLeast("one-way cut plans", cuts, seeds / 2);
      atLeast("leaders that cannot hear", leaderCannotHear, seeds / 20);
      atLeast("followers that cannot answer", followerCannotAnswer, seeds / 20);
      atLeast("messages dropped", dropped, seeds * 50);
      atLeast("messages dropped by one-way cuts", droppedByCut, seeds * 5);
      atLeast("snapshots installed", snapshots, seeds / 4);
      atLeast("leadership transfers", transfers, seeds);
      atLeast("membership changes", configChanges, seeds / 4);
      atLeast("reads served", reads, seeds * 20);
      atLeast("client commands applied", commits, seeds * 10);
    }
  }

  private static void atLeast(String what, long count, long floor) {
    assertTrue(count >= floor, what + ": " + count + " < " + floor + ": is that fault injector broken?");
  }

  private static boolean keepGoing(long seedsDone, long startNanos) {
    if (EXACT_SEEDS != null) {
      return seedsDone < EXACT_SEEDS;
    }
    return seedsDone < MIN_SEEDS
        || (seedsDone < MAX_SEEDS && System.nanoTime() - startNanos < BUDGET_NANOS);
  }
}
