package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Nemesis names: a kind, or faults taken in turn; never mix or none inside a list. */
class NemesisKindsTest {
  @Test
  void aCommaListNamesFaultsTakenInTurn() {
    assertDoesNotThrow(() -> Nemesis.checkKind("kill,partition-halves"));
    assertDoesNotThrow(() -> Nemesis.checkKind("byzantine"));
    assertEquals(List.of("kill", "partition-halves"), Nemesis.faults("kill,partition-halves"));
    assertEquals(List.of("mix"), Nemesis.faults("mix"));
  }

  /** cut-leader-out: the leader hears everyone, nobody hears it; cut-leader-in: the other way round. */
  @Test
  void theLeaderCutsAreOneWayAroundTheLeader() {
    assertDoesNotThrow(() -> Nemesis.checkKind("cut-leader-out,cut-leader-in"));
    List<String> ids = List.of("n1", "n2", "n3");
    assertEquals(List.of(List.of("n2", "n1"), List.of("n2", "n3")), Nemesis.leaderCuts("n2", ids, true));
    assertEquals(List.of(List.of("n1", "n2"), List.of("n3", "n2")), Nemesis.leaderCuts("n2", ids, false));
  }

  @Test
  void unknownOrNestedKindsAreRefused() {
    for (String bad : List.of("kill,mix", "none,kill", "kill,", ",kill", "kill,,pause", "lightning", "")) {
      assertThrows(IllegalArgumentException.class, () -> Nemesis.checkKind(bad), bad);
    }
  }
}
