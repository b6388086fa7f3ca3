package clusternode.pbft.shell;

import clusternode.pbft.core.Outbound;
import clusternode.pbft.core.Ready;
import clusternode.protocols.disk.GroupCommitWriter;
import java.util.List;
import java.util.function.Consumer;

/**
 * The PBFT replica's disk thread, a {@link GroupCommitWriter}: the actor hands it each
 * {@link Ready} with records to log; one fsync covers every Ready queued since the last, then
 * their messages go out in order and the actor hears what was done. A replica's pre-prepare,
 * prepare, commit, checkpoint and reply therefore leave only once what they promise is on disk
 * (PBFT's rule), while the actor goes on verifying, executing and proposing the next batch
 * instead of waiting for the fsync. A full queue blocks {@link #submit} (see GroupCommitWriter).
 */
final class PbftDiskWriter implements AutoCloseable {
  /** One group commit: how many Readys and records it covered, and how long write + fsync took. */
  record Persisted(int readies, int records, long nanos) {}

  private final GroupCommitWriter<Ready> writer;

  PbftDiskWriter(String name, PbftStorage storage, Consumer<List<Outbound>> send, Consumer<Persisted> onPersisted,
      Consumer<Exception> onFailure) {
    this.writer = new GroupCommitWriter<>(name, batch -> {
      long started = System.nanoTime();
      int records = storage.persistAll(batch);
      long nanos = System.nanoTime() - started;
      for (Ready rd : batch) {
        send.accept(rd.messages());
      }
      onPersisted.accept(new Persisted(batch.size(), records, nanos));
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
