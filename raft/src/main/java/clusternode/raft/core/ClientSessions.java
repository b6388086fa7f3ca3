package clusternode.raft.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The replicated de-duplication table of dissertation §6.3, part of the state machine: for each
 * client, the highest sequence number applied and its result. A retried command (same clientId
 * and seq) gets the stored result and is not applied again; an older seq is stale.
 *
 * <p>Deterministic and bounded: sessions are ordered by last use, and a session idle for more than
 * {@code maxIdleEntries} applied log entries is evicted when the next command is recorded. A client
 * silent for longer than that loses its dedup guarantee (its retry would be applied again), so
 * choose maxIdleEntries far above the number of entries applied during a client's retry window.
 * Every replica evicts at the same log index, so all replicas keep the same table.
 *
 * <p>Usage by the state machine, for each committed command (clientId, seq, payload) at index i:
 * {@code lookup}; if NEW apply it and {@code record(clientId, seq, result, i)}; if DUPLICATE return
 * the stored result; if STALE answer with an error. Not thread-safe.
 */
public final class ClientSessions {
  public enum Status {
    NEW,
    DUPLICATE,
    STALE
  }

  /** The outcome of a lookup; {@code result} is set only for DUPLICATE. */
  public record Lookup(Status status, byte[] result) {}

  private record Session(long lastSeq, byte[] lastResult, long lastIndex) {}

  private final long maxIdleEntries;
  /** Insertion order = order of last use, oldest first; re-inserted on every use. */
  private final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>();

  public ClientSessions(long maxIdleEntries) {
    if (maxIdleEntries < 1) {
      throw new IllegalArgumentException("maxIdleEntries must be >= 1, got " + maxIdleEntries);
    }
    this.maxIdleEntries = maxIdleEntries;
  }

  public Lookup lookup(String clientId, long seq) {
    Session s = sessions.get(Objects.requireNonNull(clientId, "clientId"));
    if (s == null || seq > s.lastSeq()) {
      return new Lookup(Status.NEW, null);
    }
    if (seq == s.lastSeq()) {
      return new Lookup(Status.DUPLICATE, s.lastResult().clone());
    }
    return new Lookup(Status.STALE, null);
  }

  /** Records the result of a NEW command applied at log index {@code index}, then evicts. */
  public void record(String clientId, long seq, byte[] result, long index) {
    Session old = sessions.remove(clientId);
    if (old != null && (seq <= old.lastSeq() || index < old.lastIndex())) {
      throw new IllegalStateException("session " + clientId + " recorded out of order: seq " + seq
          + " after " + old.lastSeq());
    }
    sessions.put(clientId, new Session(seq, result.clone(), index));
    evictIdle(index);
  }

  /** Drops sessions whose last command is more than maxIdleEntries before {@code index}. */
  public void evictIdle(long index) {
    Iterator<Map.Entry<String, Session>> it = sessions.entrySet().iterator();
    while (it.hasNext()) {
      if (index - it.next().getValue().lastIndex() <= maxIdleEntries) {
        return; // ordered by last use: the rest are younger
      }
      it.remove();
    }
  }

  public int size() {
    return sessions.size();
  }

  /** Layout: count, then per session (oldest first): id, lastSeq, lastIndex, result. */
  public byte[] toBytes() {
    int size = 4;
    for (Map.Entry<String, Session> e : sessions.entrySet()) {
      size += 4 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 16 + 4
          + e.getValue().lastResult().length;
    }
    ByteBuffer buf = ByteBuffer.allocate(size);
    buf.putInt(sessions.size());
    for (Map.Entry<String, Session> e : sessions.entrySet()) {
      putBytes(buf, e.getKey().getBytes(StandardCharsets.UTF_8));
      buf.putLong(e.getValue().lastSeq());
      buf.putLong(e.getValue().lastIndex());
      putBytes(buf, e.getValue().lastResult());
    }
    return buf.array();
  }

  public static ClientSessions fromBytes(byte[] bytes, long maxIdleEntries) {
    ClientSessions out = new ClientSessions(maxIdleEntries);
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    try {
      int n = buf.getInt();
      if (n < 0) {
        throw new IllegalArgumentException("negative session count");
      }
      for (int i = 0; i < n; i++) {
        String id = new String(getBytes(buf), StandardCharsets.UTF_8);
        long seq = buf.getLong();
        long index = buf.getLong();
        out.sessions.put(id, new Session(seq, getBytes(buf), index));
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated client sessions", e);
    }
    if (buf.hasRemaining()) {
      throw new IllegalArgumentException("trailing bytes after client sessions");
    }
    return out;
  }

  private static void putBytes(ByteBuffer buf, byte[] b) {
    buf.putInt(b.length);
    buf.put(b);
  }

  private static byte[] getBytes(ByteBuffer buf) {
    int len = buf.getInt();
    if (len < 0 || len > buf.remaining()) {
      throw new IllegalArgumentException("bad length " + len);
    }
    byte[] b = new byte[len];
    buf.get(b);
    return b;
  }
}
