package clusternode.raft.shell;

import clusternode.raft.core.RaftCore;
import clusternode.raft.core.Role;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code GET /health/consensus} shows of this Raft server.
 *
 * @param lag for the leader: how many entries each other member is behind its last index
 * @param quorumActive Raft's own view of the quorum: this is the leader and a majority of voters
 *     answered it within about an election timeout (the check-quorum rounds of the core)
 */
public record RaftStatus(
    String id,
    String role,
    long term,
    String leader,
    long commitIndex,
    long lastApplied,
    long lastIndex,
    long snapshotIndex,
    List<String> voters,
    List<String> learners,
    Map<String, Long> lag,
    int pendingRequests,
    boolean quorumActive) {

  static RaftStatus of(RaftCore core, long applied, long snapshotIndex, List<String> peers, int pending) {
    Map<String, Long> lag = new TreeMap<>();
    if (core.role() == Role.LEADER) {
      for (String member : core.membership().members()) {
        if (!member.equals(core.id())) {
          lag.put(member, Math.max(0, core.lastIndex() - core.matchIndexOf(member)));
        }
      }
    }
    return new RaftStatus(core.id(), core.role().name().toLowerCase(Locale.ROOT).replace('_', '-'), core.term(),
        core.leaderId(), core.commitIndex(), applied, core.lastIndex(), snapshotIndex, core.membership().voters(),
        core.membership().learners(), lag, pending, core.status().quorumActive());
  }

  public boolean isLeader() {
    return role.equals("leader");
  }
}
