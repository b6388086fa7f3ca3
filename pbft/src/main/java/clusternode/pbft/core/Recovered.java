package clusternode.pbft.core;

import java.util.List;

/** What a replica found on disk: its last stable checkpoint (or null) and the log records after it, in order. */
public record Recovered(StableCheckpoint checkpoint, List<LogRecord> records) {
  public static final Recovered EMPTY = new Recovered(null, List.of());
}
