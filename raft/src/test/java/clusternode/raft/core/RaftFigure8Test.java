package clusternode.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.raft.core.RaftMessage.AppendEntries;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Raft §5.4.2, Figure 8, played out with five servers through elections and messages: an entry
 * of an earlier term that sits on a majority is still not committed by counting replicas, because
 * a later leader may overwrite it; only committing an entry of the leader's own term commits it
 * with everything before it. (RaftReplicationTest checks the counting rule on one core.)
 *
 * <p>Every new leader appends a no-op first (§8), so the paper's "entry 2 of term 2" is here the
 * term-2 no-op at index 2 plus command "x" at index 3, and S5's term-3 entry is its no-op plus
 * "y"; the shape of the scenario is the paper's.
 */
class RaftFigure8Test {
  private static final String[] IDS = {"s1", "s2", "s3", "s4", "s5"};

  /** One entry per AppendEntries and one in flight, so the test decides which entries reach whom. */
  private static RaftConfig config() {
    return TestNet.plainConfig(IDS).withLimits(1, 1 << 20, 1, 1024);
  }

  private static Entry first() {
    return new Entry(1, 1, EntryType.COMMAND, "a".getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * The network of the scenario: AppendEntries reach only {@code to}, and one carrying an entry of
   * term {@code termBelow} or later only when the follower will reject it for a gap (it stores
   * nothing of it, and its answer lets the leader back-track, §5.3). Everything else is delivered.
   */
  private static Predicate<RaftMessage> appendsOnly(TestNet net, Set<String> to, long termBelow) {
    return m -> !(m instanceof AppendEntries a) || (to.contains(a.to())
        && (a.entries().stream().allMatch(e -> e.term() < termBelow) || a.prevLogIndex() > net.core(a.to()).lastIndex()));
  }

  private static long termAt(TestNet net, String id, long index) {
    return net.disks.get(id).entries.stream().filter(e -> e.index() == index).mapToLong(Entry::term).findFirst()
        .orElse(-1);
  }

  private static void campaignUntilLeader(TestNet net, String id, long term, Predicate<RaftMessage> allow) {
    for (int attempt = 0; attempt < 5 && net.core(id).role() != Role.LEADER; attempt++) {
      net.core(id).campaign();
      net.stabilize(allow);
    }
    assertEquals(Role.LEADER, net.core(id).role(), id + " did not win");
    assertEquals(term, net.core(id).term(), id + " leads in the paper's term");
  }

  /** Heartbeat rounds of {@code leader} until {@code done}, delivering only what {@code allow} lets through. */
  private static void replicate(TestNet net, String leader, Predicate<RaftMessage> allow,
      java.util.function.BooleanSupplier done) {
    for (int round = 0; round < 50 && !done.getAsBoolean(); round++) {
      net.tick(leader, net.config().heartbeatIntervalTicks());
      net.stabilize(allow);
    }
    assertTrue(done.getAsBoolean(), "replication did not get there in 50 heartbeats");
  }

  /**
   * Figure 8 (a) to (c): the state in which S1, leader of term 4, has put its term-2 entries on a
   * majority (S1 to S4) while its own term-4 no-op is on no one else yet.
   */
  private static TestNet throughFigure8c() {
    TestNet net = new TestNet(config());
    for (String id : IDS) {
      net.add(id, config(), new RecoveredState(new HardState(1, null, 1), null, List.of(first())));
    }
    // (a) S1 leads term 2 and replicates its entries (index 2 and 3) to S2 only.
    campaignUntilLeader(net, "s1", 2, appendsOnly(net, Set.of("s2"), Long.MAX_VALUE));
    net.propose("s1", "x");
    replicate(net, "s1", appendsOnly(net, Set.of("s2"), Long.MAX_VALUE), () -> net.core("s1").matchIndexOf("s2") == 3);
    assertEquals(1, net.core("s1").commitIndex(), "two of five hold the term-2 entries: not committed");

    // (b) S1 crashes; S5 is elected for term 3 by S3, S4 and itself and accepts a different entry
    // at the same indexes, which it replicates to no one.
    net.isolate("s1");
    campaignUntilLeader(net, "s5", 3, appendsOnly(net, Set.of(), 0));
    net.propose("s5", "y");
    net.stabilize(appendsOnly(net, Set.of(), 0));
    assertEquals(3, termAt(net, "s5", 3));

    // (c) S5 crashes; S1 restarts, is elected for term 4 (S2, S3, S4 vote: their logs are not
    // newer) and replicates the term-2 entries, keeping its term-4 no-op to itself. The paper
    // sends them to S3; here S3 and S4 get them, so that S1 itself counts a majority (S1, S3,
    // S4; S2 holds them since (a), but any append to it would carry the term-4 no-op).
    net.heal();
    net.isolate("s5");
    net.restart("s1");
    campaignUntilLeader(net, "s1", 4, appendsOnly(net, Set.of(), 0));
    assertEquals(4, termAt(net, "s1", 4), "the term-4 no-op");
    replicate(net, "s1", appendsOnly(net, Set.of("s3", "s4"), 4),
        () -> net.core("s1").matchIndexOf("s3") == 3 && net.core("s1").matchIndexOf("s4") == 3);
    for (String id : List.of("s1", "s2", "s3", "s4")) {
      assertEquals(2, termAt(net, id, 3), id + " holds the term-2 entry");
    }
    // The heart of Figure 8: on a majority, but of an earlier term, so it is not committed.
    assertEquals(1, net.core("s1").commitIndex(), "S1 committed a term-2 entry by counting replicas");
    for (String id : IDS) {
      assertFalse(net.appliedCommands(id).contains("x"), id + " applied the term-2 entry");
    }
    return net;
  }

  @Test
  void figure8dS5OverwritesTheTerm2EntryThatWasOnAMajority() {
    TestNet net = throughFigure8c();
    // (d) S1 crashes; S5 restarts and is elected (term 5) by S2, S3, S4: its last term 3 beats their 2.
    net.heal();
    net.isolate("s1");
    net.restart("s5");
    campaignUntilLeader(net, "s5", 5, m -> true);
    net.propose("s5", "z");
    replicate(net, "s5", m -> true, () -> Set.of("s2", "s3", "s4", "s5").stream()
        .allMatch(id -> net.core(id).commitIndex() == net.core("s5").lastIndex()));
    for (String id : List.of("s2", "s3", "s4", "s5")) {
      assertEquals(3, termAt(net, id, 3), id + ": S5's term-3 entry replaced the term-2 one");
      assertEquals(net.core("s5").commitIndex(), net.core(id).commitIndex(), id);
      assertTrue(net.appliedCommands(id).containsAll(List.of("y", "z")), id + " applied " + net.appliedCommands(id));
    }
    // S1 comes back and is brought in line: had it committed "x" in (c), a committed entry would now be lost.
    net.heal();
    replicate(net, "s5", m -> true, () -> net.core("s1").commitIndex() == net.core("s5").commitIndex());
    assertEquals(3, termAt(net, "s1", 3));
    for (String id : IDS) {
      assertFalse(net.appliedCommands(id).contains("x"), id + " applied the overwritten term-2 entry");
    }
  }

  @Test
  void figure8eCommittingTheTerm4EntryCommitsTheTerm2EntryWithIt() {
    TestNet net = throughFigure8c();
    // (e) S1 replicates its term-4 no-op to S2 and S3 before it can crash: committing it commits
    // index 2 and 3 too (Log Matching), and S5 can no longer win an election.
    replicate(net, "s1", appendsOnly(net, Set.of("s2", "s3"), Long.MAX_VALUE), () -> net.core("s1").commitIndex() == 4);
    assertTrue(net.appliedCommands("s1").contains("x"), "x is committed and applied with the term-4 entry");
    net.heal();
    net.isolate("s1");
    net.restart("s5");
    for (int attempt = 0; attempt < 5; attempt++) {
      net.core("s5").campaign();
      net.stabilize();
      assertNotEquals(Role.LEADER, net.core("s5").role(), "S5 won without the committed entries (§5.4.1)");
    }
  }
}
