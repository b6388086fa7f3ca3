package clusternode.raft.core;

/** Volatile state the shell may show (health endpoint, forwarding); reported when it changes. */
public record SoftState(Role role, String leaderId, long term) {}
