package clusternode.protocols.ledger.core;

/**
 * One account's current state, plus (on the real ledger, not on a batch's scratch copy) its
 * retained history: a touch per event that changed it, and the baseline state before the oldest
 * retained touch.
 */
final class Account {
  final String id;
  /** How far below zero {@link #available()} may go; 0: not at all. */
  final long limit;
  final long openedIndex;
  final long openedTimeMs;
  long balance;
  /** Reserved by pending transfers out of this account. */
  long pendingOut;
  /** Pending transfers into this account, not yet spendable. */
  long pendingIn;
  /** Null on a scratch copy. */
  final Touches touches;
  /**
   * The state after the last touch dropped from {@link #touches} (see {@link #baseline()}), kept
   * as fields since it changes with every event dropped from the history.
   */
  private boolean hasBaseline;
  private long baseSeq;
  private long baseIndex;
  private long baseTimeMs;
  private long baseBalance;
  private long basePendingOut;
  private long basePendingIn;

  /** An account's state after an event that is no longer retained. */
  record Baseline(long seq, long index, long timeMs, long balance, long pendingOut, long pendingIn) {}

  Account(String id, long limit, long openedIndex, long openedTimeMs, boolean withHistory) {
    this.id = id;
    this.limit = limit;
    this.openedIndex = openedIndex;
    this.openedTimeMs = openedTimeMs;
    this.touches = withHistory ? new Touches() : null;
  }

  /** The state after the last touch dropped from {@link #touches}; null while none was dropped. */
  Baseline baseline() {
    return hasBaseline ? new Baseline(baseSeq, baseIndex, baseTimeMs, baseBalance, basePendingOut, basePendingIn) : null;
  }

  boolean hasBaseline() {
    return hasBaseline;
  }

  long baselineSeq() {
    return baseSeq;
  }

  void setBaseline(Baseline b) {
    if (b == null) {
      hasBaseline = false;
      baseSeq = baseIndex = baseTimeMs = baseBalance = basePendingOut = basePendingIn = 0;
    } else {
      setBaseline(b.seq(), b.index(), b.timeMs(), b.balance(), b.pendingOut(), b.pendingIn());
    }
  }

  void setBaseline(long seq, long index, long timeMs, long balance, long pendingOut, long pendingIn) {
    hasBaseline = true;
    baseSeq = seq;
    baseIndex = index;
    baseTimeMs = timeMs;
    baseBalance = balance;
    basePendingOut = pendingOut;
    basePendingIn = pendingIn;
  }

  long available() {
    return balance - pendingOut;
  }

  /** A copy without history, for trying a batch. */
  Account scratchCopy() {
    Account a = new Account(id, limit, openedIndex, openedTimeMs, false);
    a.balance = balance;
    a.pendingOut = pendingOut;
    a.pendingIn = pendingIn;
    return a;
  }

  /** Whether {@code amount} more may be debited or reserved without going beyond the limit. */
  boolean canDebit(long amount) {
    long headroom;
    try {
      headroom = Math.addExact(available(), limit);
    } catch (ArithmeticException e) {
      return true; // headroom beyond Long.MAX_VALUE
    }
    return amount <= headroom;
  }

  /** The invariants of one account, checked after every event that touches it. */
  void check() {
    if (limit < 0 || pendingOut < 0 || pendingIn < 0) {
      throw new IllegalStateException("account " + id + " has a negative limit or pending amount: " + this);
    }
    if (available() < -limit) {
      throw new IllegalStateException("account " + id + " is beyond its limit: " + this);
    }
  }

  @Override
  public String toString() {
    return "Account[" + id + " balance=" + balance + " pendingOut=" + pendingOut + " pendingIn=" + pendingIn
        + " limit=" + limit + "]";
  }
}
