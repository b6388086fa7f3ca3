package clusternode.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * {@code <log dir>/newest-segment}: the first index of the newest segment the log has created.
 * Without it a deleted newest segment looks exactly like a shorter log, and the server would come
 * back without entries it had acknowledged. The mark never points past a segment that exists on
 * disk: it is written after a segment is created, and lowered before newer segments are deleted.
 *
 * <pre>
 * magic u32 "RNSG" | version u32 = 1 | firstIndex u64 | crc32c u32 over everything before it
 * </pre>
 */
final class NewestSegmentMark {
  static final String FILE_NAME = "newest-segment";
  private static final int MAGIC = 0x524E5347; // "RNSG"
  private static final int VERSION = 1;
  private static final int BYTES = 4 + 4 + 8 + 4;

  private NewestSegmentMark() {}

  /** The marked index, or 0 when there is no mark (a new log, or one from before the mark existed). */
  static long read(Path dir) throws IOException {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return 0;
    }
    byte[] data = DurableFiles.readAll(file, BYTES);
    ByteBuffer view = DurableFiles.checkFramed(file, data, BYTES, MAGIC, VERSION, "newest-segment mark");
    if (data.length != BYTES) {
      throw new StorageCorruptException(file, 0, "is " + data.length + " bytes, not " + BYTES);
    }
    return view.getLong(8);
  }

  /** Durably marks {@code firstIndex} (0 removes the claim) as the newest segment's first index. */
  static void write(Path dir, long firstIndex, FsyncStats stats) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(BYTES);
    buffer.putInt(MAGIC).putInt(VERSION).putLong(firstIndex);
    CRC32C crc = new CRC32C();
    crc.update(buffer.array(), 0, buffer.position());
    buffer.putInt((int) crc.getValue());
    DurableFiles.writeAtomically(dir, FILE_NAME, stats, buffer.flip());
  }

  /**
   * Refuses a log whose newest segment on disk starts before the mark: the newest segment (or
   * several) was deleted or lost.
   */
  static void check(Path dir, long marked, long newestOnDisk) throws StorageCorruptException {
    if (marked > 0 && newestOnDisk < marked) {
      throw new StorageCorruptException(dir.resolve(SegmentFormat.fileName(marked)), StorageCorruptException.WHOLE_FILE,
          "is missing: the log's newest segment started at index " + marked + " but the newest on disk "
              + (newestOnDisk == 0 ? "is none" : "starts at " + newestOnDisk)
              + ", so entries this server stored (and may have acknowledged) are gone; restore the file,"
              + " or move the data directory aside so the server rejoins empty and catches up");
    }
  }
}
