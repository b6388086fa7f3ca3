package clusternode.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** File-system steps shared by the stores: fsync with measurement, atomic replace, reading. */
final class DurableFiles {
  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

  private DurableFiles() {}

  /** fsync (or fdatasync when {@code metadata} is false) of one file, measured. */
  static void fsync(FileChannel channel, boolean metadata, FsyncStats stats) throws IOException {
    long start = System.nanoTime();
    channel.force(metadata);
    stats.record(System.nanoTime() - start);
  }

  /** Makes creations, renames and deletions in {@code dir} durable. */
  static void fsyncDirectory(Path dir, FsyncStats stats) throws IOException {
    if (WINDOWS) {
      return; // Windows cannot open a directory as a channel; NTFS journals metadata itself.
    }
    long start = System.nanoTime();
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
    stats.record(System.nanoTime() - start);
  }

  /**
   * Replaces {@code dir/name} with {@code parts} so that after a crash the file holds either the
   * old or the new content: write {@code name.tmp}, fsync it, rename over {@code name}, fsync the
   * directory.
   */
  static void writeAtomically(Path dir, String name, FsyncStats stats, ByteBuffer... parts)
      throws IOException {
    Path temp = dir.resolve(name + ".tmp");
    try (FileChannel channel =
        FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      long position = 0;
      for (ByteBuffer part : parts) {
        ByteBuffer view = part.duplicate();
        while (view.hasRemaining()) {
          position += channel.write(view, position);
        }
      }
      fsync(channel, true, stats);
    }
    Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    fsyncDirectory(dir, stats);
  }

  /** The whole file, refusing files longer than {@code bytesMax}. */
  /**
   * Checks a small framed file read back whole (hard state, snapshot): at least {@code fixedBytes}
   * long, the magic, a CRC32C over everything before the last 4 bytes, the version. Returns a view
   * of the data for the caller's own fields.
   */
  static ByteBuffer checkFramed(Path file, byte[] data, int fixedBytes, int magicExpected, int versionExpected,
      String kind) throws StorageCorruptException {
    if (data.length < fixedBytes) {
      throw new StorageCorruptException(file, 0,
          "file is " + data.length + " bytes, shorter than the " + fixedBytes + "-byte minimum");
    }
    ByteBuffer view = ByteBuffer.wrap(data);
    int magic = view.getInt(0);
    if (magic != magicExpected) {
      throw new StorageCorruptException(file, 0, "bad magic " + SegmentFormat.hex(magic)
          + ", expected " + SegmentFormat.hex(magicExpected) + " (not a " + kind + " file)");
    }
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(data, 0, data.length - 4);
    int stored = view.getInt(data.length - 4);
    if (stored != (int) crc.getValue()) {
      throw new StorageCorruptException(file, data.length - 4, "CRC32C mismatch (stored "
          + SegmentFormat.hex(stored) + ", computed " + SegmentFormat.hex((int) crc.getValue()) + ")");
    }
    int version = view.getInt(4);
    if (version != versionExpected) {
      throw new StorageCorruptException(file, 4, "unsupported version " + version);
    }
    return view;
  }

  static byte[] readAll(Path file, long bytesMax) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > bytesMax) {
        throw new StorageCorruptException(file, StorageCorruptException.WHOLE_FILE,
            "file is " + size + " bytes, more than the " + bytesMax + " bytes it can hold");
      }
      byte[] data = new byte[(int) size];
      readFully(channel, data, 0);
      return data;
    }
  }

  /** Fills {@code target} from {@code position}; a short file is an error. */
  static void readFully(FileChannel channel, byte[] target, long position) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(target);
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, position + buffer.position());
      if (read < 0) {
        throw new IOException("unexpected end of file at " + (position + buffer.position()));
      }
    }
  }

  static void writeFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    while (buffer.hasRemaining()) {
      position += channel.write(buffer, position);
    }
  }

  /** Names (not paths) in {@code dir} that satisfy {@code filter}, sorted. */
  static List<String> list(Path dir, Predicate<String> filter) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      entries.map(p -> p.getFileName().toString()).filter(filter).forEach(names::add);
    }
    names.sort(null);
    return names;
  }

  /** Deletes the files {@code filter} selects (leftover temp files) and returns them. */
  static List<Path> deleteMatching(Path dir, Predicate<String> filter, FsyncStats stats)
      throws IOException {
    List<Path> deleted = new ArrayList<>();
    for (String name : list(dir, filter)) {
      Path path = dir.resolve(name);
      Files.delete(path);
      deleted.add(path);
    }
    if (!deleted.isEmpty()) {
      fsyncDirectory(dir, stats);
    }
    return deleted;
  }
}
