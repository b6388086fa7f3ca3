package clusternode.protocols.monitor.core;

import java.util.Arrays;

/** The last {@code capacity} round-trip times of one peer, in microseconds; a fixed-size ring. */
final class RttWindow {
  private final long[] samples;
  private int next;
  private int size;

  RttWindow(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    samples = new long[capacity];
  }

  void add(long micros) {
    samples[next] = micros;
    next = (next + 1) % samples.length;
    size = Math.min(size + 1, samples.length);
  }

  RttStats stats() {
    if (size == 0) {
      return RttStats.EMPTY;
    }
    long[] sorted = Arrays.copyOf(samples, size);
    Arrays.sort(sorted);
    long sum = 0;
    for (long s : sorted) {
      sum += s;
    }
    // Nearest-rank percentile: the smallest sample with at least 99% of samples at or below it.
    int p99Rank = (int) Math.ceil(0.99 * size) - 1;
    return new RttStats(size, sorted[0] / 1000.0, sum / (double) size / 1000.0, sorted[p99Rank] / 1000.0,
        sorted[size - 1] / 1000.0);
  }
}
