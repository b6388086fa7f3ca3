package clusternode.raft.storage;

import java.util.Objects;

/**
 * Settings of a {@link SegmentedLog}, checked for consistency when constructed.
 *
 * @param segmentBytesMax a segment rolls over before a record would make it larger than this; a
 *     single record larger than this gets a segment of its own
 * @param payloadBytesMax largest payload {@link SegmentedLog#append} accepts
 * @param writeBufferBytes size of the reused buffer that batches records into few write calls
 * @param fsyncStats receives every fsync the log issues
 */
public record LogOptions(
    long segmentBytesMax, int payloadBytesMax, int writeBufferBytes, FsyncStats fsyncStats) {

  public static final long SEGMENT_BYTES_MAX_DEFAULT = 64L << 20;
  public static final int PAYLOAD_BYTES_MAX_DEFAULT = 16 << 20;
  public static final int WRITE_BUFFER_BYTES_DEFAULT = 1 << 20;

  /** Hard limits; a segment file must fit in one Java array during recovery. */
  public static final long SEGMENT_BYTES_MAX_LIMIT = 1L << 30;

  public static final int PAYLOAD_BYTES_MAX_LIMIT = SegmentFormat.PAYLOAD_BYTES_LIMIT;

  public LogOptions {
    if (segmentBytesMax < 1024 || segmentBytesMax > SEGMENT_BYTES_MAX_LIMIT) {
      throw new IllegalArgumentException(
          "segmentBytesMax must be in [1024, " + SEGMENT_BYTES_MAX_LIMIT + "], got " + segmentBytesMax);
    }
    if (payloadBytesMax < 0 || payloadBytesMax > PAYLOAD_BYTES_MAX_LIMIT) {
      throw new IllegalArgumentException(
          "payloadBytesMax must be in [0, " + PAYLOAD_BYTES_MAX_LIMIT + "], got " + payloadBytesMax);
    }
    if (writeBufferBytes < 4096 || writeBufferBytes > (64 << 20)) {
      throw new IllegalArgumentException(
          "writeBufferBytes must be in [4096, 64 MiB], got " + writeBufferBytes);
    }
    Objects.requireNonNull(fsyncStats, "fsyncStats");
  }

  /** 64 MiB segments, 16 MiB payloads, 1 MiB write buffer, fresh stats. */
  public static LogOptions defaults() {
    return new LogOptions(
        SEGMENT_BYTES_MAX_DEFAULT, PAYLOAD_BYTES_MAX_DEFAULT, WRITE_BUFFER_BYTES_DEFAULT,
        new FsyncStats());
  }

  public LogOptions withSegmentBytesMax(long value) {
    return new LogOptions(value, payloadBytesMax, writeBufferBytes, fsyncStats);
  }

  public LogOptions withPayloadBytesMax(int value) {
    return new LogOptions(segmentBytesMax, value, writeBufferBytes, fsyncStats);
  }

  public LogOptions withWriteBufferBytes(int value) {
    return new LogOptions(segmentBytesMax, payloadBytesMax, value, fsyncStats);
  }

  public LogOptions withFsyncStats(FsyncStats value) {
    return new LogOptions(segmentBytesMax, payloadBytesMax, writeBufferBytes, value);
  }
}
