package clusternode.raft.storage;

import static clusternode.raft.storage.LogFixtures.SMALL;
import static clusternode.raft.storage.LogFixtures.assertServes;
import static clusternode.raft.storage.LogFixtures.lastSegment;
import static clusternode.raft.storage.LogFixtures.risingTerms;
import static clusternode.raft.storage.LogFixtures.segmentFiles;
import static clusternode.raft.storage.LogFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deleted newest segment must not pass for a shorter log: the server would come back without
 * entries it acknowledged. Truncation and snapshot installs, which delete newest segments on
 * purpose, must still reopen.
 */
class MissingSegmentTest {
  @TempDir Path dir;

  @Test
  void aDeletedNewestSegmentRefusesToOpenNamingIt() throws IOException {
    writeLog(dir, SMALL, risingTerms(150, 60, 7));
    assertTrue(segmentFiles(dir).size() > 2);
    Path newest = lastSegment(dir);
    Files.delete(newest);
    StorageCorruptException e = assertThrows(StorageCorruptException.class, () -> SegmentedLog.open(dir, SMALL));
    assertEquals(newest, e.file());
    assertTrue(e.getMessage().contains("is missing"), e.getMessage());
  }

  @Test
  void aDeletedOnlySegmentRefusesToOpen() throws IOException {
    writeLog(dir, LogFixtures.SMALL.withSegmentBytesMax(1 << 20), risingTerms(20, 40, 3));
    assertEquals(1, segmentFiles(dir).size());
    Files.delete(lastSegment(dir));
    assertThrows(StorageCorruptException.class, () -> SegmentedLog.open(dir, SMALL));
  }

  @Test
  void truncatingAcrossSegmentsAndRestartingAfterASnapshotStillReopen() throws IOException {
    List<StoredEntry> written = risingTerms(150, 60, 11);
    writeLog(dir, SMALL, written);
    int before = segmentFiles(dir).size();
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      log.truncateSuffix(40);
    }
    assertTrue(segmentFiles(dir).size() < before, "the truncation deleted newer segments");
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertServes(log, written.subList(0, 39));
      log.compactPrefix(500); // a snapshot installed from a leader far ahead: the log restarts at 501
    }
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertEquals(501, log.firstIndex());
      assertEquals(500, log.lastIndex());
    }
  }

  @Test
  void aLogWrittenBeforeTheMarkExistedOpens() throws IOException {
    List<StoredEntry> written = risingTerms(60, 60, 5);
    writeLog(dir, SMALL, written);
    Files.delete(dir.resolve(NewestSegmentMark.FILE_NAME));
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertServes(log, written);
    }
  }
}
