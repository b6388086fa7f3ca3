package clusternode.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Persists {@link HardState} in {@code <dir>/hardstate.bin}, replaced atomically on every save
 * (temp file, fsync, rename, fsync directory), so a crash leaves the old or the new state.
 *
 * <pre>
 * magic u32 "RHST" | version u32 = 1 | currentTerm u64 | votedForLength i32 (-1: none)
 *   | votedFor UTF-8 bytes | crc32c u32 over everything before it          (big-endian)
 * </pre>
 *
 * <p>A save that Raft would never make (a lower term, or a second different vote in one term) is
 * refused with {@link IllegalArgumentException} before anything is written. Not thread-safe.
 */
public final class HardStateStore {
  static final String FILE_NAME = "hardstate.bin";
  static final int MAGIC = 0x52485354; // "RHST"
  static final int VERSION = 1;
  private static final int FIXED_BYTES = 4 + 4 + 8 + 4 + 4;

  private final Path dir;
  private final FsyncStats fsyncStats;
  private HardState current;

  private HardStateStore(Path dir, FsyncStats fsyncStats, HardState current) {
    this.dir = dir;
    this.fsyncStats = fsyncStats;
    this.current = current;
  }

  /**
   * Opens the store, deleting a temp file left by an interrupted save, and loads the state:
   * {@link HardState#INITIAL} when no file exists yet.
   *
   * @throws StorageCorruptException if the file does not verify
   */
  public static HardStateStore open(Path dir, FsyncStats fsyncStats) throws IOException {
    Files.createDirectories(dir);
    DurableFiles.deleteMatching(dir, (FILE_NAME + ".tmp")::equals, fsyncStats);
    Path file = dir.resolve(FILE_NAME);
    HardState loaded = Files.exists(file)
        ? decode(file, DurableFiles.readAll(file, FIXED_BYTES + HardState.VOTED_FOR_BYTES_MAX))
        : HardState.INITIAL;
    return new HardStateStore(dir, fsyncStats, loaded);
  }

  /** The last state saved (or loaded). */
  public HardState current() {
    return current;
  }

  /** Durably replaces the state; does nothing when {@code next} equals {@link #current()}. */
  public void save(HardState next) throws IOException {
    if (next.equals(current)) {
      return;
    }
    if (!current.mayBeFollowedBy(next)) {
      throw new IllegalArgumentException("refusing to persist " + next + " after " + current
          + ": the term went down or the vote changed within a term");
    }
    Path file = dir.resolve(FILE_NAME);
    byte[] bytes = encode(next);
    HardState check = decode(file, bytes);
    if (!check.equals(next)) {
      throw new IllegalStateException("hard state encoding does not round-trip: " + next);
    }
    DurableFiles.writeAtomically(dir, FILE_NAME, fsyncStats, ByteBuffer.wrap(bytes));
    current = next;
  }

  static byte[] encode(HardState state) {
    byte[] voted =
        state.votedFor() == null ? new byte[0] : state.votedFor().getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer = ByteBuffer.allocate(FIXED_BYTES + voted.length);
    buffer.putInt(MAGIC).putInt(VERSION).putLong(state.currentTerm());
    buffer.putInt(state.votedFor() == null ? -1 : voted.length).put(voted);
    CRC32C crc = new CRC32C();
    crc.update(buffer.array(), 0, buffer.position());
    buffer.putInt((int) crc.getValue());
    return buffer.array();
  }

  static HardState decode(Path file, byte[] data) throws StorageCorruptException {
    ByteBuffer view = DurableFiles.checkFramed(file, data, FIXED_BYTES, MAGIC, VERSION, "hard state");
    long term = view.getLong(8);
    int votedLength = view.getInt(16);
    int expectedLength = FIXED_BYTES + Math.max(0, votedLength);
    if (votedLength < -1 || votedLength == 0 || data.length != expectedLength) {
      throw new StorageCorruptException(file, 16,
          "votedFor length " + votedLength + " does not fit a " + data.length + "-byte file");
    }
    if (term < 0) {
      throw new StorageCorruptException(file, 8, "negative term " + term);
    }
    String votedFor = null;
    if (votedLength > 0) {
      try {
        votedFor = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(data, 20, votedLength))
            .toString();
      } catch (CharacterCodingException e) {
        throw new StorageCorruptException(file, 20, "votedFor is not valid UTF-8");
      }
    }
    return new HardState(term, votedFor);
  }
}
