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
