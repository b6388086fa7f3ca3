package clusternode.protocols.kv;

import clusternode.protocols.kv.core.Event;
import clusternode.protocols.kv.core.KeyValue;
import clusternode.protocols.kv.core.Keys;
import clusternode.protocols.kv.core.KvCodec;
import clusternode.protocols.kv.core.KvCommand;
import clusternode.protocols.kv.core.KvCore;
import clusternode.protocols.kv.core.KvLimits;
import clusternode.protocols.kv.core.KvQuery;
import clusternode.protocols.kv.core.KvSnapshot;
import clusternode.protocols.kv.core.Reply;
import clusternode.protocols.statemachine.StateMachine;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The key-value and coordination store as a replicated state machine. Two command forms: the
 * compact binary {@link KvOp} (put, delete, compare-and-set, get) and, after the op byte
 * {@value #JSON_OP_CHAR}, a JSON {@link KvCommand} (txn, leases, ticks, lock and election queues,
 * guarded and leased puts) answered by a JSON {@link Reply}. The state is {@link KvCore}'s: pure and
 * deterministic; malformed commands yield an error result on every replica alike.
 *
 * <p>Methods are synchronized (the ordering protocol's actor applies; HTTP threads read the event
 * history for watchers). After each applied command the listeners are told, outside the lock: a
 * signal for watchers, never an input to the state.
 */
public final class KvStore implements StateMachine {
  public static final String NAME = "kv";
  public static final char JSON_OP_CHAR = 'J';

  private final KvCore core;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  public KvStore() {
    this(KvLimits.defaults());
  }

  public KvStore(KvLimits limits) {
    this.core = new KvCore(limits);
  }

  @Override
  public String name() {
    return NAME;
  }

  public KvLimits limits() {
    return core.limits();
  }

  @Override
  public byte[] apply(long index, byte[] command) {
    byte[] result = applyLocked(index, command);
    for (Runnable listener : listeners) {
      listener.run();
    }
    return result;
  }

  private synchronized byte[] applyLocked(long index, byte[] command) {
    core.begin(index);
    try {
      if (command.length > 0 && command[0] == JSON_OP_CHAR) {
        KvCommand c;
        try {
          c = KvCodec.MAPPER.readValue(command, 1, command.length - 1, KvCommand.class);
        } catch (IOException e) {
          return encode(new Reply(Reply.BAD_REQUEST, "malformed KV command: " + firstLine(e), null));
        }
        return encode(core.execute(c));
      }
      KvOp op;
      try {
        op = KvOp.decode(command);
      } catch (IllegalArgumentException e) {
        return invalid().encode();
      }
      return execute(op).encode();
    } finally {
      core.end();
    }
  }

  private KvResult execute(KvOp op) {
    if (op instanceof KvOp.Get) {
      return read(op.key());
    }
    if (Keys.unwritableReason(op.key()) != null) {
      return invalid();
    }
    if (op instanceof KvOp.Put p) {
      return KvOp.invalidReason(p.key(), p.value()) != null || p.value() == null ? invalid()
          : new KvResult(KvResult.Status.OK, core.plainPut(p.key(), p.value()), null);
    }
    if (op instanceof KvOp.CompareAndSet c) {
      if (KvOp.invalidReason(c.key(), c.expected(), c.value()) != null || c.value() == null) {
        return invalid();
      }
      KeyValue current = core.get(c.key());
      byte[] now = current == null ? null : current.value();
      boolean matches = c.expected() == null ? now == null : now != null && Arrays.equals(now, c.expected());
      return matches ? new KvResult(KvResult.Status.OK, core.plainPut(c.key(), c.value()), null)
          : new KvResult(KvResult.Status.MISMATCH, current == null ? 0 : current.modRevision(), now == null ? null : now.clone());
    }
    return core.plainDelete(op.key()) ? new KvResult(KvResult.Status.OK, core.lastApplied(), null)
        : new KvResult(KvResult.Status.NOT_FOUND, 0, null);
  }

  private static KvResult invalid() {
    return new KvResult(KvResult.Status.INVALID, 0, null);
  }

  private KvResult read(String key) {
    if (KvOp.invalidReason(key) != null) {
      return invalid();
    }
    KeyValue e = core.get(key);
    return e == null ? new KvResult(KvResult.Status.NOT_FOUND, 0, null)
        : new KvResult(KvResult.Status.OK, e.modRevision(), e.value().clone());
  }

  @Override
  public synchronized byte[] query(byte[] query) {
    if (query.length > 0 && query[0] == JSON_OP_CHAR) {
      try {
        return encode(core.query(KvCodec.MAPPER.readValue(query, 1, query.length - 1, KvQuery.class)));
      } catch (IOException e) {
        return encode(new Reply(Reply.BAD_REQUEST, "malformed KV query: " + firstLine(e), null));
      }
    }
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

  // ---- for the routes of this node: its own applied state ----

  /** Events from revision {@code from} under {@code prefix}, about {@code max}; see {@link KvCore#eventsFrom}. */
  public synchronized List<Event> eventsFrom(long from, String prefix, int max) {
    return core.eventsFrom(from, prefix, max);
  }

  public synchronized long revision() {
    return core.revision();
  }

  public synchronized long compacted() {
    return core.compacted();
  }

  public synchronized int leaseCount() {
    return core.leaseCount();
  }

  /** Runs {@code listener} after every applied command (on the applying thread: keep it short). */
  public void addListener(Runnable listener) {
    listeners.add(listener);
  }

  public void removeListener(Runnable listener) {
    listeners.remove(listener);
  }

  public synchronized int size() {
    return core.liveKeys();
  }

  /** Checks every invariant; O(state), for tests. */
  public synchronized void checkInvariants() {
    core.checkInvariants();
  }

  @Override
  public synchronized byte[] snapshot() {
    return KvSnapshot.write(core);
  }

  @Override
  public synchronized void restore(byte[] snapshot) {
    KvSnapshot.read(snapshot, core);
  }

  @Override
  public synchronized long lastAppliedIndex() {
    return core.lastApplied();
  }

  // ---- encodings ----

  public static byte[] encode(KvCommand command) {
    return withOp(command);
  }

  public static byte[] encode(KvQuery query) {
    return withOp(query);
  }

  private static byte[] withOp(Object value) {
    try {
      byte[] json = KvCodec.MAPPER.writeValueAsBytes(value);
      byte[] out = new byte[json.length + 1];
      out[0] = JSON_OP_CHAR;
      System.arraycopy(json, 0, out, 1, json.length);
      return out;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass(), e);
    }
  }

  private static byte[] encode(Reply reply) {
    try {
      return KvCodec.MAPPER.writeValueAsBytes(reply);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a KV reply", e);
    }
  }

  public static Reply decodeReply(byte[] bytes) {
    try {
      return KvCodec.MAPPER.readValue(bytes, Reply.class);
    } catch (IOException e) {
      throw new IllegalStateException("not a KV reply: " + firstLine(e), e);
    }
  }

  private static String firstLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
