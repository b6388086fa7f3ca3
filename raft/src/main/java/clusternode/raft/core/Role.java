package clusternode.raft.core;

/** The role of a server. A learner is a FOLLOWER that is not a voter. */
public enum Role {
  FOLLOWER,
  PRE_CANDIDATE,
  CANDIDATE,
  LEADER
}
