package clusternode.raft.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Durable state on disk is not what this code wrote: bad magic, bad CRC, a record in the middle of
 * the log that does not verify, a gap between segments. The node must stop; nothing is served from
 * corrupt storage. The message is one line naming the file, the byte offset and what is wrong.
 */
public final class StorageCorruptException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Offset used when the problem concerns the file as a whole rather than one position. */
  public static final long WHOLE_FILE = -1;

  private final transient Path file;
  private final long offset;
  private final String problem;

  public StorageCorruptException(Path file, long offset, String problem) {
    super(message(file, offset, problem));
    this.file = file;
    this.offset = offset;
    this.problem = problem;
  }

  /** What is wrong, without the file and offset. */
  public String problem() {
    return problem;
  }

  /** The file that failed verification. */
  public Path file() {
    return file;
  }

  /** Byte offset in {@link #file()} where the problem is, or {@link #WHOLE_FILE}. */
  public long offset() {
    return offset;
  }

  private static String message(Path file, long offset, String problem) {
    String where = offset == WHOLE_FILE ? "" : " at byte offset " + offset;
    return ("corrupt storage file " + file + where + ": " + problem).replace('\n', ' ');
  }
}
