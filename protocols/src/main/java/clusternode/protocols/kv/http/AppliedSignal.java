package clusternode.protocols.kv.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Wakes whoever waits for this replica's store to change (watchers, lock waiters): the store runs
 * it after every applied command. A waiter takes {@link #next} and re-reads the state when it
 * completes; it never learns *what* changed from here, so a missed or spurious wake-up costs a
 * re-read, never correctness.
 */
final class AppliedSignal implements Runnable {
  /** Waits registered on one future at most: timed-out waits stay on it until it fires, so an idle store fires it early. */
  private static final int MAX_WAITS = 10_000;
  private volatile CompletableFuture<Void> next = new CompletableFuture<>();
  private final java.util.concurrent.atomic.AtomicInteger waits = new java.util.concurrent.atomic.AtomicInteger();

  @Override
  public synchronized void run() {
    CompletableFuture<Void> fired = next;
    next = new CompletableFuture<>();
    waits.set(0);
    fired.complete(null);
  }

  /** Completes at the next applied command, or after {@code timeoutMs}, whichever is first. */
  CompletionStage<Void> next(long timeoutMs) {
    if (waits.incrementAndGet() > MAX_WAITS) {
      run(); // a spurious wake-up: every waiter re-reads and waits again on a fresh future
    }
    return next.thenApply(v -> v).toCompletableFuture().completeOnTimeout(null, Math.max(1, timeoutMs), TimeUnit.MILLISECONDS);
  }
}
