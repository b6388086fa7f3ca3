package clusternode.raft.core;

/**
 * A confirmed linearizable read (Raft dissertation §6.4): serve request {@code requestId} from the
 * state machine once it has applied at least {@code index}.
 */
public record ReadState(long requestId, long index) {}
