package clusternode.pbft.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.pbft.core.Canon;
import clusternode.pbft.core.LogRecord;
import clusternode.pbft.core.PbftMessage;
import clusternode.pbft.core.PbftRules;
import clusternode.pbft.core.Ready;
import clusternode.pbft.core.Recovered;
import clusternode.pbft.core.StableCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replica's disk: records and checkpoints survive a restart; a torn tail is cut; corruption refuses to start. */
class PbftStorageTest {
  @TempDir
  Path dir;

  private static PbftMessage.PrePrepare prePrepare(long seq) {
    PbftMessage.Request r = new PbftMessage.Request("n1/0", seq, false, new byte[] {1, 2, 3}, new byte[] {9});
    return new PbftMessage.PrePrepare("n1", 0, seq, PbftRules.batchDigest(List.of(r)), List.of(r), 0, new byte[] {7});
  }

  private static Ready ready(List<LogRecord> records, StableCheckpoint checkpoint) {
    return new Ready(List.of(), records, checkpoint, List.of(), List.of());
  }

  @Test
  void recordsAndCheckpointsSurviveARestartAndTheLogIsCompacted() throws IOException {
    try (PbftStorage s = PbftStorage.open(dir)) {
      assertNull(s.recover().checkpoint());
      s.persist(ready(List.of(new LogRecord.ViewEntered(0, true), new LogRecord.PrePrepared(prePrepare(1)),
          new LogRecord.Committed(0, 1, prePrepare(1).digest())), null));
      s.persist(ready(List.of(new LogRecord.PrePrepared(prePrepare(5))), null));
      byte[] state = {4, 5, 6};
      s.persist(ready(List.of(), new StableCheckpoint(4, Canon.sha256(state), state, List.of())));
    }
    try (PbftStorage s = PbftStorage.open(dir)) {
      Recovered r = s.recover();
      assertEquals(4, r.checkpoint().seq());
      assertEquals(2, r.records().size(), "the view and seq 5 remain: " + r.records());
      assertTrue(r.records().get(0) instanceof LogRecord.ViewEntered);
      assertEquals(5, r.records().get(1).seq());
    }
  }

  @Test
  void oneGroupCommitCoversManyReadiesAndAStableCheckpointAmongThem() throws IOException {
    byte[] state = {4, 5, 6};
    try (PbftStorage s = PbftStorage.open(dir)) {
      s.recover();
      long before = s.fsyncs();
      int written = s.persistAll(List.of(
          ready(List.of(new LogRecord.ViewEntered(0, true), new LogRecord.PrePrepared(prePrepare(3))), null),
          ready(List.of(new LogRecord.PrePrepared(prePrepare(4))), null),
          ready(List.of(), new StableCheckpoint(4, Canon.sha256(state), state, List.of())),
          ready(List.of(new LogRecord.PrePrepared(prePrepare(5))), null),
          ready(List.of(new LogRecord.PrePrepared(prePrepare(6))), null)));
      assertEquals(5, written);
      // One fsync for the checkpoint's compaction (it holds seq 3 and 4 until it drops them), one for 5 and 6.
      assertEquals(2, s.fsyncs() - before);
      assertEquals(0, s.persistAll(List.of(ready(List.of(), null))));
      assertEquals(2, s.fsyncs() - before, "nothing to write, no fsync");
    }
    try (PbftStorage s = PbftStorage.open(dir)) {
      Recovered r = s.recover();
      assertEquals(4, r.checkpoint().seq());
      assertEquals(List.of(0L, 5L, 6L), r.records().stream().map(LogRecord::seq).toList(),
          "the view, then what came after the checkpoint in the same group commit: " + r.records());
    }
  }

  @Test
  void aTornTailIsCutOff() throws IOException {
    try (PbftStorage s = PbftStorage.open(dir)) {
      s.recover();
      s.persist(ready(List.of(new LogRecord.PrePrepared(prePrepare(1)), new LogRecord.PrePrepared(prePrepare(2))), null));
    }
    Path log = dir.resolve("log");
    long size = Files.size(log);
    try (var ch = java.nio.channels.FileChannel.open(log, StandardOpenOption.WRITE)) {
      ch.truncate(size - 5);
    }
    try (PbftStorage s = PbftStorage.open(dir)) {
      assertEquals(1, s.recover().records().size());
    }
  }

  @Test
  void corruptionBeforeTheEndRefusesToStart() throws IOException {
    try (PbftStorage s = PbftStorage.open(dir)) {
      s.recover();
      s.persist(ready(List.of(new LogRecord.PrePrepared(prePrepare(1)), new LogRecord.PrePrepared(prePrepare(2))), null));
    }
    byte[] bytes = Files.readAllBytes(dir.resolve("log"));
    bytes[12] ^= 0x40;
    Files.write(dir.resolve("log"), bytes);
    PbftStorage.CorruptException e = assertThrows(PbftStorage.CorruptException.class,
        () -> PbftStorage.open(dir).recover());
    assertTrue(e.getMessage().contains("bad record at byte offset 0"), e.getMessage());

    Files.write(dir.resolve("checkpoint"), new byte[] {1, 2, 3});
    assertThrows(PbftStorage.CorruptException.class, () -> PbftStorage.open(dir).recover());
  }

  /** Found by PbftStorageFuzzTest's review: a bad length mid-log looked like a torn tail and cut what followed. */
  @Test
  void aBadLengthBeforeTheEndRefusesInsteadOfCuttingTheRecordsAfterIt() throws IOException {
    try (PbftStorage s = PbftStorage.open(dir)) {
      s.recover();
      s.persist(ready(List.of(new LogRecord.PrePrepared(prePrepare(1)), new LogRecord.PrePrepared(prePrepare(2)),
          new LogRecord.PrePrepared(prePrepare(3))), null));
    }
    byte[] bytes = Files.readAllBytes(dir.resolve("log"));
    int second = 8 + java.nio.ByteBuffer.wrap(bytes).getInt(0);
    java.nio.ByteBuffer.wrap(bytes).putInt(second, 1_000_000); // longer than the rest of the file
    Files.write(dir.resolve("log"), bytes);
    PbftStorage.CorruptException e = assertThrows(PbftStorage.CorruptException.class,
        () -> PbftStorage.open(dir).recover());
    assertTrue(e.getMessage().contains("byte offset " + second), e.getMessage());
    assertEquals(bytes.length, Files.size(dir.resolve("log")), "nothing was cut off");
  }
}
