package clusternode.raft.storage;

import static clusternode.raft.storage.LogFixtures.copyDir;
import static clusternode.raft.storage.LogFixtures.segmentFiles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import clusternode.raft.core.Entry;
import clusternode.raft.core.EntryType;
import clusternode.raft.core.Membership;
import clusternode.raft.core.RecoveredState;
import clusternode.raft.shell.RaftStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages a whole Raft data directory (hard state, snapshot, log segments) written by the real
 * storage code, and opens it the way the server does ({@link RaftStorage#open}, then
 * {@code recover()}). Damage: truncations, byte flips, a missing segment (first, middle or last), a
 * wrong magic, an emptied segment, a damaged or missing hard state or snapshot. Every case either
 * recovers exactly what was written up to the damage (hard state and snapshot exact, every entry
 * before the damaged segment present, no entry different from what was written) or refuses with a
 * {@link StorageCorruptException} whose one-line message names the file (and the offset when
 * there is one). For a cut or flip inside a segment the undamaged layout ({@link SegmentLayout}) names
 * the record hit: recovery must then serve exactly the entries before it, only a damaged newest
 * segment may recover at all, and a cut newest segment (a torn tail) must. Deterministic: case
 * {@code c} uses seed {@code SEED + c}.
 */
class RaftDirFuzzTest {
  private static final long SEED = 0xD15C_2026L;
  private static final int CASES = 300;
  private static final int ENTRY_COUNT = 160;
  private static final long SNAPSHOT_INDEX = 40;
  private static final LogOptions SMALL = LogOptions.defaults().withSegmentBytesMax(1024);
  private static final HardState HARD_STATE = new HardState(7, "n2");
  private static final byte[] SNAPSHOT_STATE = "state-at-40".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  @TempDir Path tmp;

  private record Written(List<StoredEntry> entries) {}

  @Test
  void damagedDataDirsRecoverWhatCameBeforeTheDamageOrRefuseClearly() throws IOException {
    Path base = tmp.resolve("base");
    Written written = writeDir(base);
    SegmentLayout layout = SegmentLayout.of(base.resolve("log"));
    int recovered = 0;
    int refused = 0;
    int[] kinds = new int[Damage.values().length];
    for (int c = 0; c < CASES; c++) {
      long seed = SEED + c;
      Path dir = tmp.resolve("case-" + c);
      copyTree(base, dir);
      Random random = new Random(seed);
      Damage kind = Damage.values()[random.nextInt(Damage.values().length)];
      kinds[kind.ordinal()]++;
      Damaged damaged = kind.apply(dir, random);
      // For cuts and flips inside segments the layout says exactly which record the damage hits.
      Optional<SegmentLayout.Hit> hit = kind.damagesRecordBytes() ? layout.firstDifference(dir.resolve("log"))
          : Optional.empty();
      String context = "case " + c + " (seed " + seed + "): " + damaged.what()
          + hit.map(h -> ", first damaged byte " + h.offset() + " of " + h.file().getFileName()
              + (h.inHeader() ? " (header)" : " (record " + h.firstDamagedIndex() + ")")).orElse("");
      try (RaftStorage storage = RaftStorage.open(dir, SMALL, new FsyncStats())) {
        RecoveredState state = storage.recover();
        long last = checkRecovered(state, written, damaged, context);
        if (hit.isPresent()) {
          assertTrue(hit.get().lastSegment() && !hit.get().inHeader(),
              context + ": recovered to " + last + " instead of refusing");
          assertEquals(hit.get().firstDamagedIndex() - 1, last, context + ": not exactly the records before the damage");
        }
        recovered++;
      } catch (StorageCorruptException e) {
        refused++;
        boolean tornTail = kind.cutsOnly() && hit.isPresent() && hit.get().lastSegment() && !hit.get().inHeader();
        assertTrue(!tornTail, context + ": a torn tail was refused: " + e.getMessage());
        String message = e.getMessage();
        assertTrue(e.file() != null && message.contains(e.file().getFileName().toString()), context + ": " + message);
        assertTrue(e.offset() == StorageCorruptException.WHOLE_FILE || message.contains("byte offset " + e.offset()),
            context + ": " + message);
        assertTrue(!message.contains("\n"), context + ": not one line: " + message);
      } catch (IOException | RuntimeException | AssertionError e) {
        fail(context + ": unexpected " + e, e);
      }
      deleteTree(dir);
    }
    System.out.printf("raft dir fuzz: %d cases, %d recovered, %d refused, per kind %s%n", CASES, recovered, refused,
        java.util.Arrays.toString(kinds));
    assertTrue(recovered > 20 && refused > 20, recovered + " recovered, " + refused + " refused");
  }

  /** Hard state and snapshot exact; entries a contiguous run of what was written, nothing before the damage lost. */
  private static long checkRecovered(RecoveredState state, Written written, Damaged damaged, String context) {
    assertEquals(HARD_STATE.currentTerm(), state.hardState().term(), context + ": term");
    assertEquals(HARD_STATE.votedFor(), state.hardState().votedFor(), context + ": votedFor");
    assertTrue(state.snapshot() != null, context + ": the snapshot vanished");
    assertEquals(SNAPSHOT_INDEX, state.snapshot().index(), context);
    assertArrayEquals(SNAPSHOT_STATE, state.snapshot().data(), context);
    List<Entry> entries = state.entries();
    long expectedNext = entries.isEmpty() ? SNAPSHOT_INDEX + 1 : entries.get(0).index();
    assertTrue(expectedNext <= SNAPSHOT_INDEX + 1, context + ": log starts at " + expectedNext);
    for (Entry e : entries) {
      assertEquals(expectedNext++, e.index(), context + ": not contiguous");
      StoredEntry w = written.entries().get((int) e.index() - 1);
      assertEquals(w.term(), e.term(), context + ": term of " + e.index());
      assertEquals(w.type(), (byte) e.type().ordinal(), context + ": type of " + e.index());
      assertArrayEquals(w.payload(), e.data(), context + ": payload of " + e.index());
    }
    long last = entries.isEmpty() ? SNAPSHOT_INDEX : entries.get(entries.size() - 1).index();
    assertTrue(last >= Math.min(ENTRY_COUNT, damaged.firstAffectedIndex() - 1),
        context + ": recovered up to " + last + " but the damage starts at entry " + damaged.firstAffectedIndex());
    return last;
  }

  /** The damage done and the first log index it can affect (beyond the log: nothing may be lost). */
  private record Damaged(String what, long firstAffectedIndex) {}

  private enum Damage {
    TRUNCATE_SEGMENT, FLIP_IN_SEGMENT, TRUNCATE_LAST_SEGMENT, FLIP_IN_LAST_SEGMENT, DELETE_SEGMENT, WRONG_MAGIC,
    EMPTY_SEGMENT, FLIP_HARD_STATE, TRUNCATE_HARD_STATE, FLIP_SNAPSHOT, TRUNCATE_SNAPSHOT, DELETE_SNAPSHOT;

    /** Cuts or flips bytes of a segment, so the damaged record can be found from the layout. */
    boolean damagesRecordBytes() {
      return this == TRUNCATE_SEGMENT || this == FLIP_IN_SEGMENT || this == TRUNCATE_LAST_SEGMENT
          || this == FLIP_IN_LAST_SEGMENT;
    }

    boolean cutsOnly() {
      return this == TRUNCATE_SEGMENT || this == TRUNCATE_LAST_SEGMENT;
    }

    Damaged apply(Path dir, Random random) throws IOException {
      List<Path> segments = segmentFiles(dir.resolve("log"));
      Path last = segments.get(segments.size() - 1);
      Path segment = segments.get(random.nextInt(segments.size()));
      Path hardState = dir.resolve(HardStateStore.FILE_NAME);
      Path snapshot;
      try (Stream<Path> files = Files.list(dir.resolve("snapshots"))) {
        snapshot = files.sorted(Comparator.reverseOrder()).findFirst().orElseThrow();
      }
      return switch (this) {
        case TRUNCATE_SEGMENT -> truncate(segment, random, true);
        case FLIP_IN_SEGMENT -> flip(segment, random, true);
        case TRUNCATE_LAST_SEGMENT -> truncate(last, random, true);
        case FLIP_IN_LAST_SEGMENT -> flip(last, random, true);
        case DELETE_SEGMENT -> {
          Files.delete(segment);
          yield new Damaged("delete " + segment.getFileName(), firstIndexOf(segment));
        }
        case WRONG_MAGIC -> {
          int at = random.nextInt(4);
          LogFixtures.flipByte(segment, at, 1 + random.nextInt(255));
          yield new Damaged("wrong magic in " + segment.getFileName() + " (byte " + at + ")", firstIndexOf(segment));
        }
        case EMPTY_SEGMENT -> {
          Files.write(segment, new byte[random.nextBoolean() ? 0 : 1 + random.nextInt(2048)]);
          yield new Damaged("zero-fill " + segment.getFileName(), firstIndexOf(segment));
        }
        case FLIP_HARD_STATE -> flip(hardState, random, false);
        case TRUNCATE_HARD_STATE -> truncate(hardState, random, false);
        case FLIP_SNAPSHOT -> flip(snapshot, random, false);
        case TRUNCATE_SNAPSHOT -> truncate(snapshot, random, false);
        case DELETE_SNAPSHOT -> {
          Files.delete(snapshot);
          yield new Damaged("delete " + snapshot.getFileName(), Long.MAX_VALUE);
        }
      };
    }

    private static Damaged truncate(Path file, Random random, boolean isSegment) throws IOException {
      long size = Files.size(file);
      long length = size == 0 ? 0 : random.nextInt((int) size);
      LogFixtures.truncate(file, length);
      return new Damaged("truncate " + file.getFileName() + " from " + size + " to " + length,
          isSegment ? firstIndexOf(file) : Long.MAX_VALUE);
    }

    private static Damaged flip(Path file, Random random, boolean isSegment) throws IOException {
      long size = Files.size(file);
      long offset = random.nextInt((int) size);
      LogFixtures.flipByte(file, offset, 1 + random.nextInt(255));
      return new Damaged("flip " + file.getFileName() + " at " + offset, isSegment ? firstIndexOf(file) : Long.MAX_VALUE);
    }

    private static long firstIndexOf(Path segment) {
      return SegmentFormat.parseFileName(segment.getFileName().toString());
    }
  }

  /** A data dir as a server leaves it: hard state, a snapshot at 40, the log compacted to it. */
  private static Written writeDir(Path dir) throws IOException {
    FsyncStats fsync = new FsyncStats();
    HardStateStore.open(dir, fsync).save(HARD_STATE);
    byte[] membership = Membership.ofVoters(List.of("n1", "n2", "n3")).encode();
    SnapshotStore.open(dir.resolve("snapshots"), fsync).save(new Snapshot(SNAPSHOT_INDEX, 3, membership, SNAPSHOT_STATE));
    Random random = new Random(SEED);
    List<StoredEntry> entries = new ArrayList<>();
    long term = 1;
    for (int i = 1; i <= ENTRY_COUNT; i++) {
      if (random.nextInt(12) == 0) {
        term = Math.min(7, term + 1);
      }
      byte[] payload = new byte[random.nextInt(60)];
      random.nextBytes(payload);
      entries.add(new StoredEntry(i, term, (byte) random.nextInt(EntryType.values().length), payload));
    }
    try (SegmentedLog log = SegmentedLog.open(dir.resolve("log"), SMALL)) {
      log.append(entries);
      log.sync();
      log.compactPrefix(SNAPSHOT_INDEX);
    }
    assertTrue(segmentFiles(dir.resolve("log")).size() >= 6, "several segments");
    return new Written(entries);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    copyDir(from, to);
    for (String sub : List.of("log", "snapshots")) {
      copyDir(from.resolve(sub), to.resolve(sub));
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
