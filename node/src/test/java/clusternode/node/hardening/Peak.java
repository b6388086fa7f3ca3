package clusternode.node.hardening;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The highest value a gauge showed while a load ran: sampled every few ms on its own thread from
 * construction until {@link #stop} (or close, for a load that failed). A gauge that cannot be read sets the peak to Long.MAX_VALUE,
 * so an unreadable status fails a bound check instead of passing unseen.
 */
final class Peak implements AutoCloseable {
  interface Gauge {
    long read() throws IOException;
  }

  private final AtomicLong max = new AtomicLong();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Thread sampler;

  Peak(String name, Gauge gauge) {
    sampler = new Thread(() -> {
      while (!stop.get()) {
        try {
          max.accumulateAndGet(gauge.read(), Math::max);
          Thread.sleep(2); // a sample every few ms, leaving the CPU to the load
        } catch (IOException | AssertionError e) {
          max.set(Long.MAX_VALUE);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, name + "-watcher");
    sampler.start();
  }

  /** Stops sampling, waits for the sampler's last sample, and returns the highest value seen. */
  long stop() throws InterruptedException {
    stop.set(true);
    sampler.join(10_000);
    return max.get();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
