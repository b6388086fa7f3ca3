package clusternode.protocols.kv;

import clusternode.protocols.statemachine.StateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The key-value store as a replicated state machine: put, delete, compare-and-set, get. Every key
 * remembers the log index of its last change (its revision). Deterministic: a sorted map, no
 * clock; malformed ops yield an INVALID result on every replica alike.
 */
public final class KvStore implements StateMachine {
  public static final String NAME = "kv";

  private record Entry(byte[] value, long revision) {}

  private final TreeMap<String, Entry> entries = new TreeMap<>();
  private long lastApplied;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte[] apply(long index, byte[] command) {
    if (index <= lastApplied) {
      throw new IllegalStateException("KV index " + index + " applied after " + lastApplied);
    }
    lastApplied = index;
    KvOp op;
    try {
      op = KvOp.decode(command);
    } catch (IllegalArgumentException e) {
      return invalid().encode();
    }
    return execute(index, op).encode();
  }

  private KvResult execute(long index, KvOp op) {
    if (op instanceof KvOp.Put p) {
      return KvOp.invalidReason(p.key(), p.value()) != null || p.value() == null ? invalid() : put(p.key(), p.value(), index);
    }
    if (op instanceof KvOp.CompareAndSet c) {
      return KvOp.invalidReason(c.key(), c.expected(), c.value()) != null || c.value() == null ? invalid()
          : compareAndSet(c, index);
    }
    if (KvOp.invalidReason(op.key()) != null) {
      return invalid();
    }
    if (op instanceof KvOp.Delete d) {
      return entries.containsKey(d.key()) ? delete(d.key(), index) : new KvResult(KvResult.Status.NOT_FOUND, 0, null);
    }
    return read(op.key()); // a Get ordered through the log: a read that is linearizable by construction
  }

  private KvResult compareAndSet(KvOp.CompareAndSet c, long index) {
    Entry current = entries.get(c.key());
    byte[] now = current == null ? null : current.value();
    boolean matches = c.expected() == null ? now == null : now != null && Arrays.equals(now, c.expected());
    return matches ? put(c.key(), c.value(), index)
        : new KvResult(KvResult.Status.MISMATCH, current == null ? 0 : current.revision(), now);
  }

  private static KvResult invalid() {
    return new KvResult(KvResult.Status.INVALID, 0, null);
  }

  private KvResult put(String key, byte[] value, long index) {
    entries.put(key, new Entry(value.clone(), index));
    return new KvResult(KvResult.Status.OK, index, null);
  }

  private KvResult delete(String key, long index) {
    entries.remove(key);
    return new KvResult(KvResult.Status.OK, index, null);
  }

  private KvResult read(String key) {
    Entry e = entries.get(key);
    return e == null ? new KvResult(KvResult.Status.NOT_FOUND, 0, null)
        : new KvResult(KvResult.Status.OK, e.revision(), e.value().clone());
  }

  @Override
  public byte[] query(byte[] query) {
    KvOp op;
    try {
      op = KvOp.decode(query);
    } catch (IllegalArgumentException e) {
      return invalid().encode();
    }
    if (!(op instanceof KvOp.Get get)) {
      return invalid().encode();
    }
    return read(get.key()).encode();
  }

  public int size() {
    return entries.size();
  }

  @Override
  public byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(lastApplied);
      out.writeInt(entries.size());
      for (Map.Entry<String, Entry> e : entries.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue().revision());
        out.writeInt(e.getValue().value().length);
        out.write(e.getValue().value());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public void restore(byte[] snapshot) {
    TreeMap<String, Entry> restored = new TreeMap<>();
    long applied;
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      applied = in.readLong();
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        String key = in.readUTF();
        long revision = in.readLong();
        byte[] value = in.readNBytes(in.readInt());
        restored.put(key, new Entry(value, revision));
      }
      if (in.available() > 0) {
        throw new IllegalStateException("corrupt KV snapshot: trailing bytes");
      }
    } catch (IOException e) {
      throw new IllegalStateException("corrupt KV snapshot: " + e.getMessage(), e);
    }
    entries.clear();
    entries.putAll(restored);
    lastApplied = applied;
  }

  @Override
  public long lastAppliedIndex() {
    return lastApplied;
  }
}
