package clusternode.pbft.core;

/** A summary of a replica's state for health checks and tests. */
public record PbftStatus(String id, long view, String primary, boolean active, long lastExecuted,
    long stableCheckpoint, long highWater, int pendingRequests, String byzantine) {}
