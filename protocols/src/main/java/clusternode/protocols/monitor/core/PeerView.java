package clusternode.protocols.monitor.core;

import java.util.Map;

/**
 * One peer as this node sees it.
 *
 * @param lastHeardMsAgo milliseconds since its last probe answer, or -1 if never
 * @param reaches the peer's own reachability row from its last answer (who it reaches)
 */
public record PeerView(
    String id,
    PeerStatus status,
    long lastHeardMsAgo,
    RttStats rttMs,
    long probesSent,
    long acksReceived,
    Map<String, Boolean> reaches) {}
