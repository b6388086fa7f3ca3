package clusternode.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Keeps the newest two snapshots as {@code <dir>/snap-<lastIncludedIndex, 20 digits>.snap}, each
 * written atomically (temp file, fsync, rename, fsync directory).
 *
 * <pre>
 * magic u32 "RSNP" | version u32 = 1 | lastIncludedIndex u64 | lastIncludedTerm u64
 *   | membershipLength i32 | membership | stateLength i32 | state
 *   | crc32c u32 over everything before it                                   (big-endian)
 * </pre>
 *
 * <p><b>A corrupt newest snapshot is refused, not skipped.</b> {@link #loadNewest} throws
 * {@link StorageCorruptException} even when an older valid snapshot exists: the log has usually
 * been compacted up to the newest snapshot, so silently going back to the older one would leave a
 * hole between it and the log, i.e. lose committed entries without a word. The older file is kept
 * so an operator can move the corrupt one aside and restart deliberately (the error says so).
 *
 * <p>Not thread-safe.
 */
public final class SnapshotStore {
  static final int MAGIC = 0x52534E50; // "RSNP"
  static final int VERSION = 1;
  static final int KEPT = 2;
  private static final int FIXED_BYTES = 4 + 4 + 8 + 8 + 4 + 4 + 4;
  private static final long FILE_BYTES_MAX = Integer.MAX_VALUE - 64;

  private final Path dir;
  private final FsyncStats fsyncStats;
  /** Index of the newest snapshot file, 0 when none. */
  private long newestIndex;

  private SnapshotStore(Path dir, FsyncStats fsyncStats, long newestIndex) {
    this.dir = dir;
    this.fsyncStats = fsyncStats;
    this.newestIndex = newestIndex;
  }

  /** Opens the store, deleting temp files left by an interrupted save. Reads no snapshot yet. */
  public static SnapshotStore open(Path dir, FsyncStats fsyncStats) throws IOException {
    Files.createDirectories(dir);
    DurableFiles.deleteMatching(dir, n -> n.endsWith(".snap.tmp") && indexOf(n.substring(0,
        n.length() - 4)) >= 0, fsyncStats);
    List<Long> indexes = indexes(dir);
    return new SnapshotStore(dir, fsyncStats, indexes.isEmpty() ? 0 : indexes.get(0));
  }

  /**
   * The newest snapshot, verified; empty when none was ever saved.
   *
   * @throws StorageCorruptException if the newest snapshot file does not verify
   */
  public Optional<Snapshot> loadNewest() throws IOException {
    List<Long> indexes = indexes(dir);
    if (indexes.isEmpty()) {
      return Optional.empty();
    }
    Path file = dir.resolve(fileName(indexes.get(0)));
    byte[] data = DurableFiles.readAll(file, FILE_BYTES_MAX);
    try {
      return Optional.of(decode(file, data, indexes.get(0)));
    } catch (StorageCorruptException e) {
      if (indexes.size() < 2) {
        throw e;
      }
      throw new StorageCorruptException(e.file(), e.offset(), e.problem()
          + "; refusing to fall back to the older " + fileName(indexes.get(1))
          + " automatically because the log may be compacted past it: move the corrupt file"
          + " aside to use it");
    }
  }

  /** Index of the newest snapshot saved, 0 when none. */
  public long newestIndex() {
    return newestIndex;
  }

  /**
   * Writes {@code snapshot} atomically, then deletes all but the newest {@value #KEPT}.
   * {@code lastIncludedIndex} must not be below the newest snapshot's; an equal one replaces it.
   */
  public void save(Snapshot snapshot) throws IOException {
    if (snapshot.lastIncludedIndex() < newestIndex) {
      throw new IllegalArgumentException("snapshot at " + snapshot.lastIncludedIndex()
          + " is older than the newest stored one at " + newestIndex);
    }
    long total = (long) FIXED_BYTES + snapshot.membership().length + snapshot.state().length;
    if (total > FILE_BYTES_MAX) {
      throw new IllegalArgumentException("snapshot of " + total + " bytes is too large");
    }
    ByteBuffer head = ByteBuffer.allocate(4 + 4 + 8 + 8 + 4);
    head.putInt(MAGIC).putInt(VERSION).putLong(snapshot.lastIncludedIndex())
        .putLong(snapshot.lastIncludedTerm()).putInt(snapshot.membership().length).flip();
    ByteBuffer stateLength = ByteBuffer.allocate(4).putInt(snapshot.state().length).flip();
    CRC32C crc = new CRC32C();
    crc.update(head.duplicate());
    crc.update(snapshot.membership());
    crc.update(stateLength.duplicate());
    crc.update(snapshot.state());
    ByteBuffer trailer = ByteBuffer.allocate(4).putInt((int) crc.getValue()).flip();
    DurableFiles.writeAtomically(dir, fileName(snapshot.lastIncludedIndex()), fsyncStats, head,
        ByteBuffer.wrap(snapshot.membership()), stateLength, ByteBuffer.wrap(snapshot.state()),
        trailer);
    newestIndex = snapshot.lastIncludedIndex();
    deleteAllButNewest();
  }

  private void deleteAllButNewest() throws IOException {
    List<Long> indexes = indexes(dir);
    boolean deleted = false;
    for (int i = indexes.size() - 1; i >= KEPT; i--) {
      Files.delete(dir.resolve(fileName(indexes.get(i))));
      deleted = true;
    }
    if (deleted) {
      DurableFiles.fsyncDirectory(dir, fsyncStats);
    }
  }

  static Snapshot decode(Path file, byte[] data, long nameIndex) throws StorageCorruptException {
    ByteBuffer view = DurableFiles.checkFramed(file, data, FIXED_BYTES, MAGIC, VERSION, "snapshot");
    long index = view.getLong(8);
    long term = view.getLong(16);
    if (index != nameIndex || index < 1 || term < 0) {
      throw new StorageCorruptException(file, 8, "lastIncluded (index " + index + ", term "
          + term + ") does not match the file name or is out of range");
    }
    int membershipLength = view.getInt(24);
    if (membershipLength < 0 || membershipLength > data.length - FIXED_BYTES) {
      throw new StorageCorruptException(file, 24,
          "membership length " + membershipLength + " does not fit the file");
    }
    int stateLengthAt = 28 + membershipLength;
    int stateLength = view.getInt(stateLengthAt);
    if (stateLength < 0 || (long) stateLengthAt + 4 + stateLength + 4 != data.length) {
      throw new StorageCorruptException(file, stateLengthAt,
          "state length " + stateLength + " does not fit the file");
    }
    byte[] membership = new byte[membershipLength];
    System.arraycopy(data, 28, membership, 0, membershipLength);
    byte[] state = new byte[stateLength];
    System.arraycopy(data, stateLengthAt + 4, state, 0, stateLength);
    return new Snapshot(index, term, membership, state);
  }

  static String fileName(long lastIncludedIndex) {
    return String.format("snap-%020d.snap", lastIncludedIndex);
  }

  /** The index a snapshot file name encodes, or -1. */
  static long indexOf(String name) {
    if (name.length() != 30 || !name.startsWith("snap-") || !name.endsWith(".snap")) {
      return -1;
    }
    String digits = name.substring(5, 25);
    if (!digits.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Snapshot indexes present, newest first. */
  private static List<Long> indexes(Path dir) throws IOException {
    List<Long> indexes = new ArrayList<>();
    for (String name : DurableFiles.list(dir, n -> indexOf(n) >= 0)) {
      indexes.add(indexOf(name));
    }
    indexes.sort((a, b) -> Long.compare(b, a));
    return indexes;
  }
}
