package clusternode.protocols.ledger.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The retained events, oldest first, in a ring with random access. Bounded by the ledger's
 * {@code retainEvents}: the oldest are dropped as new ones come; {@link #lastDropped} remembers
 * where the retained history begins.
 */
final class EventLog {
  private Event[] ring = new Event[16];
  /**
   * The accounts each event changed, as {@link Books#touchedFirst} and {@link Books#touchedSecond}
   * after it (null first: not known, for events restored from a snapshot), so dropping an event
   * from the history needs no lookup.
   */
  private Account[] firstAccounts = new Account[16];
  private Account[] secondAccounts = new Account[16];
  private int head;
  private int size;
  private long lastSeq;
  /** Seq, index and time of the newest dropped event; all 0 while none was dropped. */
  long lastDroppedSeq;
  long lastDroppedIndex;
  long lastDroppedTimeMs;

  int size() {
    return size;
  }

  Event get(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException(i);
    }
    return ring[(head + i) & (ring.length - 1)];
  }

  Event last() {
    return size == 0 ? null : get(size - 1);
  }

  /** The seq the next event must have. */
  long nextSeq() {
    return size == 0 ? lastDroppedSeq + 1 : lastSeq + 1;
  }

  void append(Event e) {
    append(e, null, null);
  }

  /** Appends {@code e}, which changed account {@code first} and {@code second} (or null). */
  void append(Event e, Account first, Account second) {
    if (e.seq() != nextSeq()) {
      throw new IllegalStateException("event seq " + e.seq() + " appended where " + nextSeq() + " is next");
    }
    Event last = last();
    if (last != null && (e.index() < last.index() || e.timeMs() < last.timeMs())) {
      throw new IllegalStateException("event " + e + " goes back in index or time after " + last);
    }
    if (size == ring.length) {
      grow();
    }
    int at = (head + size) & (ring.length - 1);
    ring[at] = e;
    firstAccounts[at] = first;
    secondAccounts[at] = second;
    size++;
    lastSeq = e.seq();
  }

  private void grow() {
    Event[] bigger = new Event[ring.length * 2];
    Account[] biggerFirst = new Account[ring.length * 2];
    Account[] biggerSecond = new Account[ring.length * 2];
    for (int i = 0; i < size; i++) {
      int at = (head + i) & (ring.length - 1);
      bigger[i] = ring[at];
      biggerFirst[i] = firstAccounts[at];
      biggerSecond[i] = secondAccounts[at];
    }
    ring = bigger;
    firstAccounts = biggerFirst;
    secondAccounts = biggerSecond;
    head = 0;
  }

  /** The first account the oldest event changed; null when not known. */
  Account firstAccountOfOldest() {
    return size == 0 ? null : firstAccounts[head];
  }

  Account secondAccountOfOldest() {
    return size == 0 ? null : secondAccounts[head];
  }

  Event removeFirst() {
    Event e = ring[head];
    ring[head] = null;
    firstAccounts[head] = null;
    secondAccounts[head] = null;
    head = (head + 1) & (ring.length - 1);
    size--;
    lastDroppedSeq = e.seq();
    lastDroppedIndex = e.index();
    lastDroppedTimeMs = e.timeMs();
    return e;
  }

  boolean dropped() {
    return lastDroppedSeq > 0;
  }

  /** The number of retained events with {@code timeMs <= t}. */
  int countTimeAtMost(long t) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (get(mid).timeMs() <= t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  List<Event> toList() {
    List<Event> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(get(i));
    }
    return out;
  }
}
