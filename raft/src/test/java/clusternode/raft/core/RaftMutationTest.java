package clusternode.raft.core;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import clusternode.raft.core.RaftSimulation.Mutant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Negative controls: the simulation's safety checks must catch a Raft with one rule broken, within
 * a bounded number of seeds. If a mutant survives, the simulation proves less than it claims
 * (a check that cannot fire, or faults too gentle to reach the bug). Each search runs seeds 1, 2,
 * ... and stops at the first caught one; the seeds that catch each mutant today are pinned below,
 * so a change to the simulator that makes a mutant harder to catch shows up as a failure here.
 */
class RaftMutationTest {
  /** Steps per seed: as in RaftSimulationTest. */
  private static final long STEPS = 4000;
  /** The most seeds a mutant may survive. */
  private static final long MAX_SEEDS = 200;

  /** What the simulation's safety checks (and the core's own invariants) say: not an incidental exception. */
  private static final List<String> SAFETY = List.of("two leaders in term", "committed entries differ",
      "leader completeness", "state machine safety", "state diverged", "log matching violated",
      "commit index went back", "stale read", "applied at",
      // The core's own invariant checks, which stay on in production, catch some consequences first:
      "conflicting with committed", "claims match");

  /** The simulation with no mutant passes the seeds the mutants are caught on (the checks are not trigger-happy). */
  @Test
  void theHonestCorePassesTheSeedsThatCatchTheMutants() {
    for (long seed : new long[] {firstCatch(Mutant.COMMIT_EARLIER_TERMS), firstCatch(Mutant.VOTE_WITHOUT_LOG_CHECK),
        firstCatch(Mutant.FORGET_VOTE_ON_RESTART)}) {
      RaftSimulation sim = new RaftSimulation(seed);
      sim.run(STEPS);
      assertTrue(sim.healAndAwaitCommit(2000) >= 0, "seed " + seed);
    }
  }

  /** Raft §5.4.2 and Figure 8: a leader that commits an entry of an earlier term by counting replicas. */
  @Test
  void committingEarlierTermsByCountingIsCaught() {
    report(Mutant.COMMIT_EARLIER_TERMS);
  }

  /** Raft §5.4.1: a vote granted to a candidate whose log is behind the voter's. */
  @Test
  void votingWithoutTheLogUpToDateCheckIsCaught() {
    report(Mutant.VOTE_WITHOUT_LOG_CHECK);
  }

  /** Raft §5.2, Figure 2 (votedFor is persistent state): a restart that forgets its vote. */
  @Test
  void forgettingVotedForOnRestartIsCaught() {
    String violation = report(Mutant.FORGET_VOTE_ON_RESTART);
    assertTrue(violation.contains("two leaders in term"), violation);
  }

  private static String report(Mutant mutant) {
    long seed = firstCatch(mutant);
    String violation = violation(seed, mutant);
    String check = violation;
    for (String s : SAFETY) {
      if (violation.contains(s)) {
        check = violation.substring(violation.indexOf(s));
        break;
      }
    }
    System.out.printf("raft mutant %s: caught at seed %d (of at most %d): %s%n", mutant, seed, MAX_SEEDS,
        check.substring(0, Math.min(check.length(), 200)));
    return violation;
  }

  private static final Map<Mutant, Long> FIRST = new EnumMap<>(Mutant.class);

  /** The first seed in 1..MAX_SEEDS on which the mutant breaks a safety check. */
  private static synchronized long firstCatch(Mutant mutant) {
    Long known = FIRST.get(mutant);
    if (known != null) {
      return known;
    }
    long started = System.nanoTime();
    for (long seed = 1; seed <= MAX_SEEDS; seed++) {
      if (violation(seed, mutant) != null) {
        FIRST.put(mutant, seed);
        System.out.printf("raft mutant %s: search took %.2f s%n", mutant, (System.nanoTime() - started) / 1e9);
        return seed;
      }
    }
    fail("mutant " + mutant + " survived " + MAX_SEEDS + " seeds: the simulation does not catch it");
    return -1;
  }

  /** The safety violation the mutant causes on {@code seed}, or null. */
  static String violation(long seed, Mutant mutant) {
    RaftSimulation sim = new RaftSimulation(seed, mutant);
    try {
      sim.run(STEPS);
      sim.healAndAwaitCommit(2000);
      return null;
    } catch (AssertionError | RuntimeException e) {
      String message = String.valueOf(e.getMessage());
      for (String s : SAFETY) {
        if (message.contains(s)) {
          return message;
        }
      }
      throw new AssertionError("mutant " + mutant + " seed " + seed + " failed, but not a safety check: " + message, e);
    }
  }
}
