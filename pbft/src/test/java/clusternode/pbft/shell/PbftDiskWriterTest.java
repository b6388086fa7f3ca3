package clusternode.pbft.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.pbft.core.LogRecord;
import clusternode.pbft.core.Outbound;
import clusternode.pbft.core.PbftMessage;
import clusternode.pbft.core.PbftRules;
import clusternode.pbft.core.Ready;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PBFT's rule on the disk thread: a message leaves only once the records logged before it are on disk, in order. */
class PbftDiskWriterTest {
  @TempDir
  Path dir;

  private static PbftMessage.Prepare prepare(long seq) {
    return new PbftMessage.Prepare("n2", 0, seq, "d" + seq, new byte[] {1});
  }

  private static LogRecord.PrePrepared record(long seq) {
    PbftMessage.Request r = new PbftMessage.Request("n1/0", seq, false, new byte[] {1}, new byte[] {9});
    return new LogRecord.PrePrepared(new PbftMessage.PrePrepare("n1", 0, seq,
        PbftRules.batchDigest(List.of(r)), List.of(r), 0, new byte[] {7}));
  }

  @Test
  void everyMessageLeavesAfterItsRecordsAreOnDiskAndInOrder() throws Exception {
    int readies = 200;
    List<String> problems = new CopyOnWriteArrayList<>();
    List<Long> sent = Collections.synchronizedList(new ArrayList<>());
    List<PbftDiskWriter.Persisted> commits = new CopyOnWriteArrayList<>();
    CountDownLatch allSent = new CountDownLatch(readies);
    try (PbftStorage storage = PbftStorage.open(dir.resolve("replica"))) {
      storage.recover();
      PbftDiskWriter disk = new PbftDiskWriter("test-disk", storage, messages -> {
        for (Outbound o : messages) {
          long seq = ((PbftMessage.Prepare) o.message()).seq();
          // What another process would find on disk now must already hold this message's record.
          try (PbftStorage reader = PbftStorage.open(dir.resolve("replica"))) {
            boolean durable = reader.recover().records().stream().anyMatch(r -> r.seq() == seq);
            if (!durable) {
              problems.add("prepare " + seq + " sent before its pre-prepare was on disk");
            }
          } catch (Exception e) {
            problems.add(e.toString());
          }
          sent.add(seq);
          allSent.countDown();
        }
      }, commits::add, e -> problems.add(e.toString()));
      try {
        for (long seq = 1; seq <= readies; seq++) {
          disk.submit(new Ready(List.of(new Outbound("n3", prepare(seq))), List.of(record(seq)), null, List.of(),
              List.of()));
        }
        assertTrue(allSent.await(60, TimeUnit.SECONDS), "every message sent within 60 s");
        // The report of a group commit follows its sends: wait for the last one.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (commits.stream().mapToInt(PbftDiskWriter.Persisted::records).sum() < readies
            && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
      } finally {
        disk.close();
      }
    }
    assertEquals(List.of(), problems);
    List<Long> inOrder = new ArrayList<>();
    for (long seq = 1; seq <= readies; seq++) {
      inOrder.add(seq);
    }
    assertEquals(inOrder, sent, "messages leave in the order the core made them");
    assertEquals(readies, commits.stream().mapToInt(PbftDiskWriter.Persisted::records).sum());
    assertTrue(commits.size() < readies, "queued Readys share fsyncs (group commit): " + commits.size() + " commits");
  }
}
