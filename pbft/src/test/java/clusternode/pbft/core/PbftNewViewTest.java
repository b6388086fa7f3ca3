package clusternode.pbft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.pbft.core.PbftMessage.NewView;
import clusternode.pbft.core.PbftMessage.ViewChange;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * NEW-VIEW names its 2f+1 view changes by digest (Castro and Liskov, TOCS 2002, §4.4, where
 * replicas fetch what they lack) so that it fits one transport frame. A replica that never got
 * those view changes waits, asks, and gets them relayed with the new-view.
 */
class PbftNewViewTest {
  private final PbftConfig config = new PbftConfig(List.of("n1", "n2", "n3", "n4"), 4, 8, 50, 3, 5, 8, 4, 1 << 20, 1 << 20);
  private final Map<String, Long> secrets = SimCrypto.secrets(config.replicas(), 7);

  private PbftCore core(String id) {
    return new PbftCore(config, id, SimCrypto.of(secrets, id), new SimApp(), new Random(1), Recovered.EMPTY);
  }

  private ViewChange vote(String from, long newView) {
    ViewChange unsigned = new ViewChange(from, newView, 0, List.of(), List.of(), null);
    return new ViewChange(from, newView, 0, List.of(), List.of(), SimCrypto.of(secrets, from).sign(unsigned.signed()));
  }

  private static List<Outbound> sent(PbftCore core, String to) {
    return core.ready().messages().stream().filter(o -> o.to().equals(to)).toList();
  }

  @Test
  void aReplicaThatLackedTheViewChangesGetsThemRelayedAndEntersTheNewView() {
    PbftCore primary = core("n2"); // primary of view 1
    PbftCore late = core("n1");
    primary.step(vote("n3", 1));
    primary.step(vote("n4", 1));
    assertEquals(1, primary.view());
    assertTrue(primary.isActive(), "2f+1 votes (its own and two) let the new primary start view 1");
    NewView nv = (NewView) sent(primary, "n1").stream().map(Outbound::message)
        .filter(m -> m instanceof NewView).findFirst().orElseThrow();
    assertEquals(3, nv.viewChanges().size());

    late.step(nv);
    assertEquals(0, late.view(), "a new-view whose view changes it has not seen cannot be checked yet");
    List<Outbound> asked = sent(late, "n2");
    assertEquals(1, asked.size(), "it asks the primary with its status");

    primary.step(asked.get(0).message());
    List<Outbound> relayed = sent(primary, "n1");
    assertEquals(4, relayed.size(), "three view changes, then the new-view");
    relayed.forEach(o -> late.step(o.message()));
    assertEquals(1, late.view());
    assertTrue(late.isActive());
  }

  @Test
  void aNewViewNamingAViewChangeThatWasNeverSentIsNotEntered() {
    PbftCore primary = core("n2");
    primary.step(vote("n3", 1));
    primary.step(vote("n4", 1));
    NewView nv = (NewView) sent(primary, "n1").stream().map(Outbound::message)
        .filter(m -> m instanceof NewView).findFirst().orElseThrow();
    PbftCore late = core("n1");
    late.step(nv);
    // A different view change from n3 (another view) is not the one the new-view names.
    late.step(vote("n3", 2));
    late.step(vote("n4", 1));
    assertFalse(late.isActive() && late.view() == 1, "entered view 1 without the view changes its new-view names");
  }
}
