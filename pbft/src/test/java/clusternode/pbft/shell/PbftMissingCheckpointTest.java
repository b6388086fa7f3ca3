package clusternode.pbft.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.pbft.core.Canon;
import clusternode.pbft.core.LogRecord;
import clusternode.pbft.core.Ready;
import clusternode.pbft.core.Recovered;
import clusternode.pbft.core.StableCheckpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compacted log no longer holds what its checkpoint covers: with that checkpoint file deleted,
 * or an older copy put back, the directory must not load as a fresh or older replica.
 */
class PbftMissingCheckpointTest {
  @TempDir
  Path dir;

  private static StableCheckpoint checkpoint(long seq) {
    byte[] state = ("state-at-" + seq).getBytes(StandardCharsets.UTF_8);
    return new StableCheckpoint(seq, Canon.sha256(state), state, List.of());
  }

  private static Ready ready(List<LogRecord> records, StableCheckpoint checkpoint) {
    return new Ready(List.of(), records, checkpoint, List.of(), List.of());
  }

  /** A replica dir with a checkpoint at each of {@code seqs}, in order; records in between. */
  private void write(Path at, long... seqs) throws IOException {
    try (PbftStorage s = PbftStorage.open(at)) {
      s.recover();
      s.persist(ready(List.of(new LogRecord.ViewEntered(0, true)), null));
      for (long seq : seqs) {
        s.persist(ready(List.of(new LogRecord.Committed(0, seq - 1, "d" + (seq - 1))), null));
        s.persist(ready(List.of(), checkpoint(seq)));
      }
      s.persist(ready(List.of(new LogRecord.Committed(0, seqs[seqs.length - 1] + 1, "after")), null));
    }
  }

  private PbftStorage.CorruptException refusal() throws IOException {
    byte[] log = Files.readAllBytes(dir.resolve("log"));
    PbftStorage.CorruptException e = assertThrows(PbftStorage.CorruptException.class,
        () -> PbftStorage.open(dir).recover());
    assertArrayEquals(log, Files.readAllBytes(dir.resolve("log")), "refusing changes nothing");
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    assertTrue(e.getMessage().contains(dir.resolve("checkpoint").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("move the node's data directory aside"), e.getMessage());
    return e;
  }

  @Test
  void aDeletedCheckpointRefusesToStart() throws IOException {
    write(dir, 8);
    Files.delete(dir.resolve("checkpoint"));
    PbftStorage.CorruptException e = refusal();
    assertTrue(e.getMessage().contains("is missing") && e.getMessage().contains("seq 8"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("checkpoint")), "no checkpoint file was made up");
  }

  @Test
  void anOlderCheckpointPutBackRefusesToStart() throws IOException {
    Path older = dir.resolveSibling(dir.getFileName() + "-older");
    write(older, 8);
    write(dir, 8, 16);
    Files.copy(older.resolve("checkpoint"), dir.resolve("checkpoint"), StandardCopyOption.REPLACE_EXISTING);
    PbftStorage.CorruptException e = refusal();
    assertTrue(e.getMessage().contains("holds seq 8") && e.getMessage().contains("continues from seq 16"),
        e.getMessage());
  }

  @Test
  void aDifferentCheckpointAtTheSameSeqRefusesToStart() throws IOException {
    write(dir, 8);
    byte[] other = "another-state".getBytes(StandardCharsets.UTF_8);
    Path elsewhere = dir.resolveSibling(dir.getFileName() + "-other");
    try (PbftStorage s = PbftStorage.open(elsewhere)) {
      s.recover();
      s.persist(ready(List.of(), new StableCheckpoint(8, Canon.sha256(other), other, List.of())));
    }
    Files.copy(elsewhere.resolve("checkpoint"), dir.resolve("checkpoint"), StandardCopyOption.REPLACE_EXISTING);
    assertTrue(refusal().getMessage().contains("holds seq 8"));
  }

  @Test
  void aCheckpointNewerThanTheLogsBaseIsACrashBetweenTheTwoWritesAndRecovers() throws IOException {
    // The checkpoint is renamed into place before the log is compacted onto it.
    Path newer = dir.resolveSibling(dir.getFileName() + "-newer");
    write(newer, 8, 16);
    write(dir, 8);
    Files.copy(newer.resolve("checkpoint"), dir.resolve("checkpoint"), StandardCopyOption.REPLACE_EXISTING);
    try (PbftStorage s = PbftStorage.open(dir)) {
      Recovered r = s.recover();
      assertEquals(16, r.checkpoint().seq());
      assertTrue(r.records().stream().allMatch(x -> x instanceof LogRecord.ViewEntered || x.seq() > 16), r.records()
          .toString());
    }
  }

  @Test
  void aLogThatWasNeverCompactedNeedsNoCheckpoint() throws IOException {
    try (PbftStorage s = PbftStorage.open(dir)) {
      s.recover();
      s.persist(ready(List.of(new LogRecord.Committed(0, 1, "d1")), null));
    }
    try (PbftStorage s = PbftStorage.open(dir)) {
      assertEquals(1, s.recover().records().size());
    }
  }
}
