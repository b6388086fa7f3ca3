package clusternode.node.bench;

import java.util.Arrays;
import org.HdrHistogram.Histogram;

/**
 * Watch fan-out timing, pure: for write {@code i}, when its writer got the answer (its commit as
 * the client sees it) and when each of the N watchers received its event. Once every watcher has
 * it, the time from the answer to the last watcher's event goes into the histogram (microseconds;
 * 0 when every watcher had it before the writer's answer came, which happens: the leader applies,
 * streams and answers at about the same time). Thread-safe; memory is bounded by the writes.
 */
final class FanoutLatency {
  private final int watchers;
  private final long[] answeredNs;
  private final long[] lastReceivedNs;
  private final int[] received;
  private final Histogram commitToLast = new Histogram(3);
  private final Histogram sendToLast = new Histogram(3);
  private final long[] sentNs;
  private long beforeAnswer;
  private long complete;

  FanoutLatency(int watchers, int maxWrites) {
    if (watchers < 1 || maxWrites < 1) {
      throw new IllegalArgumentException("watchers and writes must be at least 1");
    }
    this.watchers = watchers;
    this.answeredNs = new long[maxWrites];
    this.sentNs = new long[maxWrites];
    this.lastReceivedNs = new long[maxWrites];
    this.received = new int[maxWrites];
    Arrays.fill(answeredNs, -1);
  }

  int capacity() {
    return answeredNs.length;
  }

  synchronized void sent(int write, long nowNs) {
    sentNs[write] = nowNs;
  }

  synchronized void answered(int write, long nowNs) {
    answeredNs[write] = nowNs;
    finishIfComplete(write);
  }

  /** Watcher {@code watcher} received write {@code write}'s event; a repeat from the same watcher is the caller's to avoid. */
  synchronized void received(int write, long nowNs) {
    if (write < 0 || write >= received.length) {
      return; // not one of ours (an older write of the prefix)
    }
    received[write]++;
    lastReceivedNs[write] = Math.max(lastReceivedNs[write], nowNs);
    finishIfComplete(write);
  }

  private void finishIfComplete(int write) {
    if (received[write] == watchers && answeredNs[write] >= 0) {
      complete++;
      long micros = (lastReceivedNs[write] - answeredNs[write]) / 1000;
      if (micros < 0) {
        beforeAnswer++;
      }
      commitToLast.recordValue(Math.max(0, micros));
      sendToLast.recordValue(Math.max(0, (lastReceivedNs[write] - sentNs[write]) / 1000));
    }
  }

  synchronized long complete() {
    return complete;
  }

  /** Writes every watcher had before the writer got its answer. */
  synchronized long beforeAnswer() {
    return beforeAnswer;
  }

  synchronized Histogram commitToLast() {
    return commitToLast.copy();
  }

  synchronized Histogram sendToLast() {
    return sendToLast.copy();
  }
}
