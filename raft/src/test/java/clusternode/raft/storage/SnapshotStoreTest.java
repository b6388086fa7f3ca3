package clusternode.raft.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {
  @TempDir Path dir;

  private static Snapshot snapshot(long index, long term, int stateBytes, long seed) {
    Random random = new Random(seed);
    byte[] membership = new byte[10];
    byte[] state = new byte[stateBytes];
    random.nextBytes(membership);
    random.nextBytes(state);
    return new Snapshot(index, term, membership, state);
  }

  @Test
  void emptyStoreHasNoSnapshot() throws IOException {
    SnapshotStore store = SnapshotStore.open(dir, new FsyncStats());
    assertEquals(Optional.empty(), store.loadNewest());
    assertEquals(0, store.newestIndex());
  }

  @Test
  void roundTripAcrossReopen() throws IOException {
    Snapshot written = snapshot(100, 3, 5000, 1);
    SnapshotStore.open(dir, new FsyncStats()).save(written);
    SnapshotStore reopened = SnapshotStore.open(dir, new FsyncStats());
    assertEquals(Optional.of(written), reopened.loadNewest());
    assertEquals(100, reopened.newestIndex());
    Snapshot empty = new Snapshot(101, 3, new byte[0], new byte[0]);
    reopened.save(empty);
    assertEquals(Optional.of(empty), SnapshotStore.open(dir, new FsyncStats()).loadNewest());
  }

  @Test
  void keepsTheNewestTwo() throws IOException {
    SnapshotStore store = SnapshotStore.open(dir, new FsyncStats());
    for (long index = 10; index <= 50; index += 10) {
      store.save(snapshot(index, 1, 100, index));
    }
    assertEquals(2, snapshotFileCount());
    assertTrue(Files.exists(dir.resolve(SnapshotStore.fileName(40))));
    assertEquals(Optional.of(snapshot(50, 1, 100, 50)), store.loadNewest());
    assertThrows(IllegalArgumentException.class, () -> store.save(snapshot(49, 1, 10, 0)));
    store.save(snapshot(50, 1, 20, 51)); // same index replaces atomically
    assertEquals(Optional.of(snapshot(50, 1, 20, 51)), store.loadNewest());
  }

  @Test
  void everyFlippedByteIsRefused() throws IOException {
    SnapshotStore store = SnapshotStore.open(dir, new FsyncStats());
    store.save(snapshot(7, 2, 40, 2));
    Path file = dir.resolve(SnapshotStore.fileName(7));
    byte[] good = Files.readAllBytes(file);
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x01;
      Files.write(file, bad);
      StorageCorruptException e =
          assertThrows(StorageCorruptException.class, store::loadNewest, "flip at " + i);
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
    Files.write(file, Arrays.copyOf(good, good.length - 1));
    assertThrows(StorageCorruptException.class, store::loadNewest);
  }

  /** Documented choice: no silent fall-back to an older snapshot. */
  @Test
  void corruptNewestIsRefusedEvenWhenAnOlderOneIsValid() throws IOException {
    SnapshotStore store = SnapshotStore.open(dir, new FsyncStats());
    store.save(snapshot(10, 1, 100, 3));
    store.save(snapshot(20, 2, 100, 4));
    Path newest = dir.resolve(SnapshotStore.fileName(20));
    LogFixtures.flipByte(newest, 60, 0x04);
    StorageCorruptException e = assertThrows(StorageCorruptException.class, store::loadNewest);
    assertEquals(newest, e.file());
    assertTrue(e.getMessage().contains("refusing to fall back"), e.getMessage());
    assertTrue(e.getMessage().contains(SnapshotStore.fileName(10)), e.getMessage());
    // The operator's deliberate fall-back: move the corrupt file aside.
    Files.move(newest, dir.resolve("snap-20.corrupt"));
    assertEquals(Optional.of(snapshot(10, 1, 100, 3)), store.loadNewest());
  }

  /** A crash during save leaves only a temp file; the previous snapshot is still the newest. */
  @Test
  void interruptedSaveLeavesThePreviousSnapshot() throws IOException {
    SnapshotStore.open(dir, new FsyncStats()).save(snapshot(5, 1, 30, 5));
    Path temp = dir.resolve(SnapshotStore.fileName(9) + ".tmp");
    Files.write(temp, new byte[] {9, 9, 9});
    SnapshotStore store = SnapshotStore.open(dir, new FsyncStats());
    assertTrue(Files.notExists(temp));
    assertEquals(Optional.of(snapshot(5, 1, 30, 5)), store.loadNewest());
  }

  private long snapshotFileCount() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> SnapshotStore.indexOf(p.getFileName().toString()) >= 0).count();
    }
  }
}
