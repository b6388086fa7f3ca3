package clusternode.pbft.core;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Negative controls for {@link PbftSimulation}'s checks: with more than f Byzantine replicas each
 * check must fire (with f, none may). The Byzantine behaviours here (fabricating replies,
 * colluding on an equivocating primary's batches) are the simulation's own, in test code, around
 * the cores' output; no configuration reaches them. The whole class runs in well under a second.
 */
class PbftMutationTest {
  private static final int SEEDS = 5;

  private static PbftSimulation.Options quiet(Map<Integer, Byzantine> byzantine) {
    return new PbftSimulation.Options(4, 2, 4, byzantine, 0.0, false, false, 50, 1500);
  }

  /**
   * f+1 replicas that fabricate answers (n1, the primary, and n2, both silent otherwise): the
   * clients on n1 and n2 send only to them, accept the made-up result at once, and no honest
   * replica ever executes the request. Before issue 16 the check skipped a result with no honest
   * counterpart and these runs passed: every request "completed" and nothing was flagged.
   */
  @Test
  void aResultNoHonestReplicaComputedIsCaught() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      PbftSimulation.Outcome out = PbftSimulation.run(seed,
          quiet(Map.of(0, Byzantine.SILENT, 1, Byzantine.SILENT)).withFabricators(Set.of(0, 1)));
      assertNotNull(out.violation(), "seed " + seed + ": f+1 fabricators must be caught");
      assertTrue(out.violation().contains("that no honest replica computed: FABRICATED:"),
          "seed " + seed + ": " + out.violation());
    }
  }

  /**
   * f+1 fabricators whose cores are honest: the client on n2 sends to n1 (primary) and n2, both
   * answer at once, and it accepts before any honest replica executed the request. The check
   * fires on acceptance, not later when the honest result exists.
   */
  @Test
  void aResultAcceptedBeforeAnyHonestReplicaComputedItIsCaughtOnTheSpot() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      PbftSimulation.Outcome out = PbftSimulation.run(seed, quiet(Map.of()).withFabricators(Set.of(0, 1)));
      assertNotNull(out.violation(), "seed " + seed);
      assertTrue(out.violation().contains("that no honest replica computed"), "seed " + seed + ": " + out.violation());
    }
  }

  /** Positive control: f fabricators are outvoted; every client accepts the honest result. */
  @Test
  void fFabricatorsAreHarmless() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      PbftSimulation.Outcome out = PbftSimulation.run(seed, quiet(Map.of()).withFabricators(Set.of(1)));
      assertNull(out.violation(), "seed " + seed);
      assertTrue(out.stats().byzantineMessages.getOrDefault("fabricated replies", 0L) > 0, "the fabricator was active");
    }
  }

  /**
   * f+1 colluders (an equivocating primary and one backup) give each honest backup a prepare and
   * commit quorum for a different batch digest of sequence 1: the honest replicas execute
   * different batches and the agreement check, not only the clients' check, must say so.
   */
  @Test
  void fPlusOneColludersBreakAgreementAndTheCheckSaysSo() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      PbftSimulation.Outcome out = PbftSimulation.run(seed,
          quiet(Map.of(0, Byzantine.EQUIVOCATE)).withColluders(Set.of(0, 1)));
      assertNotNull(out.violation(), "seed " + seed + ": f+1 colluders must break agreement");
      assertTrue(out.violation().startsWith("agreement: seq "), "seed " + seed + ": " + out.violation());
    }
  }

  /** Positive control: the equivocating primary colluding alone (f) cannot split the honest replicas. */
  @Test
  void aColludingEquivocatingPrimaryAloneIsHarmless() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      PbftSimulation.Outcome out = PbftSimulation.run(seed,
          quiet(Map.of(0, Byzantine.EQUIVOCATE)).withColluders(Set.of(0)));
      assertNull(out.violation(), "seed " + seed);
      assertTrue(out.maxView() >= 1, "the equivocating primary is replaced");
      assertTrue(out.stats().byzantineMessages.getOrDefault("collusive votes", 0L) > 0, "the colluder was active");
    }
  }
}
