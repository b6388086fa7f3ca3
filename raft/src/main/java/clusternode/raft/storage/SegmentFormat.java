package clusternode.raft.storage;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The on-disk format of log segments, as pure functions over bytes.
 *
 * <pre>
 * segment file  log-&lt;firstIndex, 20 digits&gt;.seg
 *   header      magic u32 "RLOG" | version u32 = 1 | firstIndex u64 | crc32c u32 over the 16 bytes before
 *   record*     length u32 | crc32c u32 | index u64 | term u64 | type u8 | payload[length - 17]
 *               length counts the bytes after the crc; the crc covers the length field and those bytes
 * </pre>
 *
 * All integers are big-endian.
 */
final class SegmentFormat {
  static final int MAGIC = 0x524C4F47; // "RLOG"
  static final int VERSION = 1;
  static final int HEADER_BYTES = 20;
  static final int RECORD_HEADER_BYTES = 8; // length + crc
  static final int RECORD_BODY_FIXED_BYTES = 17; // index + term + type
  static final int RECORD_BYTES_MIN = RECORD_HEADER_BYTES + RECORD_BODY_FIXED_BYTES;
  /** No record body may be longer, whatever the options were when it was written. */
  static final int PAYLOAD_BYTES_LIMIT = 128 << 20;

  static final int BODY_BYTES_LIMIT = RECORD_BODY_FIXED_BYTES + PAYLOAD_BYTES_LIMIT;

  private SegmentFormat() {}

  static String fileName(long firstIndex) {
    return String.format("log-%020d.seg", firstIndex);
  }

  /** The first index a segment file name encodes, or -1 if the name is not a segment name. */
  static long parseFileName(String name) {
    if (name.length() != 28 || !name.startsWith("log-") || !name.endsWith(".seg")) {
      return -1;
    }
    String digits = name.substring(4, 24);
    for (int i = 0; i < digits.length(); i++) {
      if (!Character.isDigit(digits.charAt(i))) {
        return -1;
      }
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static boolean isTempFileName(String name) {
    return name.endsWith(".seg.tmp") && parseFileName(name.substring(0, name.length() - 4)) >= 0;
  }

  static ByteBuffer encodeHeader(long firstIndex) {
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    header.putInt(MAGIC).putInt(VERSION).putLong(firstIndex);
    CRC32C crc = new CRC32C();
    crc.update(header.array(), 0, 16);
    header.putInt((int) crc.getValue());
    return header.flip();
  }

  static int recordBytes(int payloadLength) {
    return RECORD_BYTES_MIN + payloadLength;
  }

  /** Appends one record to a heap buffer that has room for it. */
  static void encodeRecord(ByteBuffer target, StoredEntry entry) {
    int start = target.position();
    int bodyLength = RECORD_BODY_FIXED_BYTES + entry.payload().length;
    target.putInt(bodyLength).putInt(0);
    target.putLong(entry.index()).putLong(entry.term()).put(entry.type()).put(entry.payload());
    int crc = recordCrc(target.array(), target.arrayOffset() + start, bodyLength);
    target.putInt(start + 4, crc);
  }

  /** CRC32C of the length field and the body of the record starting at {@code recordStart}. */
  static int recordCrc(byte[] data, int recordStart, int bodyLength) {
    CRC32C crc = new CRC32C();
    crc.update(data, recordStart, 4);
    crc.update(data, recordStart + RECORD_HEADER_BYTES, bodyLength);
    return (int) crc.getValue();
  }

  /**
   * Decodes and verifies the record at {@code offset}, which the in-memory index says is
   * {@code recordLength} bytes long and holds {@code expectedIndex} with {@code expectedTerm}.
   */
  static StoredEntry decodeVerified(
      Path file, long fileOffset, byte[] data, int offset, int recordLength, long expectedIndex,
      long expectedTerm) throws StorageCorruptException {
    ByteBuffer view = ByteBuffer.wrap(data);
    int bodyLength = view.getInt(offset);
    if (bodyLength != recordLength - RECORD_HEADER_BYTES) {
      throw new StorageCorruptException(file, fileOffset,
          "record length field " + bodyLength + " does not match the indexed record size "
              + (recordLength - RECORD_HEADER_BYTES) + " for index " + expectedIndex);
    }
    int stored = view.getInt(offset + 4);
    int computed = recordCrc(data, offset, bodyLength);
    if (stored != computed) {
      throw new StorageCorruptException(file, fileOffset,
          "CRC32C mismatch reading index " + expectedIndex + " (stored " + hex(stored)
              + ", computed " + hex(computed) + ")");
    }
    long index = view.getLong(offset + 8);
    long term = view.getLong(offset + 16);
    if (index != expectedIndex || term != expectedTerm) {
      throw new StorageCorruptException(file, fileOffset,
          "record holds (index " + index + ", term " + term + "), expected (index "
              + expectedIndex + ", term " + expectedTerm + ")");
    }
    byte type = data[offset + 24];
    byte[] payload = new byte[bodyLength - RECORD_BODY_FIXED_BYTES];
    System.arraycopy(data, offset + RECORD_BYTES_MIN, payload, 0, payload.length);
    return new StoredEntry(index, term, type, payload);
  }

  /** The result of scanning one segment file's bytes. */
  static final class Scan {
    long firstIndex;
    long[] offsets = new long[64];
    long[] terms = new long[64];
    int count;
    /** Length of the verified prefix of the file. */
    long endOffset;
    /** Non-null when the last segment ends in a torn tail starting at {@link #endOffset}. */
    String tornReason;

    void add(long offset, long term) {
      if (count == offsets.length) {
        offsets = java.util.Arrays.copyOf(offsets, count * 2);
        terms = java.util.Arrays.copyOf(terms, count * 2);
      }
      offsets[count] = offset;
      terms[count] = term;
      count++;
    }

    long lastIndex() {
      return firstIndex + count - 1;
    }
  }

  /**
   * Verifies a whole segment file. Framing or CRC failures are a torn tail only in the last segment
   * and only if no verifiable record follows them; everything else is corruption.
   *
   * @param nameFirstIndex the first index encoded in the file name
   * @param previousFile the segment before, or null for the first segment
   * @param previousLastIndex last index of the previous segment (unused when previousFile is null)
   * @param previousTerm term of the entry before this segment's first, or -1 if unknown
   * @param lastSegment whether this is the newest segment
   */
  static Scan scan(
      Path file, byte[] data, long nameFirstIndex, Path previousFile, long previousLastIndex,
      long previousTerm, boolean lastSegment) throws StorageCorruptException {
    ByteBuffer view = ByteBuffer.wrap(data);
    long firstIndex = verifyHeader(file, data, view, nameFirstIndex);
    if (previousFile != null && firstIndex != previousLastIndex + 1) {
      String what = firstIndex > previousLastIndex + 1 ? "gap (missing segment?)" : "overlap";
      throw new StorageCorruptException(file, 8,
          what + ": segment starts at index " + firstIndex + " but the previous segment "
              + previousFile.getFileName() + " ends at index " + previousLastIndex);
    }
    Scan scan = new Scan();
    scan.firstIndex = firstIndex;
    long term = previousTerm;
    int position = HEADER_BYTES;
    while (position < data.length) {
      String problem = framingProblem(data, view, position);
      if (problem != null) {
        if (!lastSegment) {
          throw new StorageCorruptException(file, position,
              problem + " in a segment that is not the last one");
        }
        long expected = scan.lastIndex() + 1;
        int valid = findVerifiableRecord(data, view, position + 1, expected);
        if (valid >= 0) {
          throw new StorageCorruptException(file, position,
              problem + ", followed by a valid record at offset " + valid
                  + ", so this is not a torn tail");
        }
        scan.tornReason = problem;
        break;
      }
      long index = view.getLong(position + 8);
      long recordTerm = view.getLong(position + 16);
      long expected = scan.lastIndex() + 1;
      if (index != expected) {
        throw new StorageCorruptException(file, position,
            "record has index " + index + ", expected " + expected);
      }
      if (recordTerm < term) {
        throw new StorageCorruptException(file, position,
            "record " + index + " has term " + recordTerm + ", lower than the previous term "
                + term);
      }
      term = recordTerm;
      scan.add(position, recordTerm);
      position += RECORD_HEADER_BYTES + view.getInt(position);
    }
    scan.endOffset = scan.tornReason == null ? data.length : position;
    return scan;
  }

  private static long verifyHeader(Path file, byte[] data, ByteBuffer view, long nameFirstIndex)
      throws StorageCorruptException {
    if (data.length < HEADER_BYTES) {
      throw new StorageCorruptException(file, 0,
          "file is " + data.length + " bytes, shorter than the " + HEADER_BYTES
              + "-byte segment header");
    }
    int magic = view.getInt(0);
    if (magic != MAGIC) {
      throw new StorageCorruptException(file, 0,
          "bad magic " + hex(magic) + ", expected " + hex(MAGIC) + " (not a log segment)");
    }
    CRC32C crc = new CRC32C();
    crc.update(data, 0, 16);
    int computed = (int) crc.getValue();
    int stored = view.getInt(16);
    if (stored != computed) {
      throw new StorageCorruptException(file, 16,
          "segment header CRC32C mismatch (stored " + hex(stored) + ", computed "
              + hex(computed) + ")");
    }
    int version = view.getInt(4);
    if (version != VERSION) {
      throw new StorageCorruptException(file, 4,
          "unsupported segment version " + version + ", this code reads " + VERSION);
    }
    long firstIndex = view.getLong(8);
    if (firstIndex != nameFirstIndex || firstIndex < 1) {
      throw new StorageCorruptException(file, 8,
          "header first index " + firstIndex + " does not match the file name");
    }
    return firstIndex;
  }

  /** Why the record at {@code position} cannot be read, or null if it frames and verifies. */
  private static String framingProblem(byte[] data, ByteBuffer view, int position) {
    int available = data.length - position;
    if (available < RECORD_HEADER_BYTES) {
      return "incomplete record header (" + available + " of " + RECORD_HEADER_BYTES + " bytes)";
    }
    int bodyLength = view.getInt(position);
    if (bodyLength < RECORD_BODY_FIXED_BYTES || bodyLength > BODY_BYTES_LIMIT) {
      return "record length " + bodyLength + " out of range";
    }
    if (available - RECORD_HEADER_BYTES < bodyLength) {
      return "incomplete record (" + (available - RECORD_HEADER_BYTES) + " of " + bodyLength
          + " body bytes)";
    }
    int stored = view.getInt(position + 4);
    int computed = recordCrc(data, position, bodyLength);
    if (stored != computed) {
      return "record CRC32C mismatch (stored " + hex(stored) + ", computed " + hex(computed) + ")";
    }
    return null;
  }

  /**
   * Offset of the first record at or after {@code from} that frames, verifies and carries a
   * plausible index (at least {@code expectedIndex}, at most as many more as could fit), or -1.
   */
  private static int findVerifiableRecord(
      byte[] data, ByteBuffer view, int from, long expectedIndex) {
    long indexMax = expectedIndex + (data.length - from) / RECORD_BYTES_MIN + 1;
    for (int q = from; q + RECORD_BYTES_MIN <= data.length; q++) {
      int bodyLength = view.getInt(q);
      if (bodyLength < RECORD_BODY_FIXED_BYTES
          || bodyLength > data.length - q - RECORD_HEADER_BYTES) {
        continue;
      }
      long index = view.getLong(q + 8);
      if (index < expectedIndex || index > indexMax) {
        continue;
      }
      if (view.getInt(q + 4) == recordCrc(data, q, bodyLength)) {
        return q;
      }
    }
    return -1;
  }

  static String hex(int value) {
    return String.format("0x%08X", value);
  }
}
