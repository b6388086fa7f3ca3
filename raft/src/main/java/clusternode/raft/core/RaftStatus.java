package clusternode.raft.core;

import java.util.Map;

/**
 * A read-only picture of one server for health endpoints and dashboards ({@code /health/consensus}).
 *
 * @param peers on a leader, its view of every other member; empty otherwise
 * @param quorumActive on a leader, whether a majority of voters (itself included) answered in the
 *     current check-quorum round or the one before it (each an election timeout long); otherwise false
 */
public record RaftStatus(
    String id,
    Role role,
    long term,
    String leaderId,
    long commitIndex,
    long appliedIndex,
    long lastIndex,
    long snapshotIndex,
    Membership membership,
    Map<String, Peer> peers,
    boolean quorumActive) {

  public RaftStatus {
    peers = Map.copyOf(peers);
  }

  /** The leader's view of one follower. */
  public record Peer(long matchIndex, long nextIndex, String state, boolean recentlyActive) {}
}
