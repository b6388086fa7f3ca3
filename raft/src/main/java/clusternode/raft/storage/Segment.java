package clusternode.raft.storage;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/** One open segment file and the in-memory index of its records: offset and term per index. */
final class Segment {
  final Path path;
  final long firstIndex;
  final FileChannel channel;
  private long[] offsets;
  private long[] terms;
  private int count;
  /** File length once every buffered record is written. */
  long endOffset;
  /** Bytes actually handed to the OS; the rest sits in the log's write buffer. */
  long writtenOffset;

  Segment(Path path, long firstIndex, FileChannel channel, long[] offsets, long[] terms, int count,
      long endOffset) {
    this.path = path;
    this.firstIndex = firstIndex;
    this.channel = channel;
    this.offsets = offsets;
    this.terms = terms;
    this.count = count;
    this.endOffset = endOffset;
    this.writtenOffset = endOffset;
  }

  static Segment empty(Path path, long firstIndex, FileChannel channel) {
    return new Segment(path, firstIndex, channel, new long[64], new long[64], 0,
        SegmentFormat.HEADER_BYTES);
  }

  int count() {
    return count;
  }

  long lastIndex() {
    return firstIndex + count - 1;
  }

  boolean contains(long index) {
    return index >= firstIndex && index <= lastIndex();
  }

  void add(long offset, long term) {
    if (offset != endOffset) {
      throw new IllegalStateException(
          "record offset " + offset + " is not the segment end " + endOffset + " in " + path);
    }
    if (count == offsets.length) {
      offsets = Arrays.copyOf(offsets, count * 2);
      terms = Arrays.copyOf(terms, count * 2);
    }
    offsets[count] = offset;
    terms[count] = term;
    count++;
  }

  long offsetOf(long index) {
    return offsets[slot(index)];
  }

  long termOf(long index) {
    return terms[slot(index)];
  }

  /** Offset just past the record holding {@code index}. */
  long endOf(long index) {
    int slot = slot(index);
    return slot + 1 < count ? offsets[slot + 1] : endOffset;
  }

  /** Forgets the records from slot {@code keep} on; the file must already be truncated. */
  void truncate(int keep) {
    if (keep < 0 || keep > count) {
      throw new IllegalStateException("cannot keep " + keep + " of " + count + " records");
    }
    endOffset = keep < count ? offsets[keep] : endOffset;
    writtenOffset = endOffset;
    count = keep;
  }

  private int slot(long index) {
    if (!contains(index)) {
      throw new IllegalStateException(
          "index " + index + " is not in segment " + path.getFileName() + " [" + firstIndex + ", "
              + lastIndex() + "]");
    }
    return (int) (index - firstIndex);
  }
}
