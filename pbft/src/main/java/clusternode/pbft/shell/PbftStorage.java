package clusternode.pbft.shell;

import clusternode.pbft.core.LogRecord;
import clusternode.pbft.core.Ready;
import clusternode.pbft.core.Recovered;
import clusternode.pbft.core.StableCheckpoint;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A replica's disk: {@code log} holds the core's {@link LogRecord}s, each framed as
 * {@code [length][crc32c][type][CBOR]}; {@code checkpoint} holds the last stable checkpoint,
 * replaced atomically (temp file, fsync, rename, fsync of the directory). A torn last record is
 * cut off on recovery; a corrupt record before the end, or a corrupt checkpoint, refuses to start.
 * When a checkpoint becomes stable the log is rewritten with only what lies above it, headed by a
 * base record naming that checkpoint (seq and digest). A log whose base names a checkpoint the
 * {@code checkpoint} file does not hold (deleted, or an older copy put back) refuses to start:
 * the records below the base are gone from the log, so starting would silently forget executed
 * state instead of rejoining from peers on purpose.
 */
public final class PbftStorage implements AutoCloseable {
  private static final int MAX_RECORD_BYTES = 64 << 20;
  private static final int CHECKPOINT_MAGIC = 0x50424654; // "PBFT"
  /** Type byte of the base record: not a {@link LogRecord}, it tells which checkpoint the log continues. */
  private static final byte BASE_TYPE = 'K';
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Path dir;
  private final Path logFile;
  private final Path checkpointFile;
  private FileChannel log;
  private final List<LogRecord> retained = new ArrayList<>();
  private long checkpointSeq;
  private volatile long fsyncs;

  /** Thrown when the files exist but cannot be trusted; the message is the one line to print. */
  public static final class CorruptException extends IOException {
    CorruptException(String message) {
      super(message);
    }
  }

  private PbftStorage(Path dir) {
    this.dir = dir;
    this.logFile = dir.resolve("log");
    this.checkpointFile = dir.resolve("checkpoint");
  }

  /** Opens (creating) the directory and reads what it holds. */
  public static PbftStorage open(Path dir) throws IOException {
    Files.createDirectories(dir);
    return new PbftStorage(dir);
  }

  /** The checkpoint a compacted log continues from: its records below {@code seq} were dropped. */
  private record Base(long seq, String digest) {}

  /** Reads the checkpoint and the log records after it; cuts a torn tail off the log. */
  public Recovered recover() throws IOException {
    StableCheckpoint checkpoint = readCheckpoint();
    checkpointSeq = checkpoint == null ? 0 : checkpoint.seq();
    List<LogRecord> records = new ArrayList<>();
    Base base = null;
    long validEnd = 0;
    if (Files.exists(logFile)) {
      byte[] bytes = Files.readAllBytes(logFile);
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      String fix = "; move the node's data directory aside to rejoin from peers";
      while (buf.remaining() > 0) {
        int start = buf.position();
        if (buf.remaining() < 8) {
          break; // torn header
        }
        int length = buf.getInt();
        int crc = buf.getInt();
        if (length < 1 || length > MAX_RECORD_BYTES) {
          throw new CorruptException("pbft log " + logFile + " is corrupt at byte offset " + start + " (length " + length
              + ")" + fix);
        }
        boolean complete = buf.remaining() >= length;
        byte[] payload = complete ? new byte[length] : null;
        if (complete) {
          buf.get(payload);
        }
        if (!complete || crc(payload) != crc) {
          // A torn write only ever leaves the last record short or garbled: a verifiable record after
          // this one means the damage is in the middle, and cutting here would drop what follows.
          int after = firstVerifiableRecord(bytes, start + 1);
          if (after >= 0) {
            throw new CorruptException("pbft log " + logFile + " has a bad record at byte offset " + start
                + " followed by a valid one at byte offset " + after + fix);
          }
          buf.position(start);
          break; // torn tail
        }
        if (payload[0] == BASE_TYPE) {
          base = decodeBase(payload, start);
        } else {
          records.add(decode(payload, start));
        }
        validEnd = buf.position();
      }
      if (validEnd < bytes.length) {
        try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.WRITE)) {
          ch.truncate(validEnd);
          ch.force(true);
        }
      }
    }
    requireBaseCheckpoint(base, checkpoint);
    for (LogRecord r : records) {
      if (r instanceof LogRecord.ViewEntered || r.seq() > checkpointSeq) {
        retained.add(r);
      }
    }
    log = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    return new Recovered(checkpoint, List.copyOf(retained));
  }

  /**
   * A checkpoint newer than the log's base is normal (a crash between writing the checkpoint and
   * compacting the log); a missing, older or different one is not.
   */
  private void requireBaseCheckpoint(Base base, StableCheckpoint checkpoint) throws CorruptException {
    if (base == null || (checkpoint != null && checkpoint.seq() > base.seq())) {
      return;
    }
    String fix = ": starting would silently lose the executed state up to seq " + base.seq()
        + "; put that checkpoint file back, or move the node's data directory aside to rejoin from peers";
    if (checkpoint == null) {
      throw new CorruptException("pbft checkpoint " + checkpointFile + " is missing, but log " + logFile
          + " continues from the checkpoint at seq " + base.seq() + " (base record at byte offset 0)" + fix);
    }
    if (checkpoint.seq() < base.seq() || !checkpoint.digest().equals(base.digest())) {
      throw new CorruptException("pbft checkpoint " + checkpointFile + " holds seq " + checkpoint.seq() + " (digest "
          + checkpoint.digest() + "), but log " + logFile + " continues from seq " + base.seq() + " (digest "
          + base.digest() + ", base record at byte offset 0)" + fix);
    }
  }

  /** Makes the Ready's records (and stable checkpoint) durable with one fsync, before its messages go out. */
  public void persist(Ready rd) throws IOException {
    persistAll(List.of(rd));
  }

  /**
   * Group commit: appends the records of every Ready in order and fsyncs once for all of them. A
   * stable checkpoint among them is written (and the log compacted) where it stands in the order,
   * so records after it land in the compacted log. Returns how many records were written.
   */
  public int persistAll(List<Ready> readies) throws IOException {
    int written = 0;
    boolean unsynced = false;
    ByteBuffer out = null;
    for (Ready rd : readies) {
      for (LogRecord r : rd.records()) {
        byte[] payload = encode(r);
        if (out == null) {
          out = ByteBuffer.allocate(Math.max(estimate(rd.records()), payload.length + 8));
        }
        out = ensure(out, payload.length + 8);
        out.putInt(payload.length).putInt(crc(payload)).put(payload);
        retained.add(r);
        written++;
      }
      if (rd.stableCheckpoint() != null) {
        flush(out);
        out = null;
        writeCheckpoint(rd.stableCheckpoint());
        compact(rd.stableCheckpoint()); // rewrites and fsyncs the log, appended records included
        unsynced = false;
        fsyncs++;
      } else if (!rd.records().isEmpty()) {
        unsynced = true;
      }
    }
    flush(out);
    if (unsynced) {
      log.force(false);
      fsyncs++;
    }
    return written;
  }

  private void flush(ByteBuffer out) throws IOException {
    if (out == null) {
      return;
    }
    out.flip();
    while (out.hasRemaining()) {
      log.write(out);
    }
  }

  public long fsyncs() {
    return fsyncs;
  }

  private void writeCheckpoint(StableCheckpoint c) throws IOException {
    byte[] body = CBOR.writeValueAsBytes(c);
    ByteBuffer out = ByteBuffer.allocate(body.length + 12);
    out.putInt(CHECKPOINT_MAGIC).putInt(body.length).putInt(crc(body)).put(body).flip();
    Path temp = dir.resolve("checkpoint.tmp");
    writeDurably(temp, out);
    Files.move(temp, checkpointFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory();
    checkpointSeq = c.seq();
  }

  /** Rewrites the log: the base record, the newest view record and the records above the checkpoint. */
  private void compact(StableCheckpoint checkpoint) throws IOException {
    long seq = checkpoint.seq();
    LogRecord lastView = null;
    List<LogRecord> kept = new ArrayList<>();
    for (LogRecord r : retained) {
      if (r instanceof LogRecord.ViewEntered) {
        lastView = r;
      } else if (r.seq() > seq) {
        kept.add(r);
      }
    }
    if (lastView != null) {
      kept.add(0, lastView);
    }
    ByteBuffer out = ByteBuffer.allocate(estimate(kept));
    byte[] base = encodeBase(new Base(seq, checkpoint.digest()));
    out = ensure(out, base.length + 8);
    out.putInt(base.length).putInt(crc(base)).put(base);
    for (LogRecord r : kept) {
      byte[] payload = encode(r);
      out = ensure(out, payload.length + 8);
      out.putInt(payload.length).putInt(crc(payload)).put(payload);
    }
    out.flip();
    Path temp = dir.resolve("log.tmp");
    writeDurably(temp, out);
    log.close();
    Files.move(temp, logFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncDirectory();
    log = FileChannel.open(logFile, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    retained.clear();
    retained.addAll(kept);
  }

  private StableCheckpoint readCheckpoint() throws IOException {
    if (!Files.exists(checkpointFile)) {
      return null;
    }
    byte[] bytes = Files.readAllBytes(checkpointFile);
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    String fix = "; move the node's data directory aside to rejoin from peers";
    if (bytes.length < 12 || buf.getInt() != CHECKPOINT_MAGIC) {
      throw new CorruptException("pbft checkpoint " + checkpointFile + " is not a checkpoint file (bad magic at byte"
          + " offset 0)" + fix);
    }
    int length = buf.getInt();
    int crc = buf.getInt();
    if (length < 0 || length != buf.remaining()) {
      throw new CorruptException("pbft checkpoint " + checkpointFile + " is truncated (length " + length
          + " at byte offset 4, " + buf.remaining() + " bytes follow)" + fix);
    }
    byte[] body = new byte[length];
    buf.get(body);
    if (crc(body) != crc) {
      throw new CorruptException("pbft checkpoint " + checkpointFile + " has a bad checksum (body at byte offset 12)"
          + fix);
    }
    try {
      return CBOR.readValue(body, StableCheckpoint.class);
    } catch (IOException | IllegalStateException e) {
      throw new CorruptException("pbft checkpoint " + checkpointFile + " does not decode at byte offset 12: "
          + e.getMessage().lines().findFirst().orElse("") + fix);
    }
  }

  private static byte[] encode(LogRecord r) throws IOException {
    byte type;
    if (r instanceof LogRecord.ViewEntered) {
      type = 'V';
    } else if (r instanceof LogRecord.PrePrepared) {
      type = 'P';
    } else if (r instanceof LogRecord.Prepared) {
      type = 'Q';
    } else {
      type = 'C';
    }
    byte[] body = CBOR.writeValueAsBytes(r);
    byte[] out = new byte[body.length + 1];
    out[0] = type;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }

  private static byte[] encodeBase(Base base) {
    byte[] digest = base.digest().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return ByteBuffer.allocate(9 + digest.length).put(BASE_TYPE).putLong(base.seq()).put(digest).array();
  }

  private Base decodeBase(byte[] payload, int at) throws CorruptException {
    if (payload.length < 9) {
      throw new CorruptException("pbft log " + logFile + " has a base record too short at byte offset " + at);
    }
    ByteBuffer buf = ByteBuffer.wrap(payload, 1, payload.length - 1);
    long seq = buf.getLong();
    return new Base(seq, new String(payload, 9, payload.length - 9, java.nio.charset.StandardCharsets.UTF_8));
  }

  private LogRecord decode(byte[] payload, int at) throws CorruptException {
    Class<? extends LogRecord> type = switch (payload[0]) {
      case 'V' -> LogRecord.ViewEntered.class;
      case 'P' -> LogRecord.PrePrepared.class;
      case 'Q' -> LogRecord.Prepared.class;
      case 'C' -> LogRecord.Committed.class;
      default -> null;
    };
    if (type == null) {
      throw new CorruptException("pbft log " + logFile + " has an unknown record type at byte offset " + at);
    }
    try {
      return CBOR.readValue(payload, 1, payload.length - 1, type);
    } catch (IOException e) {
      throw new CorruptException("pbft log " + logFile + " has a record that does not decode at byte offset " + at + ": "
          + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /** Offset of the first position at or after {@code from} where a whole record verifies, or -1. */
  private static int firstVerifiableRecord(byte[] bytes, int from) {
    ByteBuffer view = ByteBuffer.wrap(bytes);
    CRC32C c = new CRC32C();
    for (int at = from; at + 9 <= bytes.length; at++) {
      int length = view.getInt(at);
      if (length < 1 || length > bytes.length - at - 8) {
        continue;
      }
      c.reset();
      c.update(bytes, at + 8, length);
      if ((int) c.getValue() == view.getInt(at + 4)) {
        return at;
      }
    }
    return -1;
  }

  private static int crc(byte[] bytes) {
    CRC32C c = new CRC32C();
    c.update(bytes);
    return (int) c.getValue();
  }

  private static int estimate(List<LogRecord> records) {
    return Math.max(1024, records.size() * 512);
  }

  private static ByteBuffer ensure(ByteBuffer buf, int more) {
    if (buf.remaining() >= more) {
      return buf;
    }
    ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more));
    buf.flip();
    bigger.put(buf);
    return bigger;
  }

  private static void writeDurably(Path file, ByteBuffer content) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (content.hasRemaining()) {
        ch.write(content);
      }
      ch.force(true);
    }
  }

  private void syncDirectory() {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory; the rename is still atomic.
    }
  }

  @Override
  public void close() throws IOException {
    if (log != null) {
      log.close();
    }
  }
}
