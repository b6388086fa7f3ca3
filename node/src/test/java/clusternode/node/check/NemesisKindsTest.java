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

  @Test
  void unknownOrNestedKindsAreRefused() {
    for (String bad : List.of("kill,mix", "none,kill", "kill,", ",kill", "kill,,pause", "lightning", "")) {
      assertThrows(IllegalArgumentException.class, () -> Nemesis.checkKind(bad), bad);
    }
  }
}
