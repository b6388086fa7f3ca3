package clusternode.raft.storage;

import static clusternode.raft.storage.LogFixtures.SMALL;
import static clusternode.raft.storage.LogFixtures.assertServes;
import static clusternode.raft.storage.LogFixtures.copyDir;
import static clusternode.raft.storage.LogFixtures.lastSegment;
import static clusternode.raft.storage.LogFixtures.risingTerms;
import static clusternode.raft.storage.LogFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crash while appending leaves part of the last records; recovery keeps the complete ones. */
class TornTailTest {
  private static final int ENTRY_COUNT = 60;

  @TempDir Path tmp;

  /** Cut the last segment at every byte inside its last three records. */
  @Test
  void everyTruncationOfTheLastRecordsRecoversTheCompletePrefix() throws IOException {
    Path base = tmp.resolve("base");
    List<StoredEntry> written = risingTerms(ENTRY_COUNT, 40, 31);
    writeLog(base, SMALL, written);
    Path lastName = lastSegment(base).getFileName();
    long[] recordStarts = lastRecordStarts(written, lastSegment(base), 3);
    long end = Files.size(lastSegment(base));
    int cases = 0;
    for (long cut = recordStarts[0]; cut < end; cut++) {
      Path dir = tmp.resolve("cut-" + cut);
      copyDir(base, dir);
      LogFixtures.truncate(dir.resolve(lastName), cut);
      int started = countAtOrBelow(recordStarts, cut); // the last of these is incomplete
      int complete = ENTRY_COUNT - 3 + started - 1;
      boolean partialBytesLeft = cut > recordStarts[started - 1];
      recoverAndAppend(dir, written.subList(0, complete), partialBytesLeft);
      cases++;
    }
    assertTrue(cases > 30);
  }

  /** The file grew but the data never arrived: the tail reads back as zeros. */
  @Test
  void zeroFilledTailIsTorn() throws IOException {
    Path base = tmp.resolve("base");
    List<StoredEntry> written = risingTerms(ENTRY_COUNT, 40, 32);
    writeLog(base, SMALL, written);
    Path lastName = lastSegment(base).getFileName();
    long[] recordStarts = lastRecordStarts(written, lastSegment(base), 1);
    long end = Files.size(lastSegment(base));
    for (long from = recordStarts[0]; from < end; from += 3) {
      Path dir = tmp.resolve("zero-" + from);
      copyDir(base, dir);
      Path file = dir.resolve(lastName);
      byte[] data = Files.readAllBytes(file);
      Arrays.fill(data, (int) from, data.length, (byte) 0);
      Files.write(file, data);
      recoverAndAppend(dir, written.subList(0, ENTRY_COUNT - 1), true);
    }
  }

  /** Zeros after the last complete record (a preallocated or extended file). */
  @Test
  void trailingZerosAfterCompleteRecordsAreTorn() throws IOException {
    Path dir = tmp.resolve("log");
    List<StoredEntry> written = risingTerms(ENTRY_COUNT, 40, 33);
    writeLog(dir, SMALL, written);
    Path file = lastSegment(dir);
    byte[] data = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(data, data.length + 100));
    recoverAndAppend(dir, written, true);
  }

  private static void recoverAndAppend(Path dir, List<StoredEntry> expected, boolean tornExpected)
      throws IOException {
    StoredEntry next = new StoredEntry(expected.size() + 1, 99, (byte) 7, new byte[] {1, 2, 3});
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertServes(log, expected);
      assertEquals(tornExpected, log.recoveryReport().tornTail().isPresent(),
          "torn tail report in " + dir);
      log.append(List.of(next));
      log.sync();
    }
    List<StoredEntry> extended = new ArrayList<>(expected);
    extended.add(next);
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertServes(log, extended);
      assertFalse(log.recoveryReport().tornTail().isPresent());
    }
  }

  /** Start offsets of the last {@code n} records of the last segment. */
  private static long[] lastRecordStarts(List<StoredEntry> written, Path lastFile, int n)
      throws IOException {
    long[] starts = new long[n];
    long offset = Files.size(lastFile);
    for (int i = n - 1; i >= 0; i--) {
      offset -= SegmentFormat.recordBytes(written.get(written.size() - n + i).payload().length);
      starts[i] = offset;
    }
    assertTrue(starts[0] >= SegmentFormat.HEADER_BYTES, "last segment holds fewer records");
    return starts;
  }

  private static int countAtOrBelow(long[] starts, long cut) {
    int count = 0;
    for (long start : starts) {
      if (start <= cut) {
        count++;
      }
    }
    return count;
  }
}
