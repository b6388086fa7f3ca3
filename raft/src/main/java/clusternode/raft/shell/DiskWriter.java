package clusternode.raft.shell;

import clusternode.protocols.disk.GroupCommitWriter;
import clusternode.raft.core.Entry;
import clusternode.raft.core.RaftMessage;
import clusternode.raft.core.Ready;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Raft server's disk thread, a {@link GroupCommitWriter}: one fsync covers every Ready queued
 * since the last; then their durability-promising messages go out in order and the actor hears
 * what is now durable. The actor meanwhile keeps ticking, replicating and applying, so a slow
 * fsync never delays a heartbeat. A full queue blocks {@link #submit} (see GroupCommitWriter).
 */
final class DiskWriter implements AutoCloseable {
  /** What one fsync made durable: the last entry written (index 0 when none), for core.persisted. */
  record Persisted(long index, long term, int entries, long nanos) {}

  private final GroupCommitWriter<Ready> writer;

  DiskWriter(String name, RaftStorage storage, Consumer<List<RaftMessage>> send, Consumer<Persisted> onPersisted,
      Consumer<Exception> onFailure) {
    this.writer = new GroupCommitWriter<>(name, batch -> {
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
    }, onFailure);
  }

  void submit(Ready rd) {
    writer.submit(rd);
  }

  @Override
  public void close() {
    writer.close();
  }
}
