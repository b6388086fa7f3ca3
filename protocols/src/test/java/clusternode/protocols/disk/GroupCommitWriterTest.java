package clusternode.protocols.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The shared disk thread: one commit per group of queued units, in order; a full queue waits; a failure is loud. */
class GroupCommitWriterTest {
  private static final long WAIT_S = 30;

  @Test
  void unitsQueuedDuringACommitShareTheNextOneInOrder() throws Exception {
    List<List<Integer>> commits = new CopyOnWriteArrayList<>();
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch allDone = new CountDownLatch(101);
    try (GroupCommitWriter<Integer> w = new GroupCommitWriter<>("test-disk", batch -> {
      firstStarted.countDown();
      assertTrue(release.await(WAIT_S, TimeUnit.SECONDS));
      commits.add(List.copyOf(batch));
      batch.forEach(u -> allDone.countDown());
    }, e -> { })) {
      w.submit(0);
      assertTrue(firstStarted.await(WAIT_S, TimeUnit.SECONDS));
      for (int i = 1; i <= 100; i++) {
        w.submit(i); // queued while the first commit (the "fsync") is in progress
      }
      release.countDown();
      assertTrue(allDone.await(WAIT_S, TimeUnit.SECONDS), "every unit committed");
    }
    List<Integer> flat = new ArrayList<>();
    commits.forEach(flat::addAll);
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i <= 100; i++) {
      expected.add(i);
    }
    assertEquals(expected, flat, "in submission order, each once");
    assertEquals(List.of(0), commits.get(0));
    assertEquals(2, commits.size(), "the 100 units queued during one commit share the next: " + commits.size());
  }

  @Test
  void aFullQueueBlocksSubmitUntilTheDiskCatchesUpAndDropsNothing() throws Exception {
    CountDownLatch stalled = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> written = new CopyOnWriteArrayList<>();
    try (GroupCommitWriter<Integer> w = new GroupCommitWriter<>("test-disk", 2, batch -> {
      stalled.countDown();
      assertTrue(release.await(WAIT_S, TimeUnit.SECONDS));
      written.addAll(batch);
    }, e -> { })) {
      w.submit(1);
      assertTrue(stalled.await(WAIT_S, TimeUnit.SECONDS)); // the thread holds [1] in a stalled "fsync"
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
      w.submit(2);
      w.submit(3); // the queue (capacity 2) is now full
      CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
        w.submit(4);
        w.submit(5);
      });
      Thread.sleep(300); // a negative check: submit must still be waiting after this long
      assertFalse(blocked.isDone(), "submit waits while the queue is full");
      release.countDown();
      blocked.get(WAIT_S, TimeUnit.SECONDS);
      while (written.size() < 5 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
    }
    assertEquals(List.of(1, 2, 3, 4, 5), written);
  }

  @Test
  void afterAFailureTheActorHearsOfItAndSubmitRefuses() throws Exception {
    AtomicReference<Exception> reported = new AtomicReference<>();
    CountDownLatch failed = new CountDownLatch(1);
    try (GroupCommitWriter<Integer> w = new GroupCommitWriter<>("test-disk", batch -> {
      throw new IOException("disk full");
    }, e -> {
      reported.set(e);
      failed.countDown();
    })) {
      w.submit(1);
      assertTrue(failed.await(WAIT_S, TimeUnit.SECONDS));
      assertEquals("disk full", reported.get().getMessage());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.submit(2));
      assertTrue(e.getMessage().contains("test-disk has stopped") && e.getMessage().contains("disk full"),
          e.getMessage());
    }
  }
}
