package clusternode.protocols.ledger.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.ledger.core.Command.Batch;
import clusternode.protocols.ledger.core.Command.Deposit;
import clusternode.protocols.ledger.core.Command.OpenAccount;
import clusternode.protocols.ledger.core.Command.PostPending;
import clusternode.protocols.ledger.core.Command.Tick;
import clusternode.protocols.ledger.core.Command.Transfer;
import clusternode.protocols.ledger.core.Command.VoidPending;
import clusternode.protocols.ledger.core.Command.Withdraw;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per command and per rejection reason of the pure ledger. */
class LedgerTest {
  private final Ledger ledger = new Ledger();
  private long index;
  private long now = 1_000;

  private Result run(Command c) {
    Result r = ledger.execute(++index, c);
    assertEquals(List.of(), ledger.verify(), "invariants after " + c);
    return r;
  }

  private void ok(Command c) {
    Result r = run(c);
    assertTrue(r.ok(), () -> "expected success of " + c + ", got " + r);
  }

  private void rejected(String reason, Command c) {
    long events = ledger.eventCount();
    Result r = run(c);
    assertFalse(r.ok(), () -> "expected rejection of " + c);
    assertEquals(reason, r.reason(), () -> r.toString());
    assertEquals(events, ledger.eventCount(), "a rejection adds no event");
  }

  private OpenAccount open(String id) {
    return new OpenAccount(id, 0, now);
  }

  private Deposit deposit(String id, String account, long amount) {
    return new Deposit(id, account, amount, now);
  }

  private Transfer transfer(String id, String from, String to, long amount) {
    return new Transfer(id, from, to, amount, false, 0, now);
  }

  private Transfer pending(String id, String from, String to, long amount, long timeoutMs) {
    return new Transfer(id, from, to, amount, true, timeoutMs, now);
  }

  private Views.Balance bal(String id) {
    return ledger.balance(id);
  }

  private void twoAccountsWith100() {
    ok(open("a"));
    ok(open("b"));
    ok(deposit("d1", "a", 100));
  }

  @Test
  void openDepositWithdrawTransferMoveMoneyAndConserveIt() {
    twoAccountsWith100();
    ok(new Withdraw("w1", "a", 30, now));
    ok(transfer("t1", "a", "b", 50));
    assertEquals(20, bal("a").balance());
    assertEquals(50, bal("b").balance());
    Views.Audit audit = ledger.audit();
    assertTrue(audit.ok());
    assertEquals(70, audit.totalBalance());
    assertEquals(100, audit.deposits());
    assertEquals(30, audit.withdrawals());
    assertEquals(5, audit.eventCount());
  }

  @Test
  void rejectsEachInvalidCommandWithItsReason() {
    twoAccountsWith100();
    rejected(Reasons.ID_ALREADY_USED, new Batch("b1", List.of(open("c"), open("c")), now));
    rejected(Reasons.INVALID_LIMIT, new OpenAccount("neg", -1, now));
    rejected(Reasons.UNKNOWN_ACCOUNT, deposit("d2", "nobody", 5));
    rejected(Reasons.AMOUNT_MUST_BE_POSITIVE, deposit("d3", "a", 0));
    rejected(Reasons.AMOUNT_MUST_BE_POSITIVE, new Withdraw("w0", "a", -5, now));
    rejected(Reasons.INSUFFICIENT_FUNDS, new Withdraw("w1", "a", 101, now));
    rejected(Reasons.INSUFFICIENT_FUNDS, transfer("t1", "a", "b", 101));
    rejected(Reasons.SAME_ACCOUNT, transfer("t2", "a", "a", 1));
    rejected(Reasons.UNKNOWN_ACCOUNT, transfer("t3", "a", "zz", 1));
    rejected(Reasons.INVALID_ID, deposit("", "a", 1));
    rejected(Reasons.INVALID_ID, deposit("x".repeat(129), "a", 1));
    rejected(Reasons.INVALID_ID, deposit("has space", "a", 1));
    rejected(Reasons.INVALID_ID, deposit("ok", "a/b", 1));
    rejected(Reasons.INVALID_TIMEOUT, new Transfer("t4", "a", "b", 1, false, 10, now));
    rejected(Reasons.INVALID_TIMEOUT, new Transfer("t5", "a", "b", 1, true, -1, now));
    rejected(Reasons.UNKNOWN_TRANSFER, new PostPending("nope", 0, now));
    rejected(Reasons.NOT_PENDING, new VoidPending("d1", now));
    rejected(Reasons.INVALID_BATCH, new Batch("empty", List.of(), now));
    assertEquals(100, bal("a").balance());
    assertEquals(0, bal("b").balance());
  }

  @Test
  void overdraftLimitAllowsGoingBelowZeroUpToTheLimit() {
    ok(new OpenAccount("od", 50, now));
    ok(open("b"));
    ok(new Withdraw("w1", "od", 30, now));
    ok(transfer("t1", "od", "b", 20));
    assertEquals(-50, bal("od").balance());
    rejected(Reasons.EXCEEDS_LIMIT, transfer("t2", "od", "b", 1));
    assertEquals(50, bal("od").limit());
    assertEquals(-30, ledger.audit().totalBalance());
  }

  @Test
  void amountsNeverWrapOnOverflow() {
    ok(open("a"));
    ok(open("b"));
    ok(new OpenAccount("huge", Long.MAX_VALUE, now));
    ok(deposit("d1", "a", Long.MAX_VALUE));
    rejected(Reasons.OVERFLOW, deposit("d2", "a", 1));
    rejected(Reasons.OVERFLOW, deposit("d3", "b", 1)); // the deposit total would overflow
    ok(new OpenAccount("huge2", Long.MAX_VALUE, now));
    ok(new Withdraw("w1", "huge", Long.MAX_VALUE, now));
    rejected(Reasons.EXCEEDS_LIMIT, new Withdraw("w2", "huge", 1, now));
    rejected(Reasons.OVERFLOW, new Withdraw("w3", "huge2", 1, now)); // the withdrawal total
    ok(transfer("t0", "huge2", "b", 5));
    rejected(Reasons.OVERFLOW, transfer("t1", "b", "a", 1));
    assertEquals(Long.MAX_VALUE, bal("a").balance());
    assertEquals(0L, ledger.audit().totalBalance());
  }

  @Test
  void aRepeatedIdReturnsTheFirstResultAndAppliesNothingTwice() {
    twoAccountsWith100();
    Result first = run(transfer("t1", "a", "b", 40));
    now += 500;
    Result again = run(transfer("t1", "a", "b", 40));
    assertTrue(again.duplicate());
    assertNull(again.conflict());
    assertEquals(first.index(), again.index());
    assertEquals(first.timeMs(), again.timeMs());
    assertEquals(60, bal("a").balance());
    Result other = run(transfer("t1", "a", "b", 99));
    assertTrue(other.duplicate());
    assertEquals(Reasons.ID_REUSED_WITH_DIFFERENT_BODY, other.conflict());
    assertTrue(other.ok(), "the first result, which succeeded");
    assertEquals(60, bal("a").balance());
    Result firstReject = run(new Withdraw("w1", "a", 1000, now));
    ok(deposit("d2", "a", 5000));
    Result retry = run(new Withdraw("w1", "a", 1000, now));
    assertEquals(Reasons.INSUFFICIENT_FUNDS, retry.reason(), "rejections are remembered too");
    assertEquals(firstReject.index(), retry.index());
    Result reopen = run(open("a"));
    assertTrue(reopen.duplicate() && reopen.ok());
    Result reopenOther = run(new OpenAccount("a", 10, now));
    assertEquals(Reasons.ID_REUSED_WITH_DIFFERENT_BODY, reopenOther.conflict());
    assertEquals(0, bal("a").limit());
  }

  @Test
  void pendingTransferReservesFundsThenPostsAll() {
    twoAccountsWith100();
    ok(pending("p1", "a", "b", 70, 0));
    assertEquals(new Views.Balance("a", 100, 70, 30, 0, 0, index), bal("a"));
    assertEquals(70, bal("b").pendingIncoming());
    rejected(Reasons.INSUFFICIENT_FUNDS, new Withdraw("w1", "a", 31, now));
    ok(new PostPending("p1", 0, now));
    assertEquals(new Views.Balance("a", 30, 0, 30, 0, 0, index), bal("a"));
    assertEquals(70, bal("b").balance());
    rejected(Reasons.ALREADY_POSTED, new VoidPending("p1", now));
    Result again = run(new PostPending("p1", 0, now));
    assertTrue(again.duplicate() && again.ok());
  }

  @Test
  void postingLessReleasesTheRest() {
    twoAccountsWith100();
    ok(pending("p1", "a", "b", 70, 0));
    rejected(Reasons.POST_AMOUNT_EXCEEDS_PENDING, new PostPending("p1", 71, now));
    Result conflict = run(new PostPending("p1", 20, now));
    assertEquals(Reasons.ID_REUSED_WITH_DIFFERENT_BODY, conflict.conflict(), "post/p1 was used by the rejected post");
    assertEquals(70, bal("a").pending());
  }

  @Test
  void postingASmallerAmountReleasesTheRest() {
    twoAccountsWith100();
    ok(pending("p1", "a", "b", 70, 0));
    ok(new PostPending("p1", 20, now));
    assertEquals(new Views.Balance("a", 80, 0, 80, 0, 0, index), bal("a"));
    assertEquals(20, bal("b").balance());
    assertEquals(0, bal("b").pendingIncoming());
  }

  @Test
  void voidReleasesTheReservation() {
    twoAccountsWith100();
    ok(pending("p1", "a", "b", 70, 0));
    ok(new VoidPending("p1", now));
    assertEquals(new Views.Balance("a", 100, 0, 100, 0, 0, index), bal("a"));
    rejected(Reasons.ALREADY_VOIDED, new PostPending("p1", 0, now));
  }

  @Test
  void pendingExpiresAtItsDeadlineInLedgerTime() {
    twoAccountsWith100();
    ok(pending("p1", "a", "b", 70, 1_000)); // expires at now + 1000 = 2000
    now = 1_999;
    ok(new Tick(now));
    assertEquals(70, bal("a").pending());
    now = 2_000;
    ok(new Tick(now));
    assertEquals(0, bal("a").pending());
    rejected(Reasons.PENDING_EXPIRED, new PostPending("p1", 0, now));
    rejected(Reasons.PENDING_EXPIRED, new VoidPending("p1", now));
    Views.HistoryPage h = ledger.history("a", 0, 10);
    assertTrue(h.events().get(h.events().size() - 1).event() instanceof Event.PendingExpired);
  }

  @Test
  void ledgerTimeNeverGoesBackEvenIfAProposerClockDoes() {
    twoAccountsWith100();
    ok(pending("p1", "a", "b", 70, 1_000));
    ok(new Tick(5_000)); // expires p1
    assertEquals(0, bal("a").pending());
    Result r = run(deposit("late", "a", 1)); // stamped by a slow clock
    assertEquals(5_000, r.timeMs());
  }

  @Test
  void anExpiredPendingCanNeitherBePostedByTheCommandThatExpiresIt() {
    twoAccountsWith100();
    ok(pending("p1", "a", "b", 70, 1_000));
    now = 3_000;
    Result r = run(new PostPending("p1", 0, now));
    assertEquals(Reasons.PENDING_EXPIRED, r.reason());
    assertEquals(100, bal("a").available());
    assertTrue(ledger.history("a", 0, 10).events().stream().anyMatch(e -> e.event() instanceof Event.PendingExpired));
  }

  @Test
  void linkedBatchAppliesAllOrNothing() {
    twoAccountsWith100();
    ok(open("c"));
    String before = ledger.digest();
    Result failed = run(new Batch("b1", List.of(transfer("t1", "a", "b", 60), transfer("t2", "a", "c", 60)), now));
    assertFalse(failed.ok());
    assertEquals(Reasons.INSUFFICIENT_FUNDS, failed.reason());
    assertEquals(Reasons.LINKED_EVENT_FAILED, failed.items().get(0).reason());
    assertEquals(Reasons.INSUFFICIENT_FUNDS, failed.items().get(1).reason());
    assertEquals(100, bal("a").balance());
    assertEquals(0, bal("b").balance());
    // The items' ids were not used: a later transfer t1 is fresh.
    ok(transfer("t1", "a", "b", 10));
    assertFalse(before.equals(ledger.digest()));
    Result done = run(new Batch("b2", List.of(open("d"), deposit("d9", "d", 5), pending("p9", "d", "c", 5, 0),
        new PostPending("p9", 3, now)), now));
    assertTrue(done.ok(), done::toString);
    assertEquals(4, done.items().size());
    assertEquals(2, bal("d").balance());
    assertEquals(3, bal("c").balance());
    // The items' ids are now taken, on their own too.
    assertTrue(run(deposit("d9", "d", 5)).duplicate());
    assertEquals(Reasons.ID_ALREADY_USED,
        run(new Batch("b3", List.of(deposit("new", "d", 1), deposit("d9", "d", 5)), now)).reason());
    assertEquals(Reasons.ID_ALREADY_USED,
        run(new Batch("b4", List.of(deposit("x1", "d", 1), deposit("x1", "d", 1)), now)).reason());
    assertEquals(Reasons.INVALID_BATCH,
        run(new Batch("b5", List.of(new Tick(now)), now)).reason());
    assertEquals(Reasons.NOT_PENDING,
        run(new Batch("b6", List.of(transfer("x2", "d", "c", 1), new VoidPending("x2", now)), now)).reason());
  }

  @Test
  void balanceAsOfAnyIndexOrTime() {
    ok(open("a")); // 1 @1000
    now = 2_000;
    ok(deposit("d1", "a", 10)); // 2 @2000
    now = 3_000;
    ok(deposit("d2", "a", 5)); // 3 @3000
    ok(open("b")); // 4 @3000
    assertEquals(0, ledger.balanceAtIndex("a", 1).balance());
    assertEquals(10, ledger.balanceAtIndex("a", 2).balance());
    assertEquals(15, ledger.balanceAtIndex("a", 3).balance());
    assertEquals(3, ledger.balanceAtIndex("a", 3).asOfIndex());
    assertEquals(4, ledger.balanceAtIndex("a", 99).asOfIndex());
    assertEquals(10, ledger.balanceAtTime("a", 2_999).balance());
    assertEquals(2, ledger.balanceAtTime("a", 2_999).asOfIndex());
    assertEquals(Reasons.UNKNOWN_ACCOUNT,
        assertThrows(Views.Rejected.class, () -> ledger.balanceAtIndex("b", 3)).reason());
    assertEquals(Reasons.UNKNOWN_ACCOUNT,
        assertThrows(Views.Rejected.class, () -> ledger.balanceAtTime("a", 999)).reason());
  }

  @Test
  void historyIsPaginatedAndBoundedAndAsOfStopsAtTheRetainedWindow() {
    Ledger small = new Ledger(3);
    long i = 0;
    small.execute(++i, new OpenAccount("a", 0, 1));
    for (int k = 0; k < 5; k++) {
      small.execute(++i, new Deposit("d" + k, "a", 1, 10 + k));
    }
    assertEquals(List.of(), small.verify());
    Views.HistoryPage page = small.history("a", 0, 2);
    assertTrue(page.truncated());
    assertEquals(2, page.events().size());
    assertEquals(4, page.events().get(0).event().seq());
    assertEquals(3, page.events().get(0).balance());
    Views.HistoryPage rest = small.history("a", page.next(), 2);
    assertEquals(1, rest.events().size());
    assertNull(rest.next());
    assertEquals(2, small.balanceAtIndex("a", 3).balance(), "the newest dropped event is still answerable");
    assertEquals(Reasons.HISTORY_TRUNCATED,
        assertThrows(Views.Rejected.class, () -> small.balanceAtIndex("a", 2)).reason());
    assertThrows(Views.Rejected.class, () -> small.history("a", 0, 1001));
  }

  @Test
  void historyAsOfAnIndexOrATimeStopsThere() {
    twoAccountsWith100(); // indexes 1-3 at time 1000
    now = 2_000;
    ok(transfer("t1", "a", "b", 30)); // index 4
    now = 3_000;
    ok(new Withdraw("w1", "a", 10, now)); // index 5
    assertEquals(List.of(Event.AccountOpened.class, Event.Deposited.class), types(ledger.historyAtIndex("a", 0, 10, 3)));
    assertEquals(List.of(Event.AccountOpened.class, Event.Deposited.class, Event.TransferPosted.class),
        types(ledger.historyAtTime("a", 0, 10, 2_999)));
    assertEquals(types(ledger.history("a", 0, 10)), types(ledger.historyAtIndex("a", 0, 10, 99)), "after now: all");
    assertEquals(types(ledger.history("a", 0, 10)), types(ledger.historyAtTime("a", 0, 10, 9_999)));
    Views.HistoryPage first = ledger.historyAtIndex("a", 0, 2, 4); // seqs 1 (a opened) and 3 (deposit)
    assertEquals(3, first.next(), "a page inside the bound points on");
    Views.HistoryPage last = ledger.historyAtIndex("a", first.next(), 2, 4);
    assertEquals(List.of(Event.TransferPosted.class), types(last));
    assertNull(last.next(), "nothing after the bound");
    assertEquals(List.of(), types(ledger.historyAtIndex("a", 4, 10, 3)), "after is past the bound");
    assertEquals(List.of(Event.AccountOpened.class), types(ledger.historyAtIndex("b", 0, 10, 3)));
    assertEquals(Reasons.UNKNOWN_ACCOUNT,
        assertThrows(Views.Rejected.class, () -> ledger.historyAtIndex("b", 0, 10, 1)).reason(), "b opened at 2");
    assertEquals(Reasons.UNKNOWN_ACCOUNT,
        assertThrows(Views.Rejected.class, () -> ledger.historyAtTime("a", 0, 10, 999)).reason());
    assertEquals(Reasons.MALFORMED_QUERY, ledger.query(new Query.History("a", 0, 10, 3L, 2_000L)).reason());
    Query.Answer viaQuery = ledger.query(new Query.History("a", 0, 0, 3L, null));
    assertEquals(List.of(Event.AccountOpened.class, Event.Deposited.class), types((Views.HistoryPage) viaQuery.value()));

    Ledger small = new Ledger(3);
    small.execute(1, new OpenAccount("x", 0, 1));
    for (int k = 0; k < 5; k++) {
      small.execute(2 + k, new Deposit("d" + k, "x", 1, 10 + k));
    }
    assertEquals(Reasons.HISTORY_TRUNCATED,
        assertThrows(Views.Rejected.class, () -> small.historyAtIndex("x", 0, 10, 2)).reason());
    assertEquals(Reasons.HISTORY_TRUNCATED,
        assertThrows(Views.Rejected.class, () -> small.historyAtTime("x", 0, 10, 10)).reason());
    assertEquals(List.of(Event.Deposited.class), types(small.historyAtIndex("x", 0, 10, 4)));
  }

  private static List<Class<?>> types(Views.HistoryPage page) {
    return page.events().stream().<Class<?>>map(e -> e.event().getClass()).toList();
  }

  @Test
  void snapshotRestoresAnEqualLedger() {
    twoAccountsWith100();
    ok(pending("p1", "a", "b", 30, 5_000));
    ok(run(deposit("d2", "b", 1)).ok() ? new Tick(now) : null);
    Ledger copy = new Ledger();
    copy.restore(ledger.snapshot());
    assertEquals(ledger.digest(), copy.digest());
    assertEquals(ledger.audit(), copy.audit());
    copy.execute(index + 1, new Tick(10_000));
    ledger.execute(index + 1, new Tick(10_000));
    assertEquals(ledger.digest(), copy.digest(), "the deadline survives the snapshot");
    assertEquals(0, copy.balance("a").pending());
  }

  @Test
  void aCorruptSnapshotIsRefusedAndChangesNothing() {
    twoAccountsWith100();
    String digest = ledger.digest();
    String json = new String(ledger.snapshot(), java.nio.charset.StandardCharsets.UTF_8);
    byte[] tampered = json.replace("\"balance\":100", "\"balance\":101").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThrows(IllegalStateException.class, () -> ledger.restore(tampered));
    assertThrows(IllegalStateException.class, () -> ledger.restore("{".getBytes()));
    assertEquals(digest, ledger.digest());
  }

  @Test
  void openingAnExistingAccountIsRejectedByValidation() {
    // Through the ledger a repeated open is a repeated key (idempotent); the check stays as a guard.
    twoAccountsWith100();
    Books books = new Books(false);
    books.evolve(new Event.AccountOpened(1, 1, 0, "a", 0));
    assertEquals(Reasons.ACCOUNT_EXISTS,
        Decider.decide(open("a"), books, new Decider.Stamp(2, 0, 2), k -> false).reason());
  }

  @Test
  void indexesMustIncrease() {
    ledger.execute(5, open("a"));
    assertThrows(IllegalStateException.class, () -> ledger.execute(5, open("b")));
  }
}
