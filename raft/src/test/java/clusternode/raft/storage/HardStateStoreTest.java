package clusternode.raft.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HardStateStoreTest {
  @TempDir Path dir;

  @Test
  void freshStoreHoldsTheInitialState() throws IOException {
    assertEquals(HardState.INITIAL, HardStateStore.open(dir, new FsyncStats()).current());
  }

  @Test
  void roundTripAcrossReopen() throws IOException {
    FsyncStats stats = new FsyncStats();
    HardStateStore store = HardStateStore.open(dir, stats);
    store.save(new HardState(3, null));
    store.save(new HardState(3, "node-2"));
    store.save(new HardState(5, "nöde-ü"));
    assertEquals(new HardState(5, "nöde-ü"), HardStateStore.open(dir, stats).current());
    long before = stats.syncCount();
    store.save(new HardState(5, "nöde-ü"));
    assertEquals(before, stats.syncCount(), "saving the same state writes nothing");
    store.save(new HardState(6, null));
    assertEquals(before + 2, stats.syncCount(), "file fsync + directory fsync");
    assertEquals(new HardState(6, null), HardStateStore.open(dir, stats).current());
  }

  @Test
  void refusesStatesRaftNeverWrites() throws IOException {
    HardStateStore store = HardStateStore.open(dir, new FsyncStats());
    store.save(new HardState(4, "a"));
    assertThrows(IllegalArgumentException.class, () -> store.save(new HardState(3, "a")));
    assertThrows(IllegalArgumentException.class, () -> store.save(new HardState(4, "b")));
    assertThrows(IllegalArgumentException.class, () -> store.save(new HardState(4, null)));
    assertEquals(new HardState(4, "a"), HardStateStore.open(dir, new FsyncStats()).current());
  }

  @Test
  void everyFlippedByteIsRefusedClearly() throws IOException {
    HardStateStore.open(dir, new FsyncStats()).save(new HardState(7, "node-1"));
    Path file = dir.resolve(HardStateStore.FILE_NAME);
    byte[] good = Files.readAllBytes(file);
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x10;
      Files.write(file, bad);
      StorageCorruptException e = assertThrows(StorageCorruptException.class,
          () -> HardStateStore.open(dir, new FsyncStats()), "flip at " + i);
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
    for (int length = 0; length < good.length; length++) {
      Files.write(file, Arrays.copyOf(good, length));
      assertThrows(StorageCorruptException.class,
          () -> HardStateStore.open(dir, new FsyncStats()), "truncated to " + length);
    }
  }

  /** A crash during save leaves the temp file; the old state stays and the temp file goes. */
  @Test
  void interruptedSaveKeepsTheOldState() throws IOException {
    HardStateStore.open(dir, new FsyncStats()).save(new HardState(2, "x"));
    byte[] before = Files.readAllBytes(dir.resolve(HardStateStore.FILE_NAME));
    Path temp = dir.resolve(HardStateStore.FILE_NAME + ".tmp");
    Files.write(temp, new byte[] {1, 2, 3});
    HardStateStore store = HardStateStore.open(dir, new FsyncStats());
    assertEquals(new HardState(2, "x"), store.current());
    assertTrue(Files.notExists(temp));
    store.save(new HardState(3, "y"));
    assertTrue(Files.notExists(temp));
    assertEquals(new HardState(3, "y"), HardStateStore.open(dir, new FsyncStats()).current());
    assertEquals(false, Arrays.equals(before,
        Files.readAllBytes(dir.resolve(HardStateStore.FILE_NAME))));
  }

  @Test
  void encodingIsStable() {
    byte[] bytes = HardStateStore.encode(new HardState(1, "n"));
    assertArrayEquals(new byte[] {'R', 'H', 'S', 'T', 0, 0, 0, 1}, Arrays.copyOf(bytes, 8));
    assertEquals(4 + 4 + 8 + 4 + 1 + 4, bytes.length);
  }
}
