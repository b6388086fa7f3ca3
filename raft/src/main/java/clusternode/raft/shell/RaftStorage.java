package clusternode.raft.shell;

import clusternode.raft.core.Entry;
import clusternode.raft.core.EntryType;
import clusternode.raft.core.HardState;
import clusternode.raft.core.Membership;
import clusternode.raft.core.Ready;
import clusternode.raft.core.RecoveredState;
import clusternode.raft.core.Snapshot;
import clusternode.raft.storage.FsyncStats;
import clusternode.raft.storage.HardStateStore;
import clusternode.raft.storage.LogOptions;
import clusternode.raft.storage.SegmentedLog;
import clusternode.raft.storage.SnapshotStore;
import clusternode.raft.storage.StorageCorruptException;
import clusternode.raft.storage.StoredEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Raft server's disk: hard state, snapshots and the segmented log, under one directory. It
 * turns the core's {@link Ready} into writes and one fsync (group commit), and reads everything
 * back at start-up as the core's {@link RecoveredState}.
 */
public final class RaftStorage implements AutoCloseable {
  private static final EntryType[] TYPES = EntryType.values();

  private final HardStateStore hardState;
  private final SnapshotStore snapshots;
  private final SegmentedLog log;

  private RaftStorage(HardStateStore hardState, SnapshotStore snapshots, SegmentedLog log) {
    this.hardState = hardState;
    this.snapshots = snapshots;
    this.log = log;
  }

  /**
   * Opens (or creates) the storage in {@code dir}.
   *
   * @throws StorageCorruptException naming the file and offset when anything on disk is corrupt
   */
  public static RaftStorage open(Path dir, LogOptions options, FsyncStats fsync) throws IOException {
    HardStateStore hs = HardStateStore.open(dir, fsync);
    SnapshotStore snaps = SnapshotStore.open(dir.resolve("snapshots"), fsync);
    SegmentedLog log = SegmentedLog.open(dir.resolve("log"), options.withFsyncStats(fsync));
    long snapshotIndex = snaps.newestIndex();
    if (snapshotIndex > 0) {
      log.compactPrefix(snapshotIndex); // the log's logical start is not stored; the snapshot says it
    }
    if (log.firstIndex() > snapshotIndex + 1) {
      throw new StorageCorruptException(dir.resolve("log"), StorageCorruptException.WHOLE_FILE,
          "the log starts at index " + log.firstIndex() + " but the newest snapshot ends at " + snapshotIndex
              + ": entries are missing");
    }
    return new RaftStorage(hs, snaps, log);
  }

  /** What was durable when the server stopped, for {@code new RaftCore(...)}. */
  public RecoveredState recover() throws IOException {
    clusternode.raft.storage.HardState hs = hardState.current();
    Optional<clusternode.raft.storage.Snapshot> stored = snapshots.loadNewest();
    Snapshot snapshot = stored.map(s -> new Snapshot(s.lastIncludedIndex(), s.lastIncludedTerm(),
        Membership.decode(s.membership()), s.state())).orElse(null);
    List<Entry> entries = new ArrayList<>();
    if (log.lastIndex() >= log.firstIndex()) {
      for (StoredEntry e : log.entries(log.firstIndex(), log.lastIndex() + 1)) {
        entries.add(toEntry(e));
      }
    }
    return new RecoveredState(new HardState(hs.currentTerm(), hs.votedFor(), 0), snapshot, entries);
  }

  /**
   * Makes the Readys' hard states, snapshots and entries durable, in order: writes them all, then
   * one fsync of the log for all of them (group commit). The caller sends the messages that
   * promise durability only after this returns.
   */
  public void persist(List<Ready> readys) throws IOException {
    boolean appended = false;
    for (Ready rd : readys) {
      appended |= write(rd);
    }
    if (appended) {
      log.sync();
    }
  }

  /** Writes one Ready without syncing the log; true if it appended entries. */
  private boolean write(Ready rd) throws IOException {
    if (rd.hardState() != null) {
      hardState.save(new clusternode.raft.storage.HardState(rd.hardState().term(), rd.hardState().votedFor()));
    }
    if (rd.installedSnapshot() != null) {
      // A snapshot from the leader replaces the whole log (Raft §7), entries after it included.
      long index = rd.installedSnapshot().index();
      saveSnapshot(rd.installedSnapshot());
      if (log.lastIndex() > index && index + 1 >= log.firstIndex()) {
        log.truncateSuffix(index + 1);
      }
      log.compactPrefix(index);
    }
    if (rd.compactedSnapshot() != null) {
      saveSnapshot(rd.compactedSnapshot());
      log.compactPrefix(rd.compactedSnapshot().index());
    }
    if (rd.truncateFromIndex() != 0) {
      log.truncateSuffix(rd.truncateFromIndex());
    }
    if (!rd.entriesToPersist().isEmpty()) {
      List<StoredEntry> stored = new ArrayList<>(rd.entriesToPersist().size());
      for (Entry e : rd.entriesToPersist()) {
        stored.add(new StoredEntry(e.index(), e.term(), (byte) e.type().ordinal(), e.data()));
      }
      log.append(stored);
      return true;
    }
    return false;
  }

  private void saveSnapshot(Snapshot s) throws IOException {
    if (s.index() > snapshots.newestIndex()) {
      snapshots.save(new clusternode.raft.storage.Snapshot(s.index(), s.term(), s.membership().encode(), s.data()));
    }
  }

  private static Entry toEntry(StoredEntry e) {
    if (e.type() < 0 || e.type() >= TYPES.length) {
      throw new IllegalStateException("log entry " + e.index() + " has unknown type " + e.type());
    }
    return new Entry(e.index(), e.term(), TYPES[e.type()], e.payload());
  }

  public long logFirstIndex() {
    return log.firstIndex();
  }

  public long logLastIndex() {
    return log.lastIndex();
  }

  @Override
  public void close() throws IOException {
    log.close();
  }
}
