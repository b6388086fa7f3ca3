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
  private int head;
  private int size;
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
    return size == 0 ? lastDroppedSeq + 1 : last().seq() + 1;
  }

  void append(Event e) {
    if (e.seq() != nextSeq()) {
      throw new IllegalStateException("event seq " + e.seq() + " appended where " + nextSeq() + " is next");
    }
    Event last = last();
    if (last != null && (e.index() < last.index() || e.timeMs() < last.timeMs())) {
      throw new IllegalStateException("event " + e + " goes back in index or time after " + last);
    }
    if (size == ring.length) {
      Event[] bigger = new Event[ring.length * 2];
      for (int i = 0; i < size; i++) {
        bigger[i] = get(i);
      }
      ring = bigger;
      head = 0;
    }
    ring[(head + size) & (ring.length - 1)] = e;
    size++;
  }

  Event removeFirst() {
    Event e = ring[head];
    ring[head] = null;
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
