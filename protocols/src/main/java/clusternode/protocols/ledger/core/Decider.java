package clusternode.protocols.ledger.core;

import java.util.List;
import java.util.function.Predicate;

/**
 * Validation: turns one command into events, or into a rejection with a reason, reading the books
 * and changing nothing. Pure: the same books and command give the same decision on every replica.
 */
final class Decider {
  /** Ids (and account references) are 1-128 of {@code A-Z a-z 0-9 . _ : -}. */
  public static final int MAX_ID_CHARS = 128;
  /** The longest pending timeout: 30 days. */
  public static final long MAX_TIMEOUT_MS = 30L * 24 * 3600 * 1000;

  private Decider() {}

  /** Where the events of one command happen: its log index and ledger time, and the next event seq. */
  static final class Stamp {
    final long index;
    final long timeMs;
    long nextSeq;

    Stamp(long index, long timeMs, long nextSeq) {
      this.index = index;
      this.timeMs = timeMs;
      this.nextSeq = nextSeq;
    }

    long seq() {
      return nextSeq++;
    }
  }

  /** An accepted command's one event, or a rejection's reason and detail. */
  record Decision(Event event, String reason, String detail) {
    boolean ok() {
      return reason == null;
    }

    /** The events to fold: none for a rejection. */
    List<Event> events() {
      return event == null ? List.of() : List.of(event);
    }

    static Decision of(Event event) {
      if (event == null) {
        throw new IllegalArgumentException("an accepted command has an event");
      }
      return new Decision(event, null, null);
    }

    static Decision reject(String reason, String detail) {
      if (reason == null) {
        throw new IllegalArgumentException("a rejection has a reason");
      }
      return new Decision(null, reason, detail);
    }
  }

  static boolean validId(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_ID_CHARS) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == ':' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Decides a single (non-batch, non-tick) command.
   *
   * @param transferIdUsed whether a transfer id (deposits, withdrawals, transfers) was used before,
   *     to tell "not pending" from "unknown"
   */
  static Decision decide(Command command, Books books, Stamp at, Predicate<String> transferIdUsed) {
    if (!validId(command.id())) {
      return Decision.reject(Reasons.INVALID_ID, "ids are 1-" + MAX_ID_CHARS + " characters of A-Z a-z 0-9 . _ : -");
    }
    return decideValidId(command, books, at, transferIdUsed);
  }

  /** {@link #decide} of a command whose id the caller has just checked with {@link #validId}. */
  static Decision decideValidId(Command command, Books books, Stamp at, Predicate<String> transferIdUsed) {
    if (command instanceof Command.Transfer c) {
      return transfer(c, books, at); // the hot path first
    } else if (command instanceof Command.OpenAccount c) {
      return open(c, books, at);
    } else if (command instanceof Command.Deposit c) {
      return deposit(c, books, at);
    } else if (command instanceof Command.Withdraw c) {
      return withdraw(c, books, at);
    } else if (command instanceof Command.PostPending c) {
      return post(c, books, at, transferIdUsed);
    } else if (command instanceof Command.VoidPending c) {
      return voidPending(c, books, at, transferIdUsed);
    }
    return Decision.reject(Reasons.INVALID_BATCH, command.type() + " cannot be decided on its own here");
  }

  private static Decision open(Command.OpenAccount c, Books books, Stamp at) {
    if (c.limit() < 0) {
      return Decision.reject(Reasons.INVALID_LIMIT, "limit must be 0 or more: how far below zero the balance may go");
    }
    if (books.find(c.id()) != null) {
      return Decision.reject(Reasons.ACCOUNT_EXISTS, "account " + c.id() + " exists");
    }
    return Decision.of(new Event.AccountOpened(at.seq(), at.index, at.timeMs, c.id(), c.limit()));
  }

  private static Decision deposit(Command.Deposit c, Books books, Stamp at) {
    Decision bad = checkAmountAndAccount(c.amount(), c.account(), books);
    if (bad != null) {
      return bad;
    }
    Account a = books.find(c.account());
    if (!fits(a.balance, c.amount()) || !fits(books.deposits, c.amount())) {
      return Decision.reject(Reasons.OVERFLOW, "the balance of " + a.id + " or the deposit total would overflow");
    }
    return Decision.of(new Event.Deposited(at.seq(), at.index, at.timeMs, c.id(), c.account(), c.amount()));
  }

  private static Decision withdraw(Command.Withdraw c, Books books, Stamp at) {
    Decision bad = checkAmountAndAccount(c.amount(), c.account(), books);
    if (bad != null) {
      return bad;
    }
    Account a = books.find(c.account());
    if (!a.canDebit(c.amount())) {
      return beyondLimit(a, c.amount());
    }
    if (!fits(books.withdrawals, c.amount())) {
      return Decision.reject(Reasons.OVERFLOW, "the withdrawal total would overflow");
    }
    return Decision.of(new Event.Withdrawn(at.seq(), at.index, at.timeMs, c.id(), c.account(), c.amount()));
  }

  private static Decision transfer(Command.Transfer c, Books books, Stamp at) {
    if (c.amount() <= 0) {
      return notPositive();
    }
    Account from = books.find(c.from());
    if (from == null) {
      return missing(c.from());
    }
    Account to = books.find(c.to());
    if (to == null) {
      return missing(c.to());
    }
    if (from == to) {
      return Decision.reject(Reasons.SAME_ACCOUNT, "from and to are both " + c.from());
    }
    if (c.timeoutMs() < 0 || c.timeoutMs() > MAX_TIMEOUT_MS || (!c.pending() && c.timeoutMs() != 0)) {
      return Decision.reject(Reasons.INVALID_TIMEOUT, "timeoutMs is 0-" + MAX_TIMEOUT_MS + " and only for pending transfers");
    }
    if (!from.canDebit(c.amount())) {
      return beyondLimit(from, c.amount());
    }
    if (!c.pending()) {
      if (!fits(to.balance, c.amount())) {
        return Decision.reject(Reasons.OVERFLOW, "the balance of " + to.id + " would overflow");
      }
      return Decision.of(new Event.TransferPosted(at.seq(), at.index, at.timeMs, c.id(), c.from(), c.to(), c.amount()));
    }
    if (!fits(from.pendingOut, c.amount()) || !fits(to.pendingIn, c.amount()) || !fits(books.pendingTotal, c.amount())
        || !fits(at.timeMs, c.timeoutMs())) {
      return Decision.reject(Reasons.OVERFLOW, "a pending total would overflow");
    }
    long expiresAtMs = c.timeoutMs() == 0 ? 0 : at.timeMs + c.timeoutMs();
    return Decision.of(new Event.TransferPending(at.seq(), at.index, at.timeMs, c.id(), c.from(), c.to(), c.amount(),
        expiresAtMs));
  }

  private static Decision post(Command.PostPending c, Books books, Stamp at, Predicate<String> transferIdUsed) {
    if (c.amount() < 0) {
      return Decision.reject(Reasons.AMOUNT_MUST_BE_POSITIVE, "amount is positive, or absent to post all");
    }
    Pending p = books.pendings.get(c.id());
    Decision bad = checkPending(c.id(), p, books, at, transferIdUsed);
    if (bad != null) {
      return bad;
    }
    long amount = c.amount() == 0 ? p.amount() : c.amount();
    if (amount > p.amount()) {
      return Decision.reject(Reasons.POST_AMOUNT_EXCEEDS_PENDING, "pending transfer " + p.id() + " reserved " + p.amount());
    }
    if (!fits(books.find(p.to()).balance, amount)) {
      return Decision.reject(Reasons.OVERFLOW, "the balance of " + p.to() + " would overflow");
    }
    return Decision.of(new Event.PendingPosted(at.seq(), at.index, at.timeMs, p.id(), p.from(), p.to(), amount,
        p.amount()));
  }

  private static Decision voidPending(Command.VoidPending c, Books books, Stamp at, Predicate<String> transferIdUsed) {
    Pending p = books.pendings.get(c.id());
    Decision bad = checkPending(c.id(), p, books, at, transferIdUsed);
    if (bad != null) {
      return bad;
    }
    return Decision.of(new Event.PendingVoided(at.seq(), at.index, at.timeMs, p.id(), p.from(), p.to(), p.amount()));
  }

  private static Decision checkPending(String id, Pending p, Books books, Stamp at, Predicate<String> transferIdUsed) {
    if (p == null) {
      String status = books.resolved.get(id);
      if (Books.POSTED.equals(status)) {
        return Decision.reject(Reasons.ALREADY_POSTED, "pending transfer " + id + " was posted");
      } else if (Books.VOIDED.equals(status)) {
        return Decision.reject(Reasons.ALREADY_VOIDED, "pending transfer " + id + " was voided");
      } else if (Books.EXPIRED.equals(status)) {
        return Decision.reject(Reasons.PENDING_EXPIRED, "pending transfer " + id + " expired");
      } else if (transferIdUsed.test(id)) {
        return Decision.reject(Reasons.NOT_PENDING, "transfer " + id + " is not a pending transfer");
      }
      return Decision.reject(Reasons.UNKNOWN_TRANSFER, "no transfer " + id);
    }
    if (p.dueAt(at.timeMs)) {
      return Decision.reject(Reasons.PENDING_EXPIRED, "pending transfer " + id + " expired at " + p.expiresAtMs());
    }
    return null;
  }

  private static Decision checkAmountAndAccount(long amount, String account, Books books) {
    if (amount <= 0) {
      return notPositive();
    }
    return books.find(account) == null ? missing(account) : null;
  }

  private static Decision notPositive() {
    return Decision.reject(Reasons.AMOUNT_MUST_BE_POSITIVE, "amount must be a positive number of minor units");
  }

  /**
   * Why no account {@code id} was found: a malformed id or an unknown one. Accounts are opened
   * with valid ids only, so one found needs no id check.
   */
  private static Decision missing(String id) {
    if (!validId(id)) {
      return Decision.reject(Reasons.INVALID_ID, "account ids are 1-" + MAX_ID_CHARS + " characters of A-Z a-z 0-9 . _ : -");
    }
    return Decision.reject(Reasons.UNKNOWN_ACCOUNT, "no account " + id);
  }

  private static Decision beyondLimit(Account a, long amount) {
    String detail = "account " + a.id + " has " + a.available() + " available"
        + (a.limit == 0 ? "" : " and may go " + a.limit + " below zero") + "; asked " + amount;
    return Decision.reject(a.limit == 0 ? Reasons.INSUFFICIENT_FUNDS : Reasons.EXCEEDS_LIMIT, detail);
  }

  /** Whether {@code total + amount} fits in a long. */
  private static boolean fits(long total, long amount) {
    try {
      Math.addExact(total, amount);
      return true;
    } catch (ArithmeticException e) {
      return false;
    }
  }
}
