package clusternode.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where every record of an undamaged log directory lies, read from the length prefixes, so a fuzz
 * case can say which record its damage hits by comparing the damaged files with the originals.
 */
final class SegmentLayout {
  /** One record: its index and the bytes {@code [start, end)} it occupies in its segment. */
  record Span(long index, long start, long end) {}

  /** The first damaged byte: in which segment, at which offset, and the record holding it. */
  record Hit(Path file, boolean lastSegment, long offset, Optional<Span> record, long firstIndex) {
    boolean inHeader() {
      return record.isEmpty();
    }

    /** Index of the first record the damage can change (the segment's first for a header hit). */
    long firstDamagedIndex() {
      return record.map(Span::index).orElse(firstIndex);
    }
  }

  private final Map<String, List<Span>> spans = new LinkedHashMap<>();
  private final Map<String, byte[]> originals = new LinkedHashMap<>();

  private SegmentLayout() {}

  static SegmentLayout of(Path dir) throws IOException {
    SegmentLayout layout = new SegmentLayout();
    for (Path file : LogFixtures.segmentFiles(dir)) {
      byte[] data = Files.readAllBytes(file);
      String name = file.getFileName().toString();
      long index = SegmentFormat.parseFileName(name);
      List<Span> records = new ArrayList<>();
      ByteBuffer view = ByteBuffer.wrap(data);
      long position = SegmentFormat.HEADER_BYTES;
      while (position < data.length) {
        long end = position + SegmentFormat.RECORD_HEADER_BYTES + view.getInt((int) position);
        records.add(new Span(index++, position, end));
        position = end;
      }
      if (position != data.length) {
        throw new IllegalStateException(name + ": records do not end at the file end");
      }
      layout.spans.put(name, records);
      layout.originals.put(name, data);
    }
    return layout;
  }

  /** Total records in the undamaged directory. */
  long recordCount() {
    return spans.values().stream().mapToLong(List::size).sum();
  }

  /**
   * The first byte (in log order: segment by segment) where {@code damaged} differs from the
   * original, a shortened file counting as differing at its new length; empty when nothing differs.
   */
  Optional<Hit> firstDifference(Path damaged) throws IOException {
    List<String> names = new ArrayList<>(originals.keySet());
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      byte[] before = originals.get(name);
      Path file = damaged.resolve(name);
      long offset = firstDifferingByte(before, Files.exists(file) ? Files.readAllBytes(file) : new byte[0]);
      if (offset >= 0) {
        Optional<Span> record = spans.get(name).stream()
            .filter(s -> s.start() <= offset && offset < s.end()).findFirst();
        return Optional.of(new Hit(file, i == names.size() - 1, offset, record,
            SegmentFormat.parseFileName(name)));
      }
    }
    return Optional.empty();
  }

  private static long firstDifferingByte(byte[] before, byte[] after) {
    int common = Math.min(before.length, after.length);
    for (int i = 0; i < common; i++) {
      if (before[i] != after[i]) {
        return i;
      }
    }
    return before.length == after.length ? -1 : common;
  }
}
