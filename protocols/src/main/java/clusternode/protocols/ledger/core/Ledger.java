package clusternode.protocols.ledger.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The event-sourced double-entry ledger, as a pure deterministic machine: commands in log order
 * (with their log index and the proposer's time) become events or rejections; state is the fold of
 * the events. No clock, no I/O, no threads: not thread-safe, the caller applies one at a time.
 *
 * <p><b>Time.</b> Ledger time is the largest {@code timeMs} any command carried (so it never goes
 * back even when proposers' clocks disagree). Before each command, pending transfers whose
 * deadline is due at that time expire (at most {@link #MAX_EXPIRIES_PER_COMMAND} per command; one
 * past its deadline but not expired yet cannot be posted or voided either).
 *
 * <p><b>Idempotency.</b> Every command's key (see {@link Command#key()}) is remembered with its
 * first result, rejections included, for the ledger's lifetime (they are part of snapshots).
 *
 * <p><b>History.</b> The newest {@code retainEvents} events are kept, with every account's state
 * after each of them: {@link #balance} as of an index or time at or after the newest dropped event,
 * and {@link #history} of the retained events. Snapshots carry the retained events, so a restored
 * replica answers the same reads as one that replayed everything.
 */
public final class Ledger {
  public static final int DEFAULT_RETAIN_EVENTS = 100_000;
  public static final int MAX_BATCH_ITEMS = 100;
  public static final int MAX_EXPIRIES_PER_COMMAND = 10_000;
  public static final int MAX_HISTORY_PAGE = 1000;
  private static final int SNAPSHOT_VERSION = 1;

  private final int retainEvents;
  private Books books = new Books(true);
  /** Idempotency keys with their first results; iterated sorted only (see {@link #snapshot()}). */
  private IdempotencyKeys recorded = new IdempotencyKeys();
  /** Whether a transfer id was used, for {@link Decider#decide}: one object, not a lambda per command. */
  private final Predicate<String> transferIdUsed = id -> recorded.contains("transfer", id);
  private TreeSet<Expiry> expiries = new TreeSet<>();
  private EventLog log = new EventLog();
  private long lastAppliedIndex;
  private long ledgerTimeMs;

  /** When a pending transfer is due, ordered by deadline then id. */
  record Expiry(long expiresAtMs, String id) implements Comparable<Expiry> {
    private static final Comparator<Expiry> ORDER =
        Comparator.comparingLong(Expiry::expiresAtMs).thenComparing(Expiry::id);

    public int compareTo(Expiry o) {
      return ORDER.compare(this, o);
    }
  }

  /** Ids and account ids: 1-{@value #MAX_ID_CHARS} characters of {@code A-Z a-z 0-9 . _ : -}. */
  public static final int MAX_ID_CHARS = Decider.MAX_ID_CHARS;
  /** The longest pending timeout: 30 days. */
  public static final long MAX_TIMEOUT_MS = Decider.MAX_TIMEOUT_MS;

  /** Whether {@code id} is a valid command or account id. */
  public static boolean validId(String id) {
    return Decider.validId(id);
  }

  public Ledger() {
    this(DEFAULT_RETAIN_EVENTS);
  }

  public Ledger(int retainEvents) {
    if (retainEvents < 1) {
      throw new IllegalArgumentException("retainEvents must be at least 1: " + retainEvents);
    }
    this.retainEvents = retainEvents;
  }

  public long lastAppliedIndex() {
    return lastAppliedIndex;
  }

  public long ledgerTimeMs() {
    return ledgerTimeMs;
  }

  /** Events ever applied. */
  public long eventCount() {
    return log.nextSeq() - 1;
  }

  /**
   * Applies the command at log position {@code index}.
   *
   * @throws IllegalStateException if {@code index} does not increase, or an invariant broke (a bug)
   */
  public Result execute(long index, Command command) {
    advance(index);
    if (command == null) {
      return Result.rejected(null, index, ledgerTimeMs, Reasons.MALFORMED_COMMAND, "no command");
    }
    ledgerTimeMs = Math.max(ledgerTimeMs, command.timeMs());
    Decider.Stamp at = new Decider.Stamp(index, ledgerTimeMs, log.nextSeq());
    expireDue(at);
    Result result = run(command, at);
    dropOldEvents();
    return result;
  }

  /** Records that the command at {@code index} could not even be read; changes nothing else. */
  public Result malformed(long index, String detail) {
    advance(index);
    return Result.rejected(null, index, ledgerTimeMs, Reasons.MALFORMED_COMMAND, detail);
  }

  private void advance(long index) {
    if (index <= lastAppliedIndex) {
      throw new IllegalStateException("index " + index + " applied after " + lastAppliedIndex + ": out of order");
    }
    lastAppliedIndex = index;
  }

  private Result run(Command command, Decider.Stamp at) {
    if (command instanceof Command.Tick) {
      return Result.accepted(command, at.index, at.timeMs);
    }
    if (!Decider.validId(command.id())) {
      return Result.rejected(command, at.index, at.timeMs, Reasons.INVALID_ID,
          "ids are 1-" + Decider.MAX_ID_CHARS + " characters of A-Z a-z 0-9 . _ : -");
    }
    IdempotencyKeys.Recorded first = recorded.get(command.space(), command.id());
    if (first != null) {
      return first.result().asDuplicate(first.fingerprint() == Fingerprint.of(command));
    }
    Result result;
    if (command instanceof Command.Batch batch) {
      result = runBatch(batch, at);
    } else {
      Decider.Decision d = Decider.decideValidId(command, books, at, transferIdUsed);
      if (d.event() != null) {
        fold(d.event());
      }
      result = d.ok() ? Result.accepted(command, at.index, at.timeMs)
          : Result.rejected(command, at.index, at.timeMs, d.reason(), d.detail());
    }
    record(command, result);
    return result;
  }

  private void record(Command command, Result result) {
    recorded.put(command.space(), command.id(), Fingerprint.of(command), result); // throws if recorded twice
  }

  /** Tries the items on a scratch copy of what they touch; folds their events only if all succeed. */
  private Result runBatch(Command.Batch batch, Decider.Stamp at) {
    List<Command> items = batch.items();
    if (items == null || items.isEmpty() || items.size() > MAX_BATCH_ITEMS) {
      return Result.rejected(batch, at.index, at.timeMs, Reasons.INVALID_BATCH,
          "a batch has 1-" + MAX_BATCH_ITEMS + " items");
    }
    Books scratch = books.scratch(accountsOf(items), pendingsOf(items));
    Decider.Stamp trial = new Decider.Stamp(at.index, at.timeMs, at.nextSeq);
    Set<String> keys = new HashSet<>();
    List<Event> events = new ArrayList<>();
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Command item = items.get(i);
      Decider.Decision d;
      if (item == null || item instanceof Command.Batch || item instanceof Command.Tick) {
        d = Decider.Decision.reject(Reasons.INVALID_BATCH, "batch items are open, deposit, withdraw, transfer, post, void");
      } else if (!Decider.validId(item.id())) {
        d = Decider.decide(item, scratch, trial, k -> false);
      } else if (recorded.contains(item.space(), item.id()) || !keys.add(item.key())) {
        d = Decider.Decision.reject(Reasons.ID_ALREADY_USED, item.type() + " id " + item.id() + " is already used");
      } else {
        d = Decider.decide(item, scratch, trial,
            id -> recorded.contains("transfer", id) || keys.contains("transfer/" + id));
      }
      if (!d.ok()) {
        return failedBatch(batch, at, i, d);
      }
      d.events().forEach(scratch::evolve);
      events.addAll(d.events());
      results.add(Result.accepted(item, at.index, at.timeMs));
    }
    events.forEach(this::fold);
    at.nextSeq = trial.nextSeq;
    for (int i = 0; i < items.size(); i++) {
      record(items.get(i), results.get(i));
    }
    return Result.accepted(batch, at.index, at.timeMs).withItems(results);
  }

  private static Result failedBatch(Command.Batch batch, Decider.Stamp at, int failed, Decider.Decision d) {
    List<Command> items = batch.items();
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Command item = items.get(i);
      results.add(i == failed
          ? Result.rejected(item, at.index, at.timeMs, d.reason(), d.detail())
          : Result.rejected(item, at.index, at.timeMs, Reasons.LINKED_EVENT_FAILED, "item " + failed + " failed"));
    }
    String which = items.get(failed) == null ? "" : " (" + items.get(failed).type() + " " + items.get(failed).id() + ")";
    return Result.rejected(batch, at.index, at.timeMs, d.reason(), "item " + failed + which + ": " + d.detail())
        .withItems(results);
  }

  private Set<String> accountsOf(List<Command> items) {
    Set<String> ids = new HashSet<>();
    for (Command c : items) {
      if (c instanceof Command.OpenAccount o) {
        ids.add(o.id());
      } else if (c instanceof Command.Deposit d) {
        ids.add(d.account());
      } else if (c instanceof Command.Withdraw w) {
        ids.add(w.account());
      } else if (c instanceof Command.Transfer t) {
        ids.add(t.from());
        ids.add(t.to());
      } else if (c instanceof Command.PostPending || c instanceof Command.VoidPending) {
        Pending p = books.pendings.get(c.id());
        if (p != null) {
          ids.add(p.from());
          ids.add(p.to());
        }
      }
    }
    ids.remove(null);
    return ids;
  }

  private static Set<String> pendingsOf(List<Command> items) {
    Set<String> ids = new HashSet<>();
    for (Command c : items) {
      if (c instanceof Command.Transfer || c instanceof Command.PostPending || c instanceof Command.VoidPending) {
        ids.add(c.id());
      }
    }
    ids.remove(null);
    return ids;
  }

  private void expireDue(Decider.Stamp at) {
    for (int n = 0; n < MAX_EXPIRIES_PER_COMMAND && !expiries.isEmpty(); n++) {
      Expiry due = expiries.first();
      if (due.expiresAtMs() > at.timeMs) {
        return;
      }
      Pending p = books.pendings.get(due.id());
      fold(new Event.PendingExpired(at.seq(), at.index, at.timeMs, p.id(), p.from(), p.to(), p.amount()));
    }
  }

  /** Applies one event: to the books (which check the invariants), the log, each account's history. */
  private void fold(Event event) {
    if (event instanceof Event.PendingPosted || event instanceof Event.PendingVoided
        || event instanceof Event.PendingExpired) {
      Pending p = books.pendings.get(pendingId(event));
      if (p != null && p.expiresAtMs() != 0) {
        expiries.remove(new Expiry(p.expiresAtMs(), p.id()));
      }
    }
    books.evolve(event);
    log.append(event, books.touchedFirst, books.touchedSecond);
    touched(books.touchedFirst, event);
    if (books.touchedSecond != null) {
      touched(books.touchedSecond, event);
    }
    if (event instanceof Event.TransferPending e && e.expiresAtMs() != 0) {
      expiries.add(new Expiry(e.expiresAtMs(), e.id()));
    }
  }

  private static void touched(Account a, Event event) {
    a.touches.add(event, a.balance, a.pendingOut, a.pendingIn);
  }

  private static String pendingId(Event e) {
    if (e instanceof Event.PendingPosted p) {
      return p.id();
    } else if (e instanceof Event.PendingVoided v) {
      return v.id();
    }
    return ((Event.PendingExpired) e).id();
  }

  private void dropOldEvents() {
    while (log.size() > retainEvents) {
      Account first = log.firstAccountOfOldest();
      Account second = log.secondAccountOfOldest();
      Event e = log.removeFirst();
      if (first == null) { // restored from a snapshot: look its accounts up
        first = books.account(firstAccount(e));
        String secondId = secondAccount(e);
        second = secondId == null ? null : books.account(secondId);
      }
      dropTouch(e, first);
      if (second != null) {
        dropTouch(e, second);
      }
    }
  }

  /** Drops account {@code a}'s oldest touch, which must be of {@code e}, into its baseline. */
  private static void dropTouch(Event e, Account a) {
    Touches touches = a.touches;
    if (touches.size() == 0 || touches.event(0) != e) {
      throw new IllegalStateException("history of " + a.id + " out of step: dropping " + e + " found "
          + (touches.size() == 0 ? null : touches.event(0)));
    }
    a.setBaseline(e.seq(), e.index(), e.timeMs(), touches.balance(0), touches.pendingOut(0), touches.pendingIn(0));
    touches.dropFirst();
  }

  /** The first of {@link Event#accounts()}, without building the list. */
  static String firstAccount(Event e) {
    if (e instanceof Event.TransferPosted t) {
      return t.from();
    } else if (e instanceof Event.AccountOpened o) {
      return o.account();
    } else if (e instanceof Event.Deposited d) {
      return d.account();
    } else if (e instanceof Event.Withdrawn w) {
      return w.account();
    } else if (e instanceof Event.TransferPending t) {
      return t.from();
    } else if (e instanceof Event.PendingPosted p) {
      return p.from();
    } else if (e instanceof Event.PendingVoided v) {
      return v.from();
    } else if (e instanceof Event.PendingExpired x) {
      return x.from();
    }
    throw new IllegalStateException("unknown event " + e);
  }

  /** The second of {@link Event#accounts()}, or null when it has one. */
  static String secondAccount(Event e) {
    if (e instanceof Event.TransferPosted t) {
      return t.to();
    } else if (e instanceof Event.AccountOpened || e instanceof Event.Deposited || e instanceof Event.Withdrawn) {
      return null;
    } else if (e instanceof Event.TransferPending t) {
      return t.to();
    } else if (e instanceof Event.PendingPosted p) {
      return p.to();
    } else if (e instanceof Event.PendingVoided v) {
      return v.to();
    } else if (e instanceof Event.PendingExpired x) {
      return x.to();
    }
    throw new IllegalStateException("unknown event " + e);
  }

  // ---------------------------------------------------------------- reads

  /** The account now. */
  public Views.Balance balance(String id) {
    Account a = existing(id);
    return view(a, a.balance, a.pendingOut, a.pendingIn, lastAppliedIndex);
  }

  /** The account as it was after every command up to log index {@code index}. */
  public Views.Balance balanceAtIndex(String id, long index) {
    Account a = existing(id);
    if (index >= lastAppliedIndex) {
      return balance(id);
    }
    requireRetainedIndex(a, index);
    return at(a, a.touches.countIndexAtMost(index), Math.max(index, 0));
  }

  /** The account as it was at ledger time {@code timeMs} (ms since the epoch). */
  public Views.Balance balanceAtTime(String id, long timeMs) {
    Account a = existing(id);
    if (timeMs >= ledgerTimeMs) {
      return balance(id);
    }
    requireRetainedTime(a, timeMs);
    int events = log.countTimeAtMost(timeMs);
    long index = events > 0 ? log.get(events - 1).index() : log.lastDroppedIndex;
    return at(a, a.touches.countTimeAtMost(timeMs), index);
  }

  /** An as-of index this replica can answer for {@code a}: in the retained window, and once {@code a} was open. */
  private void requireRetainedIndex(Account a, long index) {
    if (log.dropped() && index < log.lastDroppedIndex) {
      throw new Views.Rejected(Reasons.HISTORY_TRUNCATED, "this replica keeps history from index "
          + log.lastDroppedIndex + " on");
    }
    if (index < a.openedIndex) {
      throw new Views.Rejected(Reasons.UNKNOWN_ACCOUNT, "account " + a.id + " was opened at index " + a.openedIndex);
    }
  }

  private void requireRetainedTime(Account a, long timeMs) {
    if (log.dropped() && timeMs < log.lastDroppedTimeMs) {
      throw new Views.Rejected(Reasons.HISTORY_TRUNCATED, "this replica keeps history from time "
          + log.lastDroppedTimeMs + " on");
    }
    if (timeMs < a.openedTimeMs) {
      throw new Views.Rejected(Reasons.UNKNOWN_ACCOUNT, "account " + a.id + " was opened at time " + a.openedTimeMs);
    }
  }

  private Views.Balance at(Account a, int touches, long asOfIndex) {
    if (touches > 0) {
      Touch t = a.touches.get(touches - 1);
      return view(a, t.balance(), t.pendingOut(), t.pendingIn(), asOfIndex);
    }
    Account.Baseline b = a.baseline();
    if (b == null) {
      throw new IllegalStateException("account " + a.id + " existed then but has neither touch nor baseline");
    }
    return view(a, b.balance(), b.pendingOut(), b.pendingIn(), asOfIndex);
  }

  private static Views.Balance view(Account a, long balance, long pendingOut, long pendingIn, long asOfIndex) {
    return new Views.Balance(a.id, balance, pendingOut, balance - pendingOut, pendingIn, a.limit, asOfIndex);
  }

  /** The retained events of account {@code id} with seq greater than {@code after}, oldest first. */
  public Views.HistoryPage history(String id, long after, int limit) {
    Account a = existing(id);
    return history(a, after, limit, a.touches.size());
  }

  /**
   * {@link #history} of the events up to log index {@code index} only; the same rules as
   * {@link #balanceAtIndex} for an index before the retained window or before the account opened.
   */
  public Views.HistoryPage historyAtIndex(String id, long after, int limit, long index) {
    Account a = existing(id);
    if (index >= lastAppliedIndex) {
      return history(a, after, limit, a.touches.size());
    }
    requireRetainedIndex(a, index);
    return history(a, after, limit, a.touches.countIndexAtMost(index));
  }

  /** {@link #history} of the events up to ledger time {@code timeMs} only; the rules of {@link #balanceAtTime}. */
  public Views.HistoryPage historyAtTime(String id, long after, int limit, long timeMs) {
    Account a = existing(id);
    if (timeMs >= ledgerTimeMs) {
      return history(a, after, limit, a.touches.size());
    }
    requireRetainedTime(a, timeMs);
    return history(a, after, limit, a.touches.countTimeAtMost(timeMs));
  }

  /** The page of {@code a}'s first {@code end} touches after seq {@code after}. */
  private static Views.HistoryPage history(Account a, long after, int limit, int end) {
    if (limit < 1 || limit > MAX_HISTORY_PAGE) {
      throw new Views.Rejected(Reasons.MALFORMED_QUERY, "limit is 1-" + MAX_HISTORY_PAGE);
    }
    int from = Math.min(a.touches.countSeqAtMost(after), end);
    int to = Math.min(end, from + limit);
    List<Views.HistoryEntry> entries = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      Touch t = a.touches.get(i);
      entries.add(new Views.HistoryEntry(t.event(), t.balance(), t.pendingOut(), t.balance() - t.pendingOut()));
    }
    Long next = to < end ? entries.get(entries.size() - 1).event().seq() : null;
    boolean truncated = a.hasBaseline() && after < a.baselineSeq();
    return new Views.HistoryPage(a.id, entries, next, truncated);
  }

  /** When the first pending transfer with a timeout is due (ms since the epoch), or null when none has one. */
  public Long nextDeadlineMs() {
    return expiries.isEmpty() ? null : expiries.first().expiresAtMs();
  }

  private Account existing(String id) {
    Account a = id == null ? null : books.find(id);
    if (a == null) {
      throw new Views.Rejected(Reasons.UNKNOWN_ACCOUNT, "no account " + id);
    }
    return a;
  }

  /** Re-checks every invariant from scratch; returns what is wrong (empty: all well). */
  public List<String> verify() {
    List<String> problems = new ArrayList<>(books.verify());
    for (Account a : books.accounts.values()) {
      Touch t = a.touches.last();
      Account.Baseline b = a.baseline();
      boolean matches = t != null ? t.balance() == a.balance && t.pendingOut() == a.pendingOut && t.pendingIn() == a.pendingIn
          : b != null && b.balance() == a.balance && b.pendingOut() == a.pendingOut && b.pendingIn() == a.pendingIn;
      if (!matches) {
        problems.add("history of account " + a.id + " does not end at its balance");
      }
    }
    long withDeadline = books.pendings.values().stream().filter(p -> p.expiresAtMs() != 0).count();
    boolean deadlinesMatch = expiries.size() == withDeadline && expiries.stream().allMatch(e -> {
      Pending p = books.pendings.get(e.id());
      return p != null && p.expiresAtMs() == e.expiresAtMs();
    });
    if (!deadlinesMatch) {
      problems.add("deadlines do not match the pending transfers");
    }
    if (log.size() > retainEvents) {
      problems.add("more events retained than " + retainEvents);
    }
    return problems;
  }

  /** The invariants re-checked from scratch, the totals, and the state digest. */
  public Views.Audit audit() {
    List<String> problems = verify();
    return new Views.Audit(problems.isEmpty(), books.totalBalance, books.deposits, books.withdrawals,
        books.accounts.size(), books.pendingTotal, books.pendings.size(), eventCount(), log.size(), lastAppliedIndex,
        ledgerTimeMs, digest(), problems);
  }

  /** SHA-256 (hex) of the canonical encoding of the whole state: equal on replicas that applied the same commands. */
  public String digest() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(snapshot()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- snapshots

  record SnapshotTouch(long seq, long balance, long pendingOut, long pendingIn) {}

  record SnapshotAccount(String id, long limit, long openedIndex, long openedTimeMs, long balance, long pendingOut,
      long pendingIn, Account.Baseline baseline, List<SnapshotTouch> touches) {}

  record SnapshotRecorded(String key, long fingerprint, Result result) {}

  record Snapshot(int version, int retainEvents, long lastAppliedIndex, long ledgerTimeMs, long deposits,
      long withdrawals, long lastDroppedSeq, long lastDroppedIndex, long lastDroppedTimeMs,
      List<SnapshotAccount> accounts, List<Pending> pendings, Map<String, String> resolved,
      List<SnapshotRecorded> recorded, List<Event> events) {}

  /** The whole state, canonically encoded (sorted), including the retained events. */
  public byte[] snapshot() {
    List<SnapshotAccount> accounts = new ArrayList<>(books.accounts.size());
    for (Account a : books.accounts.values()) {
      List<SnapshotTouch> touches = new ArrayList<>(a.touches.size());
      for (int i = 0; i < a.touches.size(); i++) {
        Touch t = a.touches.get(i);
        touches.add(new SnapshotTouch(t.event().seq(), t.balance(), t.pendingOut(), t.pendingIn()));
      }
      accounts.add(new SnapshotAccount(a.id, a.limit, a.openedIndex, a.openedTimeMs, a.balance, a.pendingOut,
          a.pendingIn, a.baseline(), touches));
    }
    List<SnapshotRecorded> keys = new ArrayList<>((int) Math.min(recorded.size(), Integer.MAX_VALUE - 8));
    recorded.forEachSorted((space, id, fingerprint, result) ->
        keys.add(new SnapshotRecorded(space + "/" + id, fingerprint, result)));
    Snapshot s = new Snapshot(SNAPSHOT_VERSION, retainEvents, lastAppliedIndex, ledgerTimeMs, books.deposits,
        books.withdrawals, log.lastDroppedSeq, log.lastDroppedIndex, log.lastDroppedTimeMs, accounts,
        List.copyOf(books.pendings.values()), books.resolved, keys, log.toList());
    try {
      return LedgerCodec.MAPPER.writeValueAsBytes(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode ledger snapshot", e);
    }
  }

  /**
   * Replaces this ledger's state with a snapshot's, then checks it (totals, limits, histories) as
   * data just read must be.
   *
   * @throws IllegalStateException if the snapshot is corrupt or inconsistent; this ledger is unchanged then
   */
  public void restore(byte[] bytes) {
    Snapshot s;
    try {
      s = LedgerCodec.MAPPER.readValue(bytes, Snapshot.class);
    } catch (IOException e) {
      throw new IllegalStateException("corrupt ledger snapshot: " + e.getMessage(), e);
    }
    if (s.version() != SNAPSHOT_VERSION) {
      throw new IllegalStateException("ledger snapshot version " + s.version() + ", expected " + SNAPSHOT_VERSION);
    }
    Books b = new Books(true);
    EventLog l = new EventLog();
    l.lastDroppedSeq = s.lastDroppedSeq();
    l.lastDroppedIndex = s.lastDroppedIndex();
    l.lastDroppedTimeMs = s.lastDroppedTimeMs();
    Map<Long, Event> bySeq = new HashMap<>();
    for (Event e : s.events()) {
      l.append(e);
      bySeq.put(e.seq(), e);
    }
    for (SnapshotAccount sa : s.accounts()) {
      Account a = new Account(sa.id(), sa.limit(), sa.openedIndex(), sa.openedTimeMs(), true);
      a.balance = sa.balance();
      a.pendingOut = sa.pendingOut();
      a.pendingIn = sa.pendingIn();
      a.setBaseline(sa.baseline());
      for (SnapshotTouch st : sa.touches()) {
        Event e = bySeq.get(st.seq());
        if (e == null || !e.accounts().contains(a.id)) {
          throw new IllegalStateException("corrupt ledger snapshot: account " + a.id + " touched by event " + st.seq());
        }
        a.touches.add(new Touch(e, st.balance(), st.pendingOut(), st.pendingIn()));
      }
      b.add(a);
      b.totalBalance += a.balance;
      b.pendingOutTotal += a.pendingOut;
      b.pendingInTotal += a.pendingIn;
    }
    TreeSet<Expiry> due = new TreeSet<>();
    for (Pending p : s.pendings()) {
      b.pendings.put(p.id(), p);
      b.pendingTotal += p.amount();
      if (p.expiresAtMs() != 0) {
        due.add(new Expiry(p.expiresAtMs(), p.id()));
      }
    }
    b.resolved.putAll(s.resolved());
    b.deposits = s.deposits();
    b.withdrawals = s.withdrawals();
    IdempotencyKeys keys = new IdempotencyKeys();
    for (SnapshotRecorded r : s.recorded()) {
      int slash = r.key().indexOf('/');
      String space = slash < 1 ? null : r.key().substring(0, slash);
      String id = slash < 1 ? null : r.key().substring(slash + 1);
      if (slash < 1 || !IdempotencyKeys.knownSpace(space) || !Decider.validId(id) || r.result() == null) {
        throw new IllegalStateException("corrupt ledger snapshot: idempotency key " + r.key());
      }
      if (keys.contains(space, id)) {
        throw new IllegalStateException("corrupt ledger snapshot: idempotency key " + r.key() + " twice");
      }
      keys.put(space, id, r.fingerprint(), r.result());
    }
    Ledger check = new Ledger(retainEvents);
    check.install(b, keys, due, l, s.lastAppliedIndex(), s.ledgerTimeMs());
    List<String> problems = check.verify();
    if (!problems.isEmpty()) {
      throw new IllegalStateException("inconsistent ledger snapshot: " + problems);
    }
    install(b, keys, due, l, s.lastAppliedIndex(), s.ledgerTimeMs());
  }

  private void install(Books b, IdempotencyKeys keys, TreeSet<Expiry> due, EventLog l, long applied,
      long timeMs) {
    this.books = b;
    this.recorded = keys;
    this.expiries = due;
    this.log = l;
    this.lastAppliedIndex = applied;
    this.ledgerTimeMs = timeMs;
    dropOldEvents(); // only when the snapshot came from a replica configured to retain more
  }

  /** Answers a read-only query; changes nothing. */
  public Query.Answer query(Query q) {
    try {
      if (q instanceof Query.Balance b) {
        if (b.asOfIndex() != null && b.asOfTimeMs() != null) {
          throw new Views.Rejected(Reasons.MALFORMED_QUERY, "asOfIndex or asOfTimeMs, not both");
        }
        Views.Balance v = b.asOfIndex() != null ? balanceAtIndex(b.account(), b.asOfIndex())
            : b.asOfTimeMs() != null ? balanceAtTime(b.account(), b.asOfTimeMs()) : balance(b.account());
        return Query.Answer.of(v);
      } else if (q instanceof Query.History h) {
        if (h.asOfIndex() != null && h.asOfTimeMs() != null) {
          throw new Views.Rejected(Reasons.MALFORMED_QUERY, "asOfIndex or asOfTimeMs, not both");
        }
        int limit = h.limit() == 0 ? Query.DEFAULT_HISTORY_PAGE : h.limit();
        Views.HistoryPage page = h.asOfIndex() != null ? historyAtIndex(h.account(), h.after(), limit, h.asOfIndex())
            : h.asOfTimeMs() != null ? historyAtTime(h.account(), h.after(), limit, h.asOfTimeMs())
            : history(h.account(), h.after(), limit);
        return Query.Answer.of(page);
      } else if (q instanceof Query.Audit) {
        return Query.Answer.of(audit());
      } else if (q instanceof Query.NextDeadline) {
        return Query.Answer.of(nextDeadlineMs());
      }
      return Query.Answer.rejected(Reasons.MALFORMED_QUERY, "no query");
    } catch (Views.Rejected e) {
      return Query.Answer.rejected(e.reason(), e.getMessage());
    }
  }
}
