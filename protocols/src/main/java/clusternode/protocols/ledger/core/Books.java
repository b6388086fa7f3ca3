package clusternode.protocols.ledger.core;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Balances, pending transfers and totals: the fold of the events. {@link #evolve} applies one
 * event and then checks the invariants it could have broken (explicit checks, on in production);
 * {@link #verify} recomputes every total from scratch.
 *
 * <p>Sorted maps only: whatever is iterated (snapshots, audits, expiry) comes out in the same
 * order on every replica.
 */
final class Books {
  static final String POSTED = "posted";
  static final String VOIDED = "voided";
  static final String EXPIRED = "expired";

  /** Every account, sorted: for iteration only; look accounts up with {@link #find} (hashed, O(1)). */
  final TreeMap<String, Account> accounts = new TreeMap<>();
  /** The same accounts by id, for the lookups of every command and event. */
  private final HashMap<String, Account> byId = new HashMap<>();
  final TreeMap<String, Pending> pendings = new TreeMap<>();
  /** Pending transfers that were resolved: id -> posted | voided | expired. */
  final TreeMap<String, String> resolved = new TreeMap<>();
  /** Whether accounts keep their history (the real books) or not (a batch's scratch copy). */
  final boolean withHistory;
  long deposits;
  long withdrawals;
  /** Sum of all balances, kept from the balance changes (checked against deposits - withdrawals). */
  long totalBalance;
  /** Sum of the pending transfers' amounts, kept from {@link #pendings}. */
  long pendingTotal;
  /** Sum of the accounts' pendingOut, kept from the accounts' changes. */
  long pendingOutTotal;
  /** Sum of the accounts' pendingIn, kept from the accounts' changes. */
  long pendingInTotal;

  Books(boolean withHistory) {
    this.withHistory = withHistory;
  }

  /** A copy of just what a batch over these accounts and pending transfers can read or change. */
  Books scratch(Set<String> accountIds, Set<String> pendingIds) {
    Books s = new Books(false);
    for (String id : accountIds) {
      Account a = find(id);
      if (a != null) {
        s.add(a.scratchCopy());
      }
    }
    for (String id : pendingIds) {
      Pending p = pendings.get(id);
      if (p != null) {
        s.pendings.put(id, p);
      }
      String r = resolved.get(id);
      if (r != null) {
        s.resolved.put(id, r);
      }
    }
    s.deposits = deposits;
    s.withdrawals = withdrawals;
    s.totalBalance = totalBalance;
    s.pendingTotal = pendingTotal;
    s.pendingOutTotal = pendingOutTotal;
    s.pendingInTotal = pendingInTotal;
    return s;
  }

  /** The account {@code id}, or null. */
  Account find(String id) {
    return byId.get(id);
  }

  /** Adds a new account (to both maps). */
  void add(Account a) {
    if (byId.putIfAbsent(a.id, a) != null) {
      throw new IllegalStateException("account " + a.id + " opened twice");
    }
    accounts.put(a.id, a);
  }

  Account account(String id) {
    Account a = byId.get(id);
    if (a == null) {
      throw new IllegalStateException("event names unknown account " + id);
    }
    return a;
  }

  /**
   * Applies one event, then checks every invariant it could break: the limits of the accounts it
   * changed and the ledger's totals, each O(1) ({@link #verify} recomputes everything).
   */
  void evolve(Event event) {
    touchedFirst = null;
    touchedSecond = null;
    try {
      if (event instanceof Event.TransferPosted e) {
        move(touch(e.from()), touch(e.to()), e.amount());
      } else if (event instanceof Event.AccountOpened e) {
        Account a = new Account(e.account(), e.limit(), e.index(), e.timeMs(), withHistory);
        add(a);
        touchedFirst = a;
      } else if (event instanceof Event.Deposited e) {
        Account a = touch(e.account());
        a.balance = Math.addExact(a.balance, e.amount());
        deposits = Math.addExact(deposits, e.amount());
        totalBalance = Math.addExact(totalBalance, e.amount());
      } else if (event instanceof Event.Withdrawn e) {
        Account a = touch(e.account());
        a.balance = Math.subtractExact(a.balance, e.amount());
        withdrawals = Math.addExact(withdrawals, e.amount());
        totalBalance = Math.subtractExact(totalBalance, e.amount());
      } else if (event instanceof Event.TransferPending e) {
        if (pendings.containsKey(e.id()) || resolved.containsKey(e.id())) {
          throw new IllegalStateException("pending transfer " + e.id() + " created twice");
        }
        Account from = touch(e.from());
        Account to = touch(e.to());
        from.pendingOut = Math.addExact(from.pendingOut, e.amount());
        to.pendingIn = Math.addExact(to.pendingIn, e.amount());
        pendingOutTotal = Math.addExact(pendingOutTotal, e.amount());
        pendingInTotal = Math.addExact(pendingInTotal, e.amount());
        pendings.put(e.id(), new Pending(e.id(), e.from(), e.to(), e.amount(), e.expiresAtMs(), e.index()));
        pendingTotal = Math.addExact(pendingTotal, e.amount());
      } else if (event instanceof Event.PendingPosted e) {
        if (e.amount() <= 0 || e.amount() > e.pendingAmount()) {
          throw new IllegalStateException("posted amount out of range: " + e);
        }
        release(e.id(), e.from(), e.to(), e.pendingAmount(), POSTED);
        move(touchedFirst, touchedSecond, e.amount()); // release touched from, then to
      } else if (event instanceof Event.PendingVoided e) {
        release(e.id(), e.from(), e.to(), e.amount(), VOIDED);
      } else if (event instanceof Event.PendingExpired e) {
        release(e.id(), e.from(), e.to(), e.amount(), EXPIRED);
      } else {
        throw new IllegalStateException("unknown event " + event);
      }
    } catch (ArithmeticException e) {
      throw new IllegalStateException("overflow applying " + event + "; validation should have rejected it", e);
    }
    checkAfter(event);
  }

  /**
   * The first account the last {@link #evolve}d event changed ({@code from} of a transfer), and
   * the second (its {@code to}) or null: the same accounts, in the same order, as
   * {@link Event#accounts()}.
   */
  Account touchedFirst;
  Account touchedSecond;

  /** Looks up an account an event changes, and notes it as touched. */
  private Account touch(String id) {
    Account a = account(id);
    if (touchedFirst == null) {
      touchedFirst = a;
    } else if (touchedSecond == null && touchedFirst != a) {
      touchedSecond = a;
    } else {
      throw new IllegalStateException("event touches more than two accounts, or one twice: " + id);
    }
    return a;
  }

  private static void move(Account from, Account to, long amount) {
    from.balance = Math.subtractExact(from.balance, amount);
    to.balance = Math.addExact(to.balance, amount);
  }

  private void release(String id, String fromId, String toId, long amount, String status) {
    Pending p = pendings.remove(id);
    if (p == null || p.amount() != amount || !p.from().equals(fromId) || !p.to().equals(toId)) {
      throw new IllegalStateException("resolving pending transfer " + id + " that is not pending as told: " + p);
    }
    Account from = touch(fromId);
    Account to = touch(toId);
    from.pendingOut = Math.subtractExact(from.pendingOut, amount);
    to.pendingIn = Math.subtractExact(to.pendingIn, amount);
    pendingOutTotal = Math.subtractExact(pendingOutTotal, amount);
    pendingInTotal = Math.subtractExact(pendingInTotal, amount);
    pendingTotal = Math.subtractExact(pendingTotal, amount);
    resolved.put(id, status);
  }

  /** The invariants an event can break: its accounts' limits, and the ledger's totals. */
  private void checkAfter(Event event) {
    if (touchedFirst == null) {
      throw new IllegalStateException("event changed no account: " + event);
    }
    touchedFirst.check();
    if (touchedSecond != null) {
      touchedSecond.check();
    }
    checkTotals();
  }

  private void checkTotals() {
    if (deposits < 0 || withdrawals < 0) {
      throw new IllegalStateException("negative deposit or withdrawal total: " + deposits + ", " + withdrawals);
    }
    if (totalBalance != deposits - withdrawals) {
      throw new IllegalStateException("sum of balances " + totalBalance + " != deposits " + deposits
          + " - withdrawals " + withdrawals);
    }
    if (pendingTotal != pendingOutTotal || pendingTotal != pendingInTotal || pendingTotal < 0) {
      throw new IllegalStateException("pending totals disagree: transfers " + pendingTotal + ", reserved "
          + pendingOutTotal + ", incoming " + pendingInTotal);
    }
  }

  /** Recomputes every total from the accounts and pending transfers; returns what disagrees (empty: all well). */
  List<String> verify() {
    List<String> problems = new ArrayList<>();
    BigInteger balances = BigInteger.ZERO;
    BigInteger reserved = BigInteger.ZERO;
    BigInteger incoming = BigInteger.ZERO;
    for (Account a : accounts.values()) {
      try {
        a.check();
      } catch (IllegalStateException e) {
        problems.add(e.getMessage());
      }
      balances = balances.add(BigInteger.valueOf(a.balance));
      reserved = reserved.add(BigInteger.valueOf(a.pendingOut));
      incoming = incoming.add(BigInteger.valueOf(a.pendingIn));
    }
    TreeMap<String, BigInteger> reservedBy = new TreeMap<>();
    TreeMap<String, BigInteger> incomingTo = new TreeMap<>();
    BigInteger pending = BigInteger.ZERO;
    for (Pending p : pendings.values()) {
      pending = pending.add(BigInteger.valueOf(p.amount()));
      reservedBy.merge(p.from(), BigInteger.valueOf(p.amount()), BigInteger::add);
      incomingTo.merge(p.to(), BigInteger.valueOf(p.amount()), BigInteger::add);
      if (p.amount() <= 0 || !accounts.containsKey(p.from()) || !accounts.containsKey(p.to())) {
        problems.add("pending transfer " + p.id() + " is malformed: " + p);
      }
      if (resolved.containsKey(p.id())) {
        problems.add("pending transfer " + p.id() + " is also resolved");
      }
    }
    for (Account a : accounts.values()) {
      if (!reservedBy.getOrDefault(a.id, BigInteger.ZERO).equals(BigInteger.valueOf(a.pendingOut))
          || !incomingTo.getOrDefault(a.id, BigInteger.ZERO).equals(BigInteger.valueOf(a.pendingIn))) {
        problems.add("account " + a.id + " pending amounts do not match its pending transfers");
      }
    }
    BigInteger expected = BigInteger.valueOf(deposits).subtract(BigInteger.valueOf(withdrawals));
    if (!balances.equals(expected) || !balances.equals(BigInteger.valueOf(totalBalance))) {
      problems.add("sum of balances " + balances + " != deposits - withdrawals " + expected);
    }
    if (!pending.equals(reserved) || !pending.equals(incoming) || !pending.equals(BigInteger.valueOf(pendingTotal))
        || pendingTotal != pendingOutTotal || pendingTotal != pendingInTotal) {
      problems.add("pending totals disagree: transfers " + pending + ", reserved " + reserved + ", incoming " + incoming);
    }
    return problems;
  }
}
