package clusternode.node.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The split-brain verdict: Raft's Election Safety (section 5.2), at most one leader per term. */
class SplitBrainTest {
  @Test
  void oneLeaderAndItsFollowersIsNoSplitBrain() {
    SplitBrain.Verdict v = SplitBrain.of(List.of(
        new SplitBrain.Claim("n1", "leader", 3L, "n1"),
        new SplitBrain.Claim("n2", "follower", 3L, "n1"),
        new SplitBrain.Claim("n3", "follower", 3L, "n1")));
    assertTrue(v.ok());
    assertEquals(1, v.maxLeadersInOneTerm());
    assertEquals(1, v.distinctLeadersBelieved());
    assertEquals(Map.of(3L, List.of("n1")), v.leadersByTerm());
  }

  @Test
  void aStaleLeaderInAnOlderTermIsNotSplitBrainButIsCounted() {
    // The partitioned old leader still says so in term 2; the majority elected n4 in term 3.
    SplitBrain.Verdict v = SplitBrain.of(List.of(
        new SplitBrain.Claim("n1", "leader", 2L, "n1"),
        new SplitBrain.Claim("n2", "follower", 2L, "n1"),
        new SplitBrain.Claim("n3", "follower", 3L, "n4"),
        new SplitBrain.Claim("n4", "leader", 3L, "n4"),
        new SplitBrain.Claim("n5", "follower", 3L, "n4")));
    assertTrue(v.ok());
    assertEquals(1, v.maxLeadersInOneTerm());
    assertEquals(2, v.distinctLeadersBelieved());
    assertEquals(List.of("n1", "n4"), v.leadersBelieved());
  }

  @Test
  void twoLeadersInOneTermIsSplitBrain() {
    SplitBrain.Verdict v = SplitBrain.of(List.of(
        new SplitBrain.Claim("n1", "leader", 5L, "n1"),
        new SplitBrain.Claim("n2", "leader", 5L, "n2"),
        new SplitBrain.Claim("n3", "follower", 5L, "n2")));
    assertFalse(v.ok());
    assertEquals(2, v.maxLeadersInOneTerm());
    assertEquals(false, v.json().get("ok"));
    assertEquals(Map.of("5", List.of("n1", "n2")), v.json().get("leadersByTerm"));
  }

  @Test
  void nodesWithoutARoleOrTermAreHarmless() {
    SplitBrain.Verdict v = SplitBrain.of(List.of(new SplitBrain.Claim("n1", null, null, null),
        new SplitBrain.Claim("n2", "leader", null, "")));
    assertTrue(v.ok());
    assertEquals(0, v.maxLeadersInOneTerm());
    assertEquals(0, v.distinctLeadersBelieved());
  }

  @Test
  void mergingViewsOverTimeCatchesTwoLeadersSeenAtDifferentMoments() {
    SplitBrain.Verdict early = SplitBrain.of(List.of(new SplitBrain.Claim("n1", "leader", 4L, "n1")));
    SplitBrain.Verdict late = SplitBrain.of(List.of(new SplitBrain.Claim("n2", "leader", 4L, "n2")));
    SplitBrain.Verdict next = SplitBrain.of(List.of(new SplitBrain.Claim("n2", "leader", 5L, "n2")));
    assertFalse(SplitBrain.merge(List.of(early, late)).ok());
    assertTrue(SplitBrain.merge(List.of(early, next)).ok());
  }
}
