package clusternode.gossip.core;

/**
 * One membership fact, as SWIM disseminates it: {@code id} is {@code status} at {@code incarnation},
 * as reported by {@code by}. Only the member itself raises its incarnation (to refute a suspicion).
 */
public record MemberUpdate(String id, MemberStatus status, long incarnation, String by) {
  public MemberUpdate {
    if (id == null || status == null || by == null || incarnation < 0) {
      throw new IllegalArgumentException("malformed member update");
    }
  }
}
