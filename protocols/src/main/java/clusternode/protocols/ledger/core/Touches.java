package clusternode.protocols.ledger.core;

/**
 * An account's retained touches in event order: append at the end, drop at the front, binary
 * search by index, time or seq (all three never decrease along the list). Stored as parallel
 * arrays (the event and the three amounts), not as {@link Touch} objects: one touch per account
 * per event is the ledger's hottest path, and these arrays allocate nothing per touch.
 */
final class Touches {
  private Event[] events = new Event[4];
  private long[] balances = new long[4];
  private long[] pendingOuts = new long[4];
  private long[] pendingIns = new long[4];
  private int start;
  private int end;

  int size() {
    return end - start;
  }

  /** The {@code i}th touch, built on demand (reads are rare; use the field accessors on hot paths). */
  Touch get(int i) {
    int at = at(i);
    return new Touch(events[at], balances[at], pendingOuts[at], pendingIns[at]);
  }

  Event event(int i) {
    return events[at(i)];
  }

  long balance(int i) {
    return balances[at(i)];
  }

  long pendingOut(int i) {
    return pendingOuts[at(i)];
  }

  long pendingIn(int i) {
    return pendingIns[at(i)];
  }

  private int at(int i) {
    if (i < 0 || i >= size()) {
      throw new IndexOutOfBoundsException(i);
    }
    return start + i;
  }

  Touch first() {
    return size() == 0 ? null : get(0);
  }

  Touch last() {
    return size() == 0 ? null : get(size() - 1);
  }

  void add(Touch t) {
    add(t.event(), t.balance(), t.pendingOut(), t.pendingIn());
  }

  /** Appends the account's state right after {@code event}. */
  void add(Event event, long balance, long pendingOut, long pendingIn) {
    if (event == null) {
      throw new IllegalArgumentException("a touch needs its event");
    }
    if (end == events.length) {
      makeRoom();
    }
    events[end] = event;
    balances[end] = balance;
    pendingOuts[end] = pendingOut;
    pendingIns[end] = pendingIn;
    end++;
  }

  /** Slides the touches to the front, doubling the arrays when more than half full. */
  private void makeRoom() {
    int n = end - start;
    int capacity = n * 2 > events.length ? events.length * 2 : events.length;
    events = slide(events, capacity, n);
    balances = slide(balances, capacity, n);
    pendingOuts = slide(pendingOuts, capacity, n);
    pendingIns = slide(pendingIns, capacity, n);
    start = 0;
    end = n;
  }

  private Event[] slide(Event[] from, int capacity, int n) {
    Event[] to = capacity == from.length ? from : new Event[capacity];
    System.arraycopy(from, start, to, 0, n);
    if (to == from) {
      java.util.Arrays.fill(from, n, end, null);
    }
    return to;
  }

  private long[] slide(long[] from, int capacity, int n) {
    long[] to = capacity == from.length ? from : new long[capacity];
    System.arraycopy(from, start, to, 0, n);
    return to;
  }

  Touch removeFirst() {
    Touch t = get(0);
    dropFirst();
    return t;
  }

  /** Drops the oldest touch; returns its event. */
  Event dropFirst() {
    if (size() == 0) {
      throw new IllegalStateException("no touch to drop");
    }
    Event e = events[start];
    events[start++] = null;
    if (start == end) {
      start = 0;
      end = 0;
    }
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
    int hi = size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      Event e = events[start + mid];
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
