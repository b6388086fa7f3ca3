package clusternode.pbft.shell;

import clusternode.pbft.core.Outbound;
import clusternode.pbft.core.Ready;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * The PBFT replica's disk thread, as Raft's {@code DiskWriter}: the actor hands it each
 * {@link Ready} with records to log; it writes every Ready waiting in its queue, fsyncs once for
 * all of them (group commit: the more load, the bigger the batch), then sends their messages in
 * order and reports what it did. A replica's pre-prepare, prepare, commit, checkpoint and reply
 * therefore leave only once what they promise is on disk (PBFT's rule), while the actor goes on
 * verifying, executing and proposing the next batch instead of waiting for the fsync.
 */
final class PbftDiskWriter implements AutoCloseable {
  /** One group commit: how many Readys and records it covered, and how long write + fsync took. */
  record Persisted(int readies, int records, long nanos) {}

  /** Bounds the queue: the actor stops producing (it blocks in submit) rather than hold unbounded work. */
  private static final int MAX_QUEUED = 4096;

  private final BlockingQueue<Ready> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
  private final PbftStorage storage;
  private final Consumer<List<Outbound>> send;
  private final Consumer<Persisted> onPersisted;
  private final Consumer<Exception> onFailure;
  private final Thread thread;
  private volatile boolean running = true;

  PbftDiskWriter(String name, PbftStorage storage, Consumer<List<Outbound>> send, Consumer<Persisted> onPersisted,
      Consumer<Exception> onFailure) {
    this.storage = storage;
    this.send = send;
    this.onPersisted = onPersisted;
    this.onFailure = onFailure;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  void submit(Ready rd) {
    try {
      queue.put(rd);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while handing a Ready to the pbft disk thread", e);
    }
  }

  private void run() {
    List<Ready> batch = new ArrayList<>();
    while (running) {
      try {
        batch.add(queue.take());
        queue.drainTo(batch);
        long started = System.nanoTime();
        int records = storage.persistAll(batch);
        long nanos = System.nanoTime() - started;
        for (Ready rd : batch) {
          send.accept(rd.messages());
        }
        onPersisted.accept(new Persisted(batch.size(), records, nanos));
        batch.clear();
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
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
