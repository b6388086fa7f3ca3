package clusternode.raft.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Deterministic entries and directory helpers shared by the storage tests. */
final class LogFixtures {
  /** Small segments so that a hundred entries span several files. */
  static final LogOptions SMALL = LogOptions.defaults().withSegmentBytesMax(1024);

  private LogFixtures() {}

  /** Entries {@code [from, from + count)} with seeded payloads of 0..maxPayload bytes. */
  static List<StoredEntry> entries(long from, int count, long term, int maxPayload, long seed) {
    Random random = new Random(seed);
    List<StoredEntry> result = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] payload = new byte[random.nextInt(maxPayload + 1)];
      random.nextBytes(payload);
      result.add(new StoredEntry(from + i, term, (byte) random.nextInt(4), payload));
    }
    return result;
  }

  /** Entries with terms that rise every few entries, starting at term 1. */
  static List<StoredEntry> risingTerms(int count, int maxPayload, long seed) {
    Random random = new Random(seed);
    List<StoredEntry> result = new ArrayList<>();
    long term = 1;
    for (int i = 0; i < count; i++) {
      if (random.nextInt(10) == 0) {
        term += 1 + random.nextInt(3);
      }
      byte[] payload = new byte[random.nextInt(maxPayload + 1)];
      random.nextBytes(payload);
      result.add(new StoredEntry(i + 1, term, (byte) random.nextInt(4), payload));
    }
    return result;
  }

  static void writeLog(Path dir, LogOptions options, List<StoredEntry> entries) throws IOException {
    try (SegmentedLog log = SegmentedLog.open(dir, options)) {
      log.append(entries);
      log.sync();
    }
  }

  /** Checks that the log serves exactly {@code expected}, through both read paths. */
  static void assertServes(SegmentedLog log, List<StoredEntry> expected) throws IOException {
    long first = expected.isEmpty() ? log.firstIndex() : expected.get(0).index();
    assertEquals(first, log.firstIndex(), "firstIndex");
    assertEquals(first + expected.size() - 1, log.lastIndex(), "lastIndex");
    assertEquals(expected, log.entries(log.firstIndex(), log.lastIndex() + 1));
    for (StoredEntry entry : expected) {
      assertEquals(entry.term(), log.termAt(entry.index()));
      assertEquals(entry, log.entry(entry.index()));
    }
  }

  static List<Path> segmentFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> SegmentFormat.parseFileName(p.getFileName().toString()) >= 0)
          .sorted().toList();
    }
  }

  static Path lastSegment(Path dir) throws IOException {
    List<Path> files = segmentFiles(dir);
    return files.get(files.size() - 1);
  }

  static void copyDir(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.toList()) {
        Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  static void truncate(Path file, long length) throws IOException {
    byte[] data = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(data, (int) length));
  }

  static void flipByte(Path file, long offset, int mask) throws IOException {
    byte[] data = Files.readAllBytes(file);
    data[(int) offset] ^= (byte) mask;
    Files.write(file, data);
  }
}
