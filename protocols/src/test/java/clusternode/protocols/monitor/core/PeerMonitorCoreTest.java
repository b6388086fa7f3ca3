package clusternode.protocols.monitor.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerMonitorCoreTest {
  private static final long MS = 1_000_000;
  private final PeerMonitorCore core = new PeerMonitorCore("n1", List.of("n1", "n2", "n3"), 1000 * MS, 16);

  @Test
  void peersAreUnknownUntilTheyAnswer() {
    assertEquals(PeerStatus.UNKNOWN, core.status("n2", 0));
    assertEquals(Map.of("n2", false, "n3", false), core.row(0));
  }

  @Test
  void anAnswerMakesAPeerReachableAndRecordsItsRoundTrip() {
    List<PeerMonitorCore.ProbeOut> probes = core.probeRound(0);
    assertEquals(2, probes.size());
    PeerMonitorCore.ProbeOut toN2 = probes.stream().filter(p -> p.to().equals("n2")).findFirst().orElseThrow();
    core.onAck("n2", toN2.seq(), Map.of("n1", true, "n3", false), 3 * MS);
    assertEquals(PeerStatus.REACHABLE, core.status("n2", 3 * MS));
    PeerView view = core.views(3 * MS).get(0);
    assertEquals(1, view.rttMs().samples());
    assertEquals(3.0, view.rttMs().minMs(), 1e-9);
    assertEquals(Map.of("n1", true, "n3", false), view.reaches());
  }

  @Test
  void silenceLongerThanTheWindowMakesAPeerUnreachable() {
    long seq = core.probeRound(0).get(0).seq();
    core.onAck("n2", seq, Map.of(), MS);
    assertEquals(PeerStatus.REACHABLE, core.status("n2", 1000 * MS));
    assertEquals(PeerStatus.UNREACHABLE, core.status("n2", 1002 * MS));
  }

  @Test
  void lateDuplicateAndForeignAnswersAreIgnored() {
    long seq = core.probeRound(0).get(0).seq();
    core.onAck("n2", seq, Map.of(), 1001 * MS); // too late to count
    assertEquals(PeerStatus.UNKNOWN, core.status("n2", 1001 * MS));
    core.onAck("n9", seq, Map.of(), MS); // not a peer
    core.onAck("n2", 12345, Map.of(), MS); // never sent
    assertEquals(PeerStatus.UNKNOWN, core.status("n2", MS));
  }

  @Test
  void p99IsTheNearestRankOfTheWindow() {
    for (int i = 1; i <= 100; i++) {
      long start = i * 10_000 * MS;
      long seq = core.probeRound(start).get(0).seq();
      core.onAck("n2", seq, Map.of(), start + i * MS);
    }
    RttStats stats = core.views(0).get(0).rttMs();
    assertEquals(16, stats.samples()); // the window keeps the last 16: 85..100 ms
    assertEquals(85.0, stats.minMs(), 1e-9);
    assertEquals(100.0, stats.p99Ms(), 1e-9);
    assertEquals(92.5, stats.avgMs(), 1e-9);
  }

  @Test
  void outstandingProbesStayBoundedWhenAPeerNeverAnswers() {
    for (int i = 0; i < 10_000; i++) {
      core.probeRound(i * 200 * MS);
    }
    PeerView view = core.views(0).get(0);
    assertEquals(10_000, view.probesSent());
    assertTrue(view.acksReceived() == 0);
  }
}
