package clusternode.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Raft log on disk: segment files {@code log-<firstIndex>.seg} in one directory, each record
 * framed with a length and a CRC32C (format in {@link SegmentFormat}).
 *
 * <p><b>Durability.</b> {@link #append} only hands records to the OS; {@link #sync} makes
 * everything appended so far durable with one fsync (group commit) and advances
 * {@link #lastDurableIndex()}. A segment is fsynced before the next one is created, so only the
 * last segment can end in a torn write. {@link #truncateSuffix} and {@link #compactPrefix} are
 * durable when they return.
 *
 * <p><b>Recovery.</b> {@link #open} verifies every record. Records at the end of the last segment
 * that are incomplete or fail their CRC, with no verifiable record after them, are a torn write and
 * are cut off ({@link #recoveryReport()}). Any other problem is a {@link StorageCorruptException}.
 * A missing <em>first</em> or <em>last</em> segment cannot be told from compaction or truncation
 * here; the caller checks the log against its snapshot.
 *
 * <p><b>Logical first index.</b> {@link #compactPrefix} deletes whole segments only, so entries up
 * to the snapshot may stay on disk. After {@link #open}, call {@code compactPrefix(snapshot
 * lastIncludedIndex)} again (it is idempotent) to restore the logical first index.
 *
 * <p><b>Failure.</b> After any I/O error or detected corruption the log refuses every further call
 * with {@link IllegalStateException}: after a failed fsync the state of the file is unknown. The
 * node must restart and recover.
 *
 * <p>Not thread-safe: one owner (the Raft actor) calls it.
 */
public final class SegmentedLog implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(SegmentedLog.class.getName());

  private final Path dir;
  private final LogOptions options;
  private final FsyncStats fsyncStats;
  /** Sorted by first index and contiguous; the last one is the one appended to. */
  private final List<Segment> segments;

  private final RecoveryReport recoveryReport;
  private final ByteBuffer writeBuffer;
  private long firstIndex;
  private long lastIndex;
  /** Term of the physically last record, or -1 when the log holds no record. */
  private long lastTerm;

  private long lastDurableIndex;
  private Throwable failure;
  private boolean closed;

  private SegmentedLog(Path dir, LogOptions options, List<Segment> segments, long lastTerm,
      RecoveryReport recoveryReport) {
    this.dir = dir;
    this.options = options;
    this.fsyncStats = options.fsyncStats();
    this.segments = segments;
    this.recoveryReport = recoveryReport;
    this.writeBuffer = ByteBuffer.allocate(options.writeBufferBytes());
    this.firstIndex = segments.isEmpty() ? 1 : segments.get(0).firstIndex;
    this.lastIndex = segments.isEmpty() ? 0 : last().lastIndex();
    this.lastTerm = lastTerm;
    this.lastDurableIndex = lastIndex;
  }

  /**
   * Opens (creating if needed) the log in {@code dir}, verifying every record and cutting off a
   * torn tail. What it returns is durable: the last segment is fsynced before returning.
   *
   * @throws StorageCorruptException if the log is damaged other than by a torn last write
   */
  public static SegmentedLog open(Path dir, LogOptions options) throws IOException {
    Objects.requireNonNull(options, "options");
    Files.createDirectories(dir);
    FsyncStats stats = options.fsyncStats();
    List<Path> tempFiles = DurableFiles.deleteMatching(dir,
        n -> SegmentFormat.isTempFileName(n) || n.equals(NewestSegmentMark.FILE_NAME + ".tmp"), stats);
    List<String> names = DurableFiles.list(dir, n -> SegmentFormat.parseFileName(n) >= 0);
    names.sort((a, b) -> Long.compare(
        SegmentFormat.parseFileName(a), SegmentFormat.parseFileName(b)));

    List<Segment> segments = new ArrayList<>();
    Optional<RecoveryReport.TornTail> tornTail = Optional.empty();
    long lastTerm = -1;
    try {
      Path previous = null;
      long previousLastIndex = 0;
      for (int i = 0; i < names.size(); i++) {
        Path path = dir.resolve(names.get(i));
        boolean lastSegment = i == names.size() - 1;
        byte[] data = DurableFiles.readAll(path, Integer.MAX_VALUE - 64);
        SegmentFormat.Scan scan = SegmentFormat.scan(path, data,
            SegmentFormat.parseFileName(names.get(i)), previous, previousLastIndex, lastTerm,
            lastSegment);
        FileChannel channel =
            FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        segments.add(new Segment(path, scan.firstIndex, channel, scan.offsets, scan.terms,
            scan.count, scan.endOffset));
        if (scan.tornReason != null) {
          long dropped = data.length - scan.endOffset;
          channel.truncate(scan.endOffset);
          tornTail = Optional.of(
              new RecoveryReport.TornTail(path, scan.endOffset, dropped, scan.tornReason));
          LOG.log(System.Logger.Level.WARNING,
              "raft log: cut torn tail of {0} at byte offset {1} ({2} bytes): {3}",
              path, scan.endOffset, dropped, scan.tornReason);
        }
        if (scan.count > 0) {
          lastTerm = scan.terms[scan.count - 1];
        }
        previous = path;
        previousLastIndex = scan.lastIndex();
      }
      if (!segments.isEmpty()) {
        DurableFiles.fsync(segments.get(segments.size() - 1).channel, false, stats);
        DurableFiles.fsyncDirectory(dir, stats);
      }
      NewestSegmentMark.check(dir, NewestSegmentMark.read(dir),
          segments.isEmpty() ? 0 : segments.get(segments.size() - 1).firstIndex);
    } catch (IOException | RuntimeException e) {
      closeQuietly(segments, e);
      throw e;
    }
    long first = segments.isEmpty() ? 1 : segments.get(0).firstIndex;
    long last = segments.isEmpty() ? 0 : segments.get(segments.size() - 1).lastIndex();
    RecoveryReport report = new RecoveryReport(segments.size(), first, last, tornTail, tempFiles);
    return new SegmentedLog(dir, options, segments, lastTerm, report);
  }

  /** What {@link #open} found and repaired. */
  public RecoveryReport recoveryReport() {
    return recoveryReport;
  }

  /** First index served; entries before it are compacted. */
  public long firstIndex() {
    checkUsable();
    return firstIndex;
  }

  /** Last index appended ({@code firstIndex() - 1} when empty), durable or not. */
  public long lastIndex() {
    checkUsable();
    return lastIndex;
  }

  /** Every entry up to here is on disk (fsynced). */
  public long lastDurableIndex() {
    checkUsable();
    return lastDurableIndex;
  }

  /** Term of entry {@code index}, from memory. */
  public long termAt(long index) {
    checkUsable();
    checkServed(index);
    return segmentOf(index).termOf(index);
  }

  /** Entry {@code index}, read from disk and verified. */
  public StoredEntry entry(long index) throws IOException {
    return entries(index, index + 1, Long.MAX_VALUE).get(0);
  }

  /** Entries {@code [from, toExclusive)}, read from disk and verified. */
  public List<StoredEntry> entries(long from, long toExclusive) throws IOException {
    return entries(from, toExclusive, Long.MAX_VALUE);
  }

  /**
   * Entries from {@code from} up to {@code toExclusive}, stopping before the record that would take
   * the encoded size past {@code bytesMax}; at least one entry when {@code from < toExclusive}.
   */
  public List<StoredEntry> entries(long from, long toExclusive, long bytesMax) throws IOException {
    checkUsable();
    if (from < firstIndex || from > toExclusive || toExclusive > lastIndex + 1) {
      throw new IllegalArgumentException("cannot read [" + from + ", " + toExclusive
          + ") from a log holding [" + firstIndex + ", " + lastIndex + "]");
    }
    if (bytesMax < 1) {
      throw new IllegalArgumentException("bytesMax must be positive, got " + bytesMax);
    }
    List<StoredEntry> result = new ArrayList<>();
    long bytes = 0;
    long next = from;
    try {
      while (next < toExclusive) {
        Segment segment = segmentOf(next);
        long end = Math.min(toExclusive, segment.lastIndex() + 1);
        long stop = next;
        while (stop < end) {
          long size = segment.endOf(stop) - segment.offsetOf(stop);
          if (!result.isEmpty() || stop > next) {
            if (bytes + size > bytesMax) {
              break;
            }
          }
          bytes += size;
          stop++;
        }
        if (stop == next) {
          break;
        }
        readRange(segment, next, stop, result);
        next = stop;
        if (stop < end) {
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      fail(e);
      throw e;
    }
    return result;
  }

  /**
   * Appends entries after {@link #lastIndex()}: indexes must continue it and terms must not
   * decrease. Not durable until {@link #sync}. Rolls to a new segment (fsyncing the full one) when
   * the current one would pass {@link LogOptions#segmentBytesMax()}.
   */
  public void append(List<StoredEntry> entries) throws IOException {
    checkUsable();
    checkAppendable(entries);
    try {
      for (StoredEntry entry : entries) {
        appendOne(entry);
      }
      flushWriteBuffer();
    } catch (IOException | RuntimeException e) {
      fail(e);
      throw e;
    }
  }

  /**
   * One fsync covering everything appended since the last sync (group commit); no fsync when
   * nothing is pending.
   *
   * @return {@link #lastDurableIndex()}, now equal to {@link #lastIndex()}
   */
  public long sync() throws IOException {
    checkUsable();
    if (lastDurableIndex < lastIndex) {
      try {
        checkBufferEmpty();
        DurableFiles.fsync(last().channel, false, fsyncStats);
      } catch (IOException | RuntimeException e) {
        fail(e);
        throw e;
      }
      lastDurableIndex = lastIndex;
    }
    return lastDurableIndex;
  }

  /**
   * Drops entries {@code >= fromIndex} (a Raft log conflict). Durable on return: later segments are
   * deleted newest first, then the segment holding {@code fromIndex} is truncated and fsynced.
   */
  public void truncateSuffix(long fromIndex) throws IOException {
    checkUsable();
    if (fromIndex < firstIndex || fromIndex > lastIndex + 1) {
      throw new IllegalArgumentException("cannot truncate from " + fromIndex
          + " in a log holding [" + firstIndex + ", " + lastIndex + "]");
    }
    if (fromIndex == lastIndex + 1) {
      return;
    }
    try {
      checkBufferEmpty();
      int keep = segments.size();
      while (keep > 1 && segments.get(keep - 1).firstIndex >= fromIndex) {
        keep--;
      }
      if (keep < segments.size()) { // lowered first: the mark must never name a deleted segment
        NewestSegmentMark.write(dir, segments.get(keep - 1).firstIndex, fsyncStats);
      }
      while (segments.size() > keep) {
        deleteSegment(segments.remove(segments.size() - 1));
      }
      Segment active = last();
      int kept = (int) (fromIndex - active.firstIndex);
      long newEnd = kept < active.count() ? active.offsetOf(fromIndex) : active.endOffset;
      active.channel.truncate(newEnd);
      DurableFiles.fsync(active.channel, false, fsyncStats);
      active.truncate(kept);
      lastIndex = fromIndex - 1;
      lastTerm = physicalTermOrUnknown(lastIndex);
      lastDurableIndex = lastIndex;
    } catch (IOException | RuntimeException e) {
      fail(e);
      throw e;
    }
  }

  /**
   * Forgets entries {@code <= uptoIndex} after a snapshot covering them. Whole segments are deleted
   * (oldest first); {@link #firstIndex()} becomes {@code uptoIndex + 1}. When {@code uptoIndex >=
   * lastIndex()} (a snapshot installed from the leader) the log is emptied and restarts at {@code
   * uptoIndex + 1}. Idempotent; durable on return.
   */
  public void compactPrefix(long uptoIndex) throws IOException {
    checkUsable();
    if (uptoIndex < firstIndex) {
      return;
    }
    try {
      checkBufferEmpty();
      if (uptoIndex >= lastIndex) {
        restartAt(uptoIndex + 1);
        return;
      }
      firstIndex = uptoIndex + 1;
      while (segments.size() > 1 && segments.get(0).lastIndex() <= uptoIndex) {
        deleteSegment(segments.remove(0));
      }
    } catch (IOException | RuntimeException e) {
      fail(e);
      throw e;
    }
  }

  /** Closes the files. Does not sync: call {@link #sync} first to keep pending entries. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException first = null;
    for (Segment segment : segments) {
      try {
        segment.channel.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private void appendOne(StoredEntry entry) throws IOException {
    int recordBytes = SegmentFormat.recordBytes(entry.payload().length);
    if (segments.isEmpty()) {
      segments.add(createSegment(entry.index()));
    }
    Segment active = last();
    if (active.count() > 0 && active.endOffset + recordBytes > options.segmentBytesMax()) {
      flushWriteBuffer();
      DurableFiles.fsync(active.channel, false, fsyncStats);
      lastDurableIndex = active.lastIndex();
      active = createSegment(entry.index());
      segments.add(active);
    }
    long offset = active.endOffset;
    if (recordBytes > writeBuffer.capacity()) {
      flushWriteBuffer();
      ByteBuffer single = ByteBuffer.allocate(recordBytes);
      SegmentFormat.encodeRecord(single, entry);
      DurableFiles.writeFully(active.channel, single.flip(), offset);
      active.writtenOffset = offset + recordBytes;
    } else {
      if (writeBuffer.remaining() < recordBytes) {
        flushWriteBuffer();
      }
      SegmentFormat.encodeRecord(writeBuffer, entry);
    }
    active.add(offset, entry.term());
    active.endOffset = offset + recordBytes;
    lastIndex = entry.index();
    lastTerm = entry.term();
  }

  private void flushWriteBuffer() throws IOException {
    if (writeBuffer.position() == 0) {
      return;
    }
    Segment active = last();
    long at = active.endOffset - writeBuffer.position();
    if (at != active.writtenOffset) {
      throw new IllegalStateException("write buffer starts at " + at + " but " + active.path
          + " is written up to " + active.writtenOffset);
    }
    writeBuffer.flip();
    DurableFiles.writeFully(active.channel, writeBuffer, at);
    writeBuffer.clear();
    active.writtenOffset = active.endOffset;
  }

  /** Checks a batch completely before any of it is written. */
  private void checkAppendable(List<StoredEntry> entries) {
    long expectedIndex = lastIndex + 1;
    long previousTerm = lastTerm;
    for (StoredEntry entry : entries) {
      Objects.requireNonNull(entry, "entry");
      if (entry.index() != expectedIndex) {
        throw new IllegalArgumentException("append expected index " + expectedIndex + ", got "
            + entry.index() + " (log holds [" + firstIndex + ", " + lastIndex + "])");
      }
      if (entry.term() < previousTerm) {
        throw new IllegalArgumentException("entry " + entry.index() + " has term " + entry.term()
            + ", lower than the previous term " + previousTerm);
      }
      if (entry.payload().length > options.payloadBytesMax()) {
        throw new IllegalArgumentException("entry " + entry.index() + " payload is "
            + entry.payload().length + " bytes, more than " + options.payloadBytesMax());
      }
      expectedIndex++;
      previousTerm = entry.term();
    }
  }

  private void readRange(Segment segment, long from, long toExclusive, List<StoredEntry> out)
      throws IOException {
    long start = segment.offsetOf(from);
    long end = segment.endOf(toExclusive - 1);
    if (end > segment.writtenOffset) {
      throw new IllegalStateException("reading past the written end of " + segment.path);
    }
    byte[] data = new byte[Math.toIntExact(end - start)];
    DurableFiles.readFully(segment.channel, data, start);
    for (long index = from; index < toExclusive; index++) {
      long offset = segment.offsetOf(index);
      int length = (int) (segment.endOf(index) - offset);
      out.add(SegmentFormat.decodeVerified(segment.path, offset, data, (int) (offset - start),
          length, index, segment.termOf(index)));
    }
  }

  /** Empties the log so that the next append is {@code next}; oldest segments are deleted first. */
  private void restartAt(long next) throws IOException {
    NewestSegmentMark.write(dir, 0, fsyncStats); // no claim while no segment exists
    while (!segments.isEmpty()) {
      deleteSegment(segments.remove(0));
    }
    segments.add(createSegment(next));
    firstIndex = next;
    lastIndex = next - 1;
    lastTerm = -1;
    lastDurableIndex = lastIndex;
  }

  /** A new empty segment, created atomically with its header (temp file, fsync, rename). */
  private Segment createSegment(long first) throws IOException {
    String name = SegmentFormat.fileName(first);
    Path path = dir.resolve(name);
    if (Files.exists(path)) {
      throw new IllegalStateException("segment " + path + " already exists");
    }
    DurableFiles.writeAtomically(dir, name, fsyncStats, SegmentFormat.encodeHeader(first));
    NewestSegmentMark.write(dir, first, fsyncStats);
    FileChannel channel =
        FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return Segment.empty(path, first, channel);
  }

  private void deleteSegment(Segment segment) throws IOException {
    segment.channel.close();
    Files.delete(segment.path);
    DurableFiles.fsyncDirectory(dir, fsyncStats);
  }

  private long physicalTermOrUnknown(long index) {
    if (segments.isEmpty() || index < segments.get(0).firstIndex) {
      return -1;
    }
    return segmentOf(index).termOf(index);
  }

  private Segment segmentOf(long index) {
    int low = 0;
    int high = segments.size() - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      Segment segment = segments.get(mid);
      if (index < segment.firstIndex) {
        high = mid - 1;
      } else if (index > segment.lastIndex()) {
        low = mid + 1;
      } else {
        return segment;
      }
    }
    throw new IllegalStateException("no segment holds index " + index);
  }

  private Segment last() {
    return segments.get(segments.size() - 1);
  }

  private void checkServed(long index) {
    if (index < firstIndex || index > lastIndex) {
      throw new IllegalArgumentException(
          "index " + index + " is not in the log [" + firstIndex + ", " + lastIndex + "]");
    }
  }

  private void checkBufferEmpty() {
    if (writeBuffer.position() != 0) {
      throw new IllegalStateException("write buffer holds bytes between calls");
    }
  }

  private void checkUsable() {
    if (closed) {
      throw new IllegalStateException("raft log in " + dir + " is closed");
    }
    if (failure != null) {
      throw new IllegalStateException(
          "raft log in " + dir + " failed earlier and must be reopened: " + failure, failure);
    }
  }

  /** Records the first failure; afterwards the log refuses every call. */
  private void fail(Throwable e) {
    if (failure == null) {
      failure = e;
    }
  }

  private static void closeQuietly(List<Segment> segments, Exception cause) {
    for (Segment segment : segments) {
      try {
        segment.channel.close();
      } catch (IOException e) {
        cause.addSuppressed(e);
      }
    }
  }
}
