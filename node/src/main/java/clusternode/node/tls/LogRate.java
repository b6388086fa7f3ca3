package clusternode.node.tls;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * At most one log line per reason per window: the first occurrence is logged at once, the
 * following ones are counted and reported with the next line after the window. Bounded: at most
 * {@code maxReasons} reasons are remembered; the oldest is forgotten first.
 */
final class LogRate {
  private final long windowNanos;
  private final int windowSeconds;
  private final Map<String, long[]> lastAndSuppressed;

  LogRate(int windowSeconds, int maxReasons) {
    this.windowSeconds = windowSeconds;
    this.windowNanos = windowSeconds * 1_000_000_000L;
    this.lastAndSuppressed = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
        return size() > maxReasons;
      }
    };
  }

  int windowSeconds() {
    return windowSeconds;
  }

  /** How many were suppressed since the last line (log now), or -1 (suppress this one). */
  synchronized long admit(String reason, long nowNanos) {
    long[] entry = lastAndSuppressed.get(reason);
    if (entry == null) {
      lastAndSuppressed.put(reason, new long[] {nowNanos, 0});
      return 0;
    }
    if (nowNanos - entry[0] < windowNanos) {
      entry[1]++;
      return -1;
    }
    long suppressed = entry[1];
    entry[0] = nowNanos;
    entry[1] = 0;
    return suppressed;
  }
}
