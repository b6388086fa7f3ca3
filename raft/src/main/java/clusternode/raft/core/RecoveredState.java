package clusternode.raft.core;

import java.util.List;
import java.util.Objects;

/**
 * What the shell read back from disk: the hard state, the latest snapshot (null if none) and the
 * log entries after it. A brand-new server passes {@link #empty()}; its membership then comes from
 * {@link RaftConfig#initialVoters()}.
 */
public record RecoveredState(HardState hardState, Snapshot snapshot, List<Entry> entries) {
  public RecoveredState {
    Objects.requireNonNull(hardState, "hardState");
    entries = List.copyOf(entries);
  }

  public static RecoveredState empty() {
    return new RecoveredState(HardState.EMPTY, null, List.of());
  }
}
