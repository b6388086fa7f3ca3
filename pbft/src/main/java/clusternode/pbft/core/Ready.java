package clusternode.pbft.core;

import java.util.List;

/**
 * What the core wants done, in this order: persist {@code records} (and {@code stableCheckpoint}
 * when not null) durably, then send {@code messages}. {@code executed} and {@code rejected} are
 * for observers (metrics, the simulation's checker); execution already happened in the core.
 */
public record Ready(List<Outbound> messages, List<LogRecord> records, StableCheckpoint stableCheckpoint,
    List<Executed> executed, List<String> rejected) {
  public boolean isEmpty() {
    return messages.isEmpty() && records.isEmpty() && stableCheckpoint == null && executed.isEmpty()
        && rejected.isEmpty();
  }
}
