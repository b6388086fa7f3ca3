package clusternode.pbft.core;

import clusternode.pbft.core.PbftMessage.Request;
import java.util.List;

/** One sequence number executed: its batch and each request's result (null for a duplicate not run again). */
public record Executed(long seq, long view, String digest, List<Request> batch, List<byte[]> results) {}
