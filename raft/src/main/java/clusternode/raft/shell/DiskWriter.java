package clusternode.raft.shell;

import clusternode.raft.core.Entry;
import clusternode.raft.core.RaftMessage;
import clusternode.raft.core.Ready;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * The Raft server's disk thread. The actor hands it each Ready; it writes every Ready waiting in
 * its queue, fsyncs once for all of them (group commit: the more load, the bigger the batch), then
 * sends their durability-promising messages in order and reports what is now durable. The actor
 * meanwhile keeps ticking, replicating and applying, so a slow fsync never delays a heartbeat.
 */
final class DiskWriter implements AutoCloseable {
  /** What one fsync made durable: the last entry written (index 0 when none), for core.persisted. */
  record Persisted(long index, long term, int entries, long nanos) {}

  private final BlockingQueue<Ready> queue = new LinkedBlockingQueue<>();
  private final RaftStorage storage;
  private final Consumer<List<RaftMessage>> send;
  private final Consumer<Persisted> onPersisted;
  private final Consumer<Exception> onFailure;
  private final Thread thread;
  private volatile boolean running = true;

  DiskWriter(String name, RaftStorage storage, Consumer<List<RaftMessage>> send, Consumer<Persisted> onPersisted,
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
    queue.add(rd);
  }

  int backlog() {
    return queue.size();
  }

  private void run() {
    List<Ready> batch = new ArrayList<>();
    while (running) {
      try {
        batch.add(queue.take());
        queue.drainTo(batch);
        long started = System.nanoTime();
        storage.persist(batch);
        long nanos = System.nanoTime() - started;
        int entries = 0;
        Entry last = null;
        for (Ready rd : batch) {
          send.accept(rd.messagesAfterPersist());
          entries += rd.entriesToPersist().size();
          if (!rd.entriesToPersist().isEmpty()) {
            last = rd.entriesToPersist().get(rd.entriesToPersist().size() - 1);
          }
        }
        onPersisted.accept(new Persisted(last == null ? 0 : last.index(), last == null ? 0 : last.term(), entries, nanos));
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
