package clusternode.raft.storage;

import static clusternode.raft.storage.LogFixtures.SMALL;
import static clusternode.raft.storage.LogFixtures.assertServes;
import static clusternode.raft.storage.LogFixtures.entries;
import static clusternode.raft.storage.LogFixtures.risingTerms;
import static clusternode.raft.storage.LogFixtures.segmentFiles;
import static clusternode.raft.storage.LogFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentedLogTest {
  @TempDir Path dir;

  @Test
  void emptyLogStartsAtOne() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertEquals(1, log.firstIndex());
      assertEquals(0, log.lastIndex());
      assertEquals(0, log.lastDurableIndex());
      assertEquals(0, log.sync());
      assertEquals(List.of(), log.entries(1, 1));
    }
  }

  @Test
  void roundTripAndReopen() throws IOException {
    List<StoredEntry> written = risingTerms(50, 40, 1);
    try (SegmentedLog log = SegmentedLog.open(dir, LogOptions.defaults())) {
      log.append(written.subList(0, 20));
      log.append(written.subList(20, 50));
      assertServes(log, written);
      assertEquals(50, log.sync());
    }
    try (SegmentedLog log = SegmentedLog.open(dir, LogOptions.defaults())) {
      assertServes(log, written);
      assertEquals(50, log.lastDurableIndex());
      assertTrue(log.recoveryReport().tornTail().isEmpty());
      assertEquals(1, log.recoveryReport().segmentCount());
    }
  }

  @Test
  void groupCommitIsOneFsyncForManyAppends() throws IOException {
    FsyncStats stats = new FsyncStats();
    LogOptions options = LogOptions.defaults().withFsyncStats(stats);
    List<StoredEntry> written = entries(1, 201, 1, 30, 2);
    try (SegmentedLog log = SegmentedLog.open(dir, options)) {
      log.append(written.subList(0, 1));
      log.sync();
      long before = stats.syncCount();
      for (int i = 1; i < written.size(); i++) {
        log.append(written.subList(i, i + 1));
      }
      assertEquals(before, stats.syncCount(), "append must not fsync");
      assertEquals(1, log.lastDurableIndex());
      assertEquals(201, log.sync());
      assertEquals(before + 1, stats.syncCount(), "one fsync covers the whole batch");
      log.sync();
      assertEquals(before + 1, stats.syncCount(), "nothing pending, no fsync");
    }
    try (SegmentedLog log = SegmentedLog.open(dir, options)) {
      assertServes(log, written);
    }
  }

  @Test
  void fsyncListenerSeesEverySync() throws IOException {
    List<Long> seen = new ArrayList<>();
    FsyncStats stats = new FsyncStats(seen::add);
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL.withFsyncStats(stats))) {
      log.append(entries(1, 3, 1, 10, 3));
      log.sync();
    }
    assertEquals(stats.syncCount(), seen.size());
    assertTrue(seen.stream().allMatch(n -> n >= 0));
  }

  @Test
  void rollsOverSegmentsAndContinuesAfterReopen() throws IOException {
    List<StoredEntry> written = risingTerms(300, 60, 4);
    writeLog(dir, SMALL, written.subList(0, 150));
    List<Path> files = segmentFiles(dir);
    assertTrue(files.size() > 5, "expected several segments, got " + files.size());
    for (Path file : files) {
      assertTrue(Files.size(file) <= SMALL.segmentBytesMax(), file + " is too large");
    }
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertEquals(files.size(), log.recoveryReport().segmentCount());
      assertServes(log, written.subList(0, 150));
      log.append(written.subList(150, 300));
      log.sync();
    }
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertServes(log, written);
    }
    List<Path> names = segmentFiles(dir);
    assertEquals(SegmentFormat.fileName(1), names.get(0).getFileName().toString());
  }

  @Test
  void oversizedRecordGetsItsOwnSegment() throws IOException {
    List<StoredEntry> written = new ArrayList<>(entries(1, 3, 1, 10, 5));
    written.add(new StoredEntry(4, 1, (byte) 0, new byte[5000]));
    written.addAll(entries(5, 3, 2, 10, 6));
    writeLog(dir, SMALL, written);
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertServes(log, written);
    }
    assertEquals(3, segmentFiles(dir).size());
  }

  @Test
  void readsAreLimitedByBytesButReturnAtLeastOneEntry() throws IOException {
    List<StoredEntry> written = entries(1, 100, 1, 50, 7);
    writeLog(dir, SMALL, written);
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertEquals(written.subList(0, 1), log.entries(1, 101, 1));
      List<StoredEntry> some = log.entries(10, 101, 600);
      assertTrue(some.size() > 1 && some.size() < 91, "got " + some.size());
      assertEquals(written.subList(9, 9 + some.size()), some);
      long bytes = some.stream().mapToLong(e -> 25 + e.payload().length).sum();
      assertTrue(bytes <= 600);
    }
  }

  @Test
  void rejectsBadAppendsBeforeWritingAnything() throws IOException {
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL.withPayloadBytesMax(100))) {
      log.append(entries(1, 5, 3, 10, 8));
      assertThrows(IllegalArgumentException.class, () -> log.append(entries(7, 1, 3, 10, 9)));
      assertThrows(IllegalArgumentException.class, () -> log.append(entries(5, 1, 3, 10, 9)));
      assertThrows(IllegalArgumentException.class, () -> log.append(entries(6, 1, 2, 10, 9)));
      assertThrows(IllegalArgumentException.class,
          () -> log.append(List.of(new StoredEntry(6, 3, (byte) 0, new byte[101]))));
      List<StoredEntry> mixed = new ArrayList<>(entries(6, 2, 4, 10, 10));
      mixed.add(new StoredEntry(8, 3, (byte) 0, new byte[0]));
      assertThrows(IllegalArgumentException.class, () -> log.append(mixed));
      assertEquals(5, log.lastIndex(), "a rejected batch writes nothing");
      log.append(entries(6, 1, 4, 10, 11));
      assertEquals(6, log.sync());
    }
  }

  @Test
  void truncateSuffixThenAppendThenReopen() throws IOException {
    List<StoredEntry> old = risingTerms(120, 50, 12);
    writeLog(dir, SMALL, old);
    long conflictTerm = old.get(119).term() + 1;
    List<StoredEntry> replacement = entries(40, 30, conflictTerm, 50, 13);
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      log.truncateSuffix(40);
      assertEquals(39, log.lastIndex());
      assertEquals(39, log.lastDurableIndex());
      assertThrows(IllegalArgumentException.class, () -> log.entry(40));
      log.append(replacement);
      log.sync();
    }
    List<StoredEntry> expected = new ArrayList<>(old.subList(0, 39));
    expected.addAll(replacement);
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertServes(log, expected);
    }
  }

  @Test
  void truncateSuffixAtSegmentBoundaryAndToEmpty() throws IOException {
    List<StoredEntry> old = entries(1, 100, 1, 50, 14);
    writeLog(dir, SMALL, old);
    long boundary = SegmentFormat.parseFileName(segmentFiles(dir).get(2).getFileName().toString());
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      log.truncateSuffix(boundary);
      assertServes(log, old.subList(0, (int) boundary - 1));
      assertEquals(2, segmentFiles(dir).size());
      log.truncateSuffix(1);
      assertEquals(0, log.lastIndex());
      assertEquals(1, segmentFiles(dir).size());
      log.append(entries(1, 5, 2, 10, 15));
      log.sync();
    }
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertServes(log, entries(1, 5, 2, 10, 15));
    }
  }

  @Test
  void compactPrefixDeletesWholeSegmentsAndKeepsLogicalFirstIndex() throws IOException {
    List<StoredEntry> written = entries(1, 100, 1, 50, 16);
    writeLog(dir, SMALL, written);
    int filesBefore = segmentFiles(dir).size();
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      log.compactPrefix(50);
      assertServes(log, written.subList(50, 100));
      assertThrows(IllegalArgumentException.class, () -> log.termAt(50));
      log.compactPrefix(20); // already compacted: no-op
      assertEquals(51, log.firstIndex());
    }
    List<Path> files = segmentFiles(dir);
    assertTrue(files.size() < filesBefore);
    long physicalFirst = SegmentFormat.parseFileName(files.get(0).getFileName().toString());
    assertTrue(physicalFirst > 1 && physicalFirst <= 51, "physical first " + physicalFirst);
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertEquals(physicalFirst, log.firstIndex());
      log.compactPrefix(50); // the documented start-up step
      assertServes(log, written.subList(50, 100));
      log.append(entries(101, 5, 1, 10, 17));
      log.sync();
    }
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertEquals(105, log.lastIndex());
    }
  }

  @Test
  void compactPrefixBeyondTheLogRestartsItThere() throws IOException {
    writeLog(dir, SMALL, entries(1, 100, 1, 50, 18));
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      log.compactPrefix(500);
      assertEquals(501, log.firstIndex());
      assertEquals(500, log.lastIndex());
      assertEquals(500, log.lastDurableIndex());
      log.append(entries(501, 3, 7, 10, 19));
      log.sync();
    }
    assertEquals(1, segmentFiles(dir).size());
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertServes(log, entries(501, 3, 7, 10, 19));
    }
  }

  @Test
  void missingMiddleSegmentIsRefused() throws IOException {
    writeLog(dir, SMALL, entries(1, 100, 1, 50, 20));
    List<Path> files = segmentFiles(dir);
    Files.delete(files.get(2));
    StorageCorruptException e =
        assertThrows(StorageCorruptException.class, () -> SegmentedLog.open(dir, SMALL));
    assertEquals(files.get(3), e.file());
    assertTrue(e.getMessage().contains(files.get(3).toString()), e.getMessage());
    assertTrue(e.getMessage().contains("gap"), e.getMessage());
    assertTrue(e.getMessage().contains("byte offset"), e.getMessage());
  }

  @Test
  void badMagicIsRefused() throws IOException {
    writeLog(dir, SMALL, entries(1, 100, 1, 50, 21));
    Path victim = segmentFiles(dir).get(1);
    LogFixtures.flipByte(victim, 0, 0x20);
    StorageCorruptException e =
        assertThrows(StorageCorruptException.class, () -> SegmentedLog.open(dir, SMALL));
    assertEquals(victim, e.file());
    assertEquals(0, e.offset());
    assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
  }

  @Test
  void corruptRecordInTheMiddleIsRefusedWithItsOffset() throws IOException {
    List<StoredEntry> written = entries(1, 10, 1, 40, 22);
    writeLog(dir, LogOptions.defaults(), written);
    long offset = SegmentFormat.HEADER_BYTES;
    for (int i = 0; i < 6; i++) {
      offset += SegmentFormat.recordBytes(written.get(i).payload().length);
    }
    Path file = segmentFiles(dir).get(0);
    LogFixtures.flipByte(file, offset + 20, 0x01); // the term of entry 7
    StorageCorruptException e = assertThrows(StorageCorruptException.class,
        () -> SegmentedLog.open(dir, LogOptions.defaults()));
    assertEquals(offset, e.offset());
    assertTrue(e.getMessage().contains("byte offset " + offset), e.getMessage());
    assertTrue(e.getMessage().contains("not a torn tail"), e.getMessage());
  }

  @Test
  void corruptionFoundByAReadStopsTheLog() throws IOException {
    List<StoredEntry> written = entries(1, 10, 1, 40, 23);
    writeLog(dir, LogOptions.defaults(), written);
    try (SegmentedLog log = SegmentedLog.open(dir, LogOptions.defaults())) {
      long offset = SegmentFormat.HEADER_BYTES
          + SegmentFormat.recordBytes(written.get(0).payload().length);
      LogFixtures.flipByte(segmentFiles(dir).get(0), offset + 25, 0x80);
      StorageCorruptException e = assertThrows(StorageCorruptException.class, () -> log.entry(2));
      assertEquals(offset, e.offset());
      assertThrows(IllegalStateException.class, () -> log.entry(1));
      assertThrows(IllegalStateException.class, () -> log.append(entries(11, 1, 1, 1, 1)));
    }
  }

  @Test
  void leftoverTempSegmentIsDeleted() throws IOException {
    writeLog(dir, SMALL, entries(1, 10, 1, 20, 24));
    Path temp = dir.resolve(SegmentFormat.fileName(11) + ".tmp");
    Files.write(temp, new byte[7]);
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertEquals(List.of(temp), log.recoveryReport().tempFilesDeleted());
      assertEquals(10, log.lastIndex());
    }
    assertTrue(Files.notExists(temp));
  }

  @Test
  void truncateSuffixIsDurableWithoutSync() throws IOException {
    writeLog(dir, SMALL, entries(1, 100, 1, 50, 25));
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      log.truncateSuffix(30);
    }
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertServes(log, entries(1, 100, 1, 50, 25).subList(0, 29));
    }
  }

  /** Records that verify but break Raft's log rules were never written by this code. */
  @Test
  void verifiedRecordsWithDecreasingTermsAreRefused() throws IOException {
    ByteBuffer data = ByteBuffer.allocate(200);
    data.put(SegmentFormat.encodeHeader(1));
    SegmentFormat.encodeRecord(data, new StoredEntry(1, 5, (byte) 0, new byte[3]));
    long second = data.position();
    SegmentFormat.encodeRecord(data, new StoredEntry(2, 4, (byte) 0, new byte[3]));
    Files.write(dir.resolve(SegmentFormat.fileName(1)),
        Arrays.copyOf(data.array(), data.position()));
    StorageCorruptException e =
        assertThrows(StorageCorruptException.class, () -> SegmentedLog.open(dir, SMALL));
    assertEquals(second, e.offset());
    assertTrue(e.getMessage().contains("lower than the previous term"), e.getMessage());
  }

  @Test
  void closedLogRefusesCalls() throws IOException {
    SegmentedLog log = SegmentedLog.open(dir, SMALL);
    log.close();
    assertThrows(IllegalStateException.class, log::lastIndex);
  }
}
