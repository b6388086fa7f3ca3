package clusternode.raft.core;

import java.util.List;

/**
 * Everything the core wants done, handed out by {@link RaftCore#ready()}. The shell handles it in
 * this order, then calls {@link RaftCore#advance(Ready)}:
 *
 * <ol>
 *   <li>send {@code messagesNow} (the leader's replication traffic: safe before its own fsync,
 *       dissertation §10.2.1);
 *   <li>persist, then fsync: {@code hardState} if not null; {@code installedSnapshot} if not null
 *       (it replaces the whole log); {@code compactedSnapshot} if not null (drop log entries up to
 *       its index); delete entries from {@code truncateFromIndex} on if it is not 0; append
 *       {@code entriesToPersist};
 *   <li>send {@code messagesAfterPersist} (votes and acknowledgements promise durable state);
 *   <li>restore the state machine from {@code installedSnapshot} if not null, then apply {@code
 *       committedEntries} in order;
 *   <li>serve {@code readStates} once applied index >= their index; forward or fail {@code
 *       rejectedReads}; show {@code softState} if not null.
 * </ol>
 */
public record Ready(
    HardState hardState,
    SoftState softState,
    Snapshot installedSnapshot,
    Snapshot compactedSnapshot,
    long truncateFromIndex,
    List<Entry> entriesToPersist,
    List<RaftMessage> messagesNow,
    List<RaftMessage> messagesAfterPersist,
    List<Entry> committedEntries,
    List<ReadState> readStates,
    List<RejectedRead> rejectedReads) {

  public Ready {
    entriesToPersist = List.copyOf(entriesToPersist);
    messagesNow = List.copyOf(messagesNow);
    messagesAfterPersist = List.copyOf(messagesAfterPersist);
    committedEntries = List.copyOf(committedEntries);
    readStates = List.copyOf(readStates);
    rejectedReads = List.copyOf(rejectedReads);
  }

  /** Both message lists, "now" first. */
  public List<RaftMessage> allMessages() {
    List<RaftMessage> all = new java.util.ArrayList<>(messagesNow);
    all.addAll(messagesAfterPersist);
    return all;
  }
}
