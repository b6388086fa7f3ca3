package clusternode.protocols.monitor.core;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The peer monitor's decisions, without Akka, threads or a clock: time comes in as
 * {@code nowNanos} arguments. Every round it probes each peer; a peer whose answer came within
 * {@code unreachableAfterNanos} is reachable. Answers carry the answering peer's own reachability
 * row, so every node also knows the whole matrix as last reported.
 */
public final class PeerMonitorCore {
  /** A probe to send: {@code seq} is echoed in the answer and identifies the send time. */
  public record ProbeOut(String to, long seq) {}

  private final String selfId;
  private final long unreachableAfterNanos;
  private final Map<String, PeerState> peers = new LinkedHashMap<>();
  private long nextSeq = 1;

  public PeerMonitorCore(String selfId, List<String> peerIds, long unreachableAfterNanos, int rttWindow) {
    if (unreachableAfterNanos <= 0) {
      throw new IllegalArgumentException("unreachable-after must be positive");
    }
    this.selfId = selfId;
    this.unreachableAfterNanos = unreachableAfterNanos;
    for (String id : peerIds) {
      if (!id.equals(selfId)) {
        peers.put(id, new PeerState(rttWindow));
      }
    }
  }

  /** Starts a probe round: one probe per peer. Forgets probes too old to count as answered. */
  public List<ProbeOut> probeRound(long nowNanos) {
    List<ProbeOut> out = new ArrayList<>(peers.size());
    for (Map.Entry<String, PeerState> e : peers.entrySet()) {
      PeerState p = e.getValue();
      p.expireOutstanding(nowNanos - unreachableAfterNanos);
      long seq = nextSeq++;
      p.outstanding.put(seq, nowNanos);
      p.probesSent++;
      out.add(new ProbeOut(e.getKey(), seq));
    }
    return out;
  }

  /** An answer to probe {@code seq} arrived from {@code from}. Late or unknown answers are ignored. */
  public void onAck(String from, long seq, Map<String, Boolean> theirRow, long nowNanos) {
    PeerState p = peers.get(from);
    if (p == null) {
      return;
    }
    Long sentNanos = p.outstanding.remove(seq);
    if (sentNanos == null || nowNanos - sentNanos > unreachableAfterNanos) {
      return;
    }
    p.rtt.add((nowNanos - sentNanos) / 1000);
    p.acksReceived++;
    p.lastAckNanos = nowNanos;
    p.reaches = Map.copyOf(theirRow);
  }

  public PeerStatus status(String id, long nowNanos) {
    PeerState p = peers.get(id);
    if (p == null) {
      throw new IllegalArgumentException("not a peer of " + selfId + ": " + id);
    }
    if (p.lastAckNanos == Long.MIN_VALUE) {
      return PeerStatus.UNKNOWN;
    }
    return nowNanos - p.lastAckNanos <= unreachableAfterNanos ? PeerStatus.REACHABLE : PeerStatus.UNREACHABLE;
  }

  /** This node's row of the matrix: for every peer, whether it is reachable now. */
  public Map<String, Boolean> row(long nowNanos) {
    Map<String, Boolean> row = new TreeMap<>();
    for (String id : peers.keySet()) {
      row.put(id, status(id, nowNanos) == PeerStatus.REACHABLE);
    }
    return row;
  }

  public List<PeerView> views(long nowNanos) {
    List<PeerView> out = new ArrayList<>(peers.size());
    peers.forEach((id, p) -> out.add(new PeerView(id, status(id, nowNanos),
        p.lastAckNanos == Long.MIN_VALUE ? -1 : (nowNanos - p.lastAckNanos) / 1_000_000,
        p.rtt.stats(), p.probesSent, p.acksReceived, p.reaches)));
    return out;
  }

  private static final class PeerState {
    final RttWindow rtt;
    /** Sequence number to send time of probes not yet answered; bounded by expiry each round. */
    final Map<Long, Long> outstanding = new LinkedHashMap<>();
    long lastAckNanos = Long.MIN_VALUE;
    long probesSent;
    long acksReceived;
    Map<String, Boolean> reaches = Map.of();

    PeerState(int rttWindow) {
      rtt = new RttWindow(rttWindow);
    }

    void expireOutstanding(long oldestKeptNanos) {
      for (Iterator<Long> it = outstanding.values().iterator(); it.hasNext(); ) {
        if (it.next() < oldestKeptNanos) {
          it.remove();
        }
      }
    }
  }
}
