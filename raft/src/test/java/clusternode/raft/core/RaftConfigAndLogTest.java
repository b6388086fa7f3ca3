package clusternode.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Start-up validation of the config and the log invariants checked on every mutation. */
class RaftConfigAndLogTest {
  private static final RaftConfig BASE = RaftConfig.defaults(List.of("n1", "n2", "n3"));

  @Test
  void inconsistentConfigIsRefusedWithAClearMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BASE.withTimeouts(3, 10, 3));
    assertTrue(e.getMessage().contains("electionTimeoutMinTicks"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BASE.withTimeouts(10, 10, 2));
    assertThrows(IllegalArgumentException.class, () -> BASE.withLimits(0, 10, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> BASE.withLimits(1, 10, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> BASE.withFlags(true, false, true),
        "lease reads need check-quorum");
    assertThrows(IllegalArgumentException.class, () -> BASE.withInitialVoters(List.of("a", "a")));
  }

  @Test
  void recoveredStateIsCheckedWhenRead() {
    // Check data right after it is read back: a log with a gap or a term below the log is refused.
    Entry e1 = new Entry(1, 2, EntryType.NOOP, null);
    Entry e3 = new Entry(3, 2, EntryType.NOOP, null);
    assertThrows(IllegalStateException.class, () -> new RaftCore(BASE, "n1",
        new RecoveredState(new HardState(2, null, 0), null, List.of(e1, e3)), new Random(1)));
    assertThrows(IllegalStateException.class, () -> new RaftCore(BASE, "n1",
        new RecoveredState(new HardState(1, null, 0), null, List.of(e1)), new Random(1)));
  }

  @Test
  void logRejectsDecreasingTermsAndGaps() {
    RaftLog log = new RaftLog(new Snapshot(0, 0, Membership.EMPTY, null), List.of());
    log.append(new Entry(1, 2, EntryType.NOOP, null));
    assertThrows(IllegalStateException.class, () -> log.append(new Entry(2, 1, EntryType.NOOP, null)));
    assertThrows(IllegalStateException.class, () -> log.append(new Entry(3, 2, EntryType.NOOP, null)));
    assertEquals(1, log.lastIndex());
    assertEquals(RaftLog.UNKNOWN, log.term(5));
  }

  @Test
  void logSliceRespectsCountAndBytesButAlwaysMakesProgress() {
    RaftLog log = new RaftLog(new Snapshot(0, 0, Membership.EMPTY, null), List.of());
    for (int i = 1; i <= 5; i++) {
      log.append(new Entry(i, 1, EntryType.COMMAND, new byte[1000]));
    }
    assertEquals(1, log.slice(1, 5, 10, 10).size(), "one oversized entry still goes");
    assertEquals(2, log.slice(1, 5, 2, 1 << 20).size());
    assertEquals(3, log.slice(1, 5, 10, 3 * 1024).size());
  }

  @Test
  void logCompactionKeepsTermOfLastIncludedEntry() {
    RaftLog log = new RaftLog(new Snapshot(0, 0, Membership.EMPTY, null), List.of());
    for (int i = 1; i <= 5; i++) {
      log.append(new Entry(i, i, EntryType.COMMAND, null));
    }
    log.compact(new Snapshot(3, 3, Membership.EMPTY, null));
    assertEquals(4, log.firstIndex());
    assertEquals(3, log.term(3));
    assertEquals(RaftLog.UNKNOWN, log.term(2));
    assertEquals(4, log.lastIndexOfTerm(4, 5));
    assertThrows(IllegalStateException.class, () -> log.compact(new Snapshot(4, 9, Membership.EMPTY, null)));
  }

  @Test
  void proposalsAreBounded() {
    RaftConfig cfg = new RaftConfig(List.of("n1", "n2"), 10, 20, 2, 10, 100, 2, 10, true, true,
        false, 1, 3, 2, 100);
    TestNet net = new TestNet(cfg, "n1", "n2");
    net.elect("n1");
    net.isolate("n2");
    assertEquals(Proposal.Reason.TOO_LARGE,
        ((Proposal.Rejected) net.core("n1").propose(new byte[101])).reason());
    int accepted = 0;
    for (int i = 0; i < 10; i++) {
      if (net.core("n1").propose(new byte[1]).accepted()) {
        accepted++;
      }
    }
    assertEquals(3, accepted, "3 uncommitted entries at most");
    for (int i = 0; i < 5; i++) {
      net.core("n1").readIndex(i);
    }
    net.collect();
    assertEquals(3, net.rejectedReads.get("n1").size(), "2 pending reads at most");
  }
}
