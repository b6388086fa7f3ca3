package clusternode.protocols.ledger.core;

import java.util.Arrays;

/**
 * An account's retained touches in event order: append at the end, drop at the front, binary
 * search by index, time or seq (all three never decrease along the list).
 */
final class Touches {
  private Touch[] items = new Touch[4];
  private int start;
  private int end;

  int size() {
    return end - start;
  }

  Touch get(int i) {
    return items[start + i];
  }

  Touch first() {
    return size() == 0 ? null : items[start];
  }

  Touch last() {
    return size() == 0 ? null : items[end - 1];
  }

  void add(Touch t) {
    if (end == items.length) {
      int n = end - start;
      Touch[] target = n * 2 > items.length ? new Touch[items.length * 2] : items;
      System.arraycopy(items, start, target, 0, n);
      if (target == items) {
        Arrays.fill(items, n, end, null);
      }
      items = target;
      start = 0;
      end = n;
    }
    items[end++] = t;
  }

  Touch removeFirst() {
    Touch t = items[start];
    items[start++] = null;
    if (start == end) {
      start = 0;
      end = 0;
    }
    return t;
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
      Event e = get(mid).event();
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
