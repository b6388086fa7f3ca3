package clusternode.raft.storage;

import static clusternode.raft.storage.LogFixtures.SMALL;
import static clusternode.raft.storage.LogFixtures.copyDir;
import static clusternode.raft.storage.LogFixtures.risingTerms;
import static clusternode.raft.storage.LogFixtures.segmentFiles;
import static clusternode.raft.storage.LogFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages a real log directory in seeded random ways and works out, from the undamaged segments'
 * record layout, which record the damage hits first. Every case must then either recover exactly the
 * records before that one (never fewer, never a changed value) or refuse with a
 * {@link StorageCorruptException} naming the damaged file and the offset of the damaged record.
 * A truncated newest segment is a torn tail and must recover; damage to an older segment or to a
 * segment header must refuse.
 */
class RecoveryFuzzTest {
  private static final long SEED = 0x5EED_2026L;
  private static final int CASES = 400;
  private static final int ENTRY_COUNT = 150;

  @TempDir Path tmp;

  /** What a case did, and whether it only cut bytes off (a torn write) rather than changing some. */
  private record Damage(String what, boolean truncationOnly) {}

  @Test
  void damagedLogsRecoverExactlyTheRecordsBeforeTheDamageOrRefuseClearly() throws IOException {
    Path base = tmp.resolve("base");
    List<StoredEntry> written = risingTerms(ENTRY_COUNT, 60, SEED);
    writeLog(base, SMALL, written);
    assertTrue(segmentFiles(base).size() >= 8);
    SegmentLayout layout = SegmentLayout.of(base);
    assertEquals(ENTRY_COUNT, layout.recordCount(), "the layout parse sees every record");
    int recovered = 0;
    int refused = 0;
    int shortened = 0;
    for (int c = 0; c < CASES; c++) {
      long seed = SEED + c;
      Path dir = tmp.resolve("case-" + c);
      copyDir(base, dir);
      Damage damage = damage(dir, new Random(seed));
      Optional<SegmentLayout.Hit> hit = layout.firstDifference(dir);
      String context = "case " + c + " (seed " + seed + "): " + damage.what()
          + hit.map(h -> ", first damaged byte " + h.offset() + " of " + h.file().getFileName()
              + (h.inHeader() ? " (header)" : " (record " + h.firstDamagedIndex() + ")")).orElse(", no change");
      // Only a newest segment whose records are cut or changed can recover, and then to just before them.
      boolean mayRecover = hit.isEmpty() || (hit.get().lastSegment() && !hit.get().inHeader());
      boolean mustRecover = hit.isEmpty() || (mayRecover && damage.truncationOnly());
      long expectedLast = hit.map(h -> h.firstDamagedIndex() - 1).orElse((long) ENTRY_COUNT);
      try {
        long last = checkRecoveredPrefix(dir, written, context);
        assertTrue(mayRecover, context + ": recovered to " + last + " instead of refusing");
        assertEquals(expectedLast, last, context + ": recovered to the wrong index");
        recovered++;
        if (last < ENTRY_COUNT) {
          shortened++;
        }
      } catch (StorageCorruptException e) {
        refused++;
        assertTrue(!mustRecover, context + ": a torn tail (or no damage) was refused: " + e.getMessage());
        checkRefusal(e, hit.orElseThrow(), context);
      } catch (IOException | RuntimeException | AssertionError e) {
        fail(context + ": unexpected " + e, e);
      }
      deleteDir(dir);
    }
    System.out.printf("log recovery fuzz: %d cases, %d recovered (%d shortened), %d refused%n",
        CASES, recovered, shortened, refused);
    // The mix of damage kinds must exercise both outcomes, including real torn tails.
    assertTrue(recovered > 20 && refused > 20 && shortened > 10,
        "recovered " + recovered + ", refused " + refused + ", shortened " + shortened);
  }

  /**
   * One line naming the damaged file and the offset of the record the damage hit (or a header
   * field), or, for an older segment cut at a record boundary, the next segment's gap naming it.
   */
  private static void checkRefusal(StorageCorruptException e, SegmentLayout.Hit hit, String context) {
    String message = e.getMessage();
    assertTrue(e.file() != null && message.contains(e.file().getFileName().toString()),
        context + ": message does not name the file: " + message);
    assertTrue(e.offset() >= 0 && message.contains("byte offset " + e.offset()),
        context + ": message does not name the offset: " + message);
    assertTrue(!message.contains("\n"), context + ": message is not one line: " + message);
    String damagedName = hit.file().getFileName().toString();
    if (e.file().getFileName().toString().equals(damagedName)) {
      long expectedOffset = hit.record().map(SegmentLayout.Span::start).orElse(-1L);
      if (hit.inHeader()) {
        assertTrue(e.offset() < SegmentFormat.HEADER_BYTES, context + ": header damage refused at " + message);
      } else {
        assertEquals(expectedOffset, e.offset(), context + ": refused at the wrong offset: " + message);
      }
    } else {
      boolean cutAtBoundary = hit.record().map(r -> r.start() == hit.offset()).orElse(false);
      assertTrue(cutAtBoundary && !hit.lastSegment() && message.contains(damagedName),
          context + ": refusal names another file without naming the damaged one: " + message);
    }
  }

  /** Opens, checks the served entries against what was written, appends, reopens. */
  private static long checkRecoveredPrefix(Path dir, List<StoredEntry> written, String context)
      throws IOException {
    long last;
    long nextTerm = written.get(ENTRY_COUNT - 1).term() + 1;
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertEquals(1, log.firstIndex(), context);
      last = log.lastIndex();
      assertTrue(last >= 0 && last <= ENTRY_COUNT, context + ": lastIndex " + last);
      List<StoredEntry> served = log.entries(1, last + 1);
      assertEquals(written.subList(0, (int) last), served, context);
      for (long i = 1; i <= last; i++) {
        assertEquals(written.get((int) i - 1).term(), log.termAt(i), context);
      }
      log.append(List.of(new StoredEntry(last + 1, nextTerm, (byte) 1, new byte[] {42})));
      log.sync();
    }
    try (SegmentedLog log = SegmentedLog.open(dir, SMALL)) {
      assertEquals(last + 1, log.lastIndex(), context);
      assertEquals(written.subList(0, (int) last), log.entries(1, last + 1), context);
      assertEquals(nextTerm, log.entry(last + 1).term(), context);
    }
    return last;
  }

  /** Applies one random kind of damage and describes it. */
  private static Damage damage(Path dir, Random random) throws IOException {
    List<Path> files = segmentFiles(dir);
    Path last = files.get(files.size() - 1);
    int kind = random.nextInt(6);
    return switch (kind) {
      case 0 -> new Damage(truncateRandomly(pick(files, random), random), true);
      case 1 -> new Damage(flipRandomly(pick(files, random), random, 1 + random.nextInt(3)), false);
      case 2, 3 -> new Damage(truncateRandomly(last, random), true);
      case 4 -> new Damage(flipRandomly(last, random, 1), false);
      default -> new Damage(truncateRandomly(last, random) + " then " + flipRandomly(last, random, 1), false);
    };
  }

  private static String truncateRandomly(Path file, Random random) throws IOException {
    long size = Files.size(file);
    long length = size == 0 ? 0 : random.nextInt((int) size);
    LogFixtures.truncate(file, length);
    return "truncate " + file.getFileName() + " from " + size + " to " + length;
  }

  private static String flipRandomly(Path file, Random random, int count) throws IOException {
    long size = Files.size(file);
    if (size == 0) {
      return "nothing to flip in empty " + file.getFileName();
    }
    StringBuilder what = new StringBuilder("flip in " + file.getFileName() + " at");
    for (int i = 0; i < count; i++) {
      long offset = random.nextInt((int) size);
      LogFixtures.flipByte(file, offset, 1 + random.nextInt(255));
      what.append(' ').append(offset);
    }
    return what.toString();
  }

  private static Path pick(List<Path> files, Random random) {
    return files.get(random.nextInt(files.size()));
  }

  private static void deleteDir(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(dir);
  }
}
