package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One traitor for the whole run (at most f = 1), cycled through every mode, primary-only ones first. */
class TraitorTest {
  @Test
  void theFirstChoiceStaysAndTheModesCycle() {
    Traitor t = new Traitor(null, null); // next() sends nothing
    assertTrue(t.id().isEmpty());
    List<String> modes = new ArrayList<>();
    for (int i = 0; i < Traitor.MODES.size() + 1; i++) {
      Traitor.Turn turn = t.next(() -> modes.isEmpty() ? "n1" : "n3");
      assertEquals("n1", turn.replica(), "a second replica would make two faulty ones: more than f");
      modes.add(turn.mode());
    }
    assertEquals("slow-primary", modes.get(0), "the primary-only mode while the traitor is still primary");
    assertEquals(Traitor.MODES, modes.subList(0, Traitor.MODES.size()));
    assertEquals(modes.get(0), modes.get(Traitor.MODES.size()));
    assertEquals(List.of("slow-primary", "lie", "equivocate", "forge", "flood", "silent"), Traitor.MODES);
  }
}
