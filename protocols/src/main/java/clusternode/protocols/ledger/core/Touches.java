package clusternode.protocols.ledger.core;

/**
 * An account's retained touches in event order: append at the end, drop at the front, binary
 * search by index, time or seq (all three never decrease along the list). A ring of parallel
 * arrays (the events, and the three amounts side by side in one {@code long[]}), not of
 * {@link Touch} objects: one touch per account per event is the ledger's hottest path, and the
 * ring allocates nothing per touch and never moves what it holds except to grow.
 */
final class Touches {
  /** Longs per touch in {@link #amounts}: balance, pendingOut, pendingIn. */
  private static final int STRIDE = 3;
  private Event[] events = new Event[4];
  private long[] amounts = new long[4 * STRIDE];
  private int head;
  private int size;

  int size() {
    return size;
  }

  /** The {@code i}th touch, built on demand (reads are rare; hot paths use the field accessors). */
  Touch get(int i) {
    int at = at(i);
    return new Touch(events[at], amounts[at * STRIDE], amounts[at * STRIDE + 1], amounts[at * STRIDE + 2]);
  }

  Event event(int i) {
    return events[at(i)];
  }

  long balance(int i) {
    return amounts[at(i) * STRIDE];
  }

  long pendingOut(int i) {
    return amounts[at(i) * STRIDE + 1];
  }

  long pendingIn(int i) {
    return amounts[at(i) * STRIDE + 2];
  }

  private int at(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException(i);
    }
    return (head + i) & (events.length - 1);
  }

  Touch first() {
    return size == 0 ? null : get(0);
  }

  Touch last() {
    return size == 0 ? null : get(size - 1);
  }

  void add(Touch t) {
    add(t.event(), t.balance(), t.pendingOut(), t.pendingIn());
  }

  /** Appends the account's state right after {@code event}. */
  void add(Event event, long balance, long pendingOut, long pendingIn) {
    if (event == null) {
      throw new IllegalArgumentException("a touch needs its event");
    }
    if (size == events.length) {
      grow();
    }
    int at = (head + size) & (events.length - 1);
    events[at] = event;
    amounts[at * STRIDE] = balance;
    amounts[at * STRIDE + 1] = pendingOut;
    amounts[at * STRIDE + 2] = pendingIn;
    size++;
  }

  private void grow() {
    Event[] biggerEvents = new Event[events.length * 2];
    long[] biggerAmounts = new long[amounts.length * 2];
    for (int i = 0; i < size; i++) {
      int at = (head + i) & (events.length - 1);
      biggerEvents[i] = events[at];
      System.arraycopy(amounts, at * STRIDE, biggerAmounts, i * STRIDE, STRIDE);
    }
    events = biggerEvents;
    amounts = biggerAmounts;
    head = 0;
  }

  Touch removeFirst() {
    Touch t = get(0);
    dropFirst();
    return t;
  }

  /** Drops the oldest touch; returns its event. */
  Event dropFirst() {
    if (size == 0) {
      throw new IllegalStateException("no touch to drop");
    }
    Event e = events[head];
    events[head] = null;
    head = (head + 1) & (events.length - 1);
    size--;
    return e;
  }

  /** The number of touches whose event index is at most {@code index}. */
  int countIndexAtMost(long index) {
    return upperBound(index, 0);
  }

  int countTimeAtMost(long timeMs) {
    return upperBound(timeMs, 1);
  }

  int countSeqAtMost(long seq) {
    return upperBound(seq, 2);
  }

  private int upperBound(long key, int field) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      Event e = event(mid);
      long v = field == 0 ? e.index() : field == 1 ? e.timeMs() : e.seq();
      if (v <= key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
