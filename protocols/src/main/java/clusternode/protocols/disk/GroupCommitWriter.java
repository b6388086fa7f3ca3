package clusternode.protocols.disk;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A protocol's disk thread with group commit. The actor submits each unit of work that needs
 * persisting (a Raft or PBFT {@code Ready}); the thread takes everything queued since its last
 * round and hands it to {@link GroupCommit#commit} as one batch, which writes it all, fsyncs once
 * and then acts on it (sends what waited for durability, reports). The more load, the bigger the
 * batch. What is written and what follows the fsync is each protocol's own, in its shell.
 *
 * <p>The queue is bounded ({@link #MAX_QUEUED}) and a full queue blocks {@link #submit}: the actor
 * stops producing until the disk catches up. That is backpressure, not loss: a write is never
 * dropped, and no queue grows without bound while a disk stalls (an unbounded one would hold
 * every Ready until the heap ran out, then fail far from the cause). Once the thread has failed or
 * been closed, {@link #submit} throws instead of queueing work nobody will write.
 */
public final class GroupCommitWriter<T> implements AutoCloseable {
  /** Units queued at most. Group commit drains the queue each round, so it fills only while a disk stalls. */
  public static final int MAX_QUEUED = 4096;
  private static final long RECHECK_MS = 100;

  /** One round: write every unit of {@code batch} in order, fsync once, then act on what is now durable. */
  @FunctionalInterface
  public interface GroupCommit<T> {
    void commit(List<T> batch) throws Exception;
  }

  private final String name;
  private final BlockingQueue<T> queue;
  private final GroupCommit<T> commit;
  private final Consumer<Exception> onFailure;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Exception failure;

  /** Starts the thread; {@code onFailure} hears of the first exception of a round, after which the thread stops. */
  public GroupCommitWriter(String name, GroupCommit<T> commit, Consumer<Exception> onFailure) {
    this(name, MAX_QUEUED, commit, onFailure);
  }

  GroupCommitWriter(String name, int capacity, GroupCommit<T> commit, Consumer<Exception> onFailure) {
    this.name = name;
    this.queue = new LinkedBlockingQueue<>(capacity);
    this.commit = commit;
    this.onFailure = onFailure;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /**
   * Queues {@code unit} for the next round, waiting while the queue is full.
   *
   * @throws IllegalStateException when the writer failed or was closed (the unit is not queued)
   */
  public void submit(T unit) {
    try {
      requireRunning();
      while (!queue.offer(unit, RECHECK_MS, TimeUnit.MILLISECONDS)) {
        requireRunning(); // a stopped thread would never make room
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while handing work to " + name, e);
    }
  }

  private void requireRunning() {
    if (!running) {
      throw new IllegalStateException(name + " has stopped" + (failure == null ? "" : ": " + failure), failure);
    }
  }

  private void run() {
    List<T> batch = new ArrayList<>();
    while (running) {
      try {
        batch.add(queue.take());
        queue.drainTo(batch);
        commit.commit(batch);
        batch.clear();
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        failure = e;
        running = false;
        onFailure.accept(e);
        return;
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
