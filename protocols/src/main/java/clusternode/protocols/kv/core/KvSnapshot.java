package clusternode.protocols.kv.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The whole core as bytes: magic and format version, then every key's retained versions, the
 * event history (by key and revision, pointing into those versions), leases and the lease clock,
 * fencing-token highs; a CRC32C of all of it at the end. Reading checks magic, CRC, every count
 * and every invariant, and fails with "corrupt KV snapshot: ..." rather than load half a state.
 */
public final class KvSnapshot {
  private static final int MAGIC = 0x4b565332; // "KVS2"
  private static final int MAX_COUNT = 50_000_000;

  private KvSnapshot() {}

  public static byte[] write(KvCore core) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeLong(core.lastApplied);
      out.writeLong(core.mvcc.revision());
      out.writeLong(core.mvcc.compacted());
      List<Map.Entry<String, ArrayList<KeyValue>>> keys = new ArrayList<>();
      core.mvcc.allVersions().forEach(keys::add);
      out.writeInt(keys.size());
      for (Map.Entry<String, ArrayList<KeyValue>> e : keys) {
        writeString(out, e.getKey());
        out.writeInt(e.getValue().size());
        for (KeyValue kv : e.getValue()) {
          out.writeLong(kv.createRevision());
          out.writeLong(kv.modRevision());
          out.writeLong(kv.version());
          out.writeLong(kv.lease());
          out.writeInt(kv.tombstone() ? -1 : kv.value().length);
          if (!kv.tombstone()) {
            out.write(kv.value());
          }
        }
      }
      List<Event> events = new ArrayList<>();
      core.mvcc.allEvents().forEach(events::add);
      out.writeInt(events.size());
      for (Event e : events) {
        writeString(out, e.kv().key());
        out.writeLong(e.revision());
        writeString(out, e.cause());
      }
      out.writeLong(core.leases.clockMs());
      writeString(out, core.leases.proposer());
      out.writeLong(core.leases.intervalMs());
      out.writeInt(core.leases.size());
      for (Leases.Lease l : core.leases.all()) {
        out.writeLong(l.id);
        out.writeLong(l.ttlMs);
        out.writeLong(l.expiresAtMs);
      }
      out.writeInt(core.highestToken.size());
      for (Map.Entry<String, Long> e : core.highestToken.entrySet()) {
        writeString(out, e.getKey());
        out.writeLong(e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] body = bytes.toByteArray();
    CRC32C crc = new CRC32C();
    crc.update(body);
    byte[] out = new byte[body.length + 4];
    System.arraycopy(body, 0, out, 0, body.length);
    int c = (int) crc.getValue();
    out[body.length] = (byte) (c >>> 24);
    out[body.length + 1] = (byte) (c >>> 16);
    out[body.length + 2] = (byte) (c >>> 8);
    out[body.length + 3] = (byte) c;
    return out;
  }

  /** Replaces {@code core}'s state with the snapshot's, or throws and leaves it as it was. */
  public static void read(byte[] snapshot, KvCore core) {
    if (snapshot.length < 8) {
      throw corrupt("only " + snapshot.length + " bytes");
    }
    CRC32C crc = new CRC32C();
    crc.update(snapshot, 0, snapshot.length - 4);
    int stored = ((snapshot[snapshot.length - 4] & 0xff) << 24) | ((snapshot[snapshot.length - 3] & 0xff) << 16)
        | ((snapshot[snapshot.length - 2] & 0xff) << 8) | (snapshot[snapshot.length - 1] & 0xff);
    if (stored != (int) crc.getValue()) {
      throw corrupt("checksum mismatch (torn or altered)");
    }
    KvCore fresh = new KvCore(core.limits());
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot, 0, snapshot.length - 4))) {
      if (in.readInt() != MAGIC) {
        throw corrupt("not a KV snapshot of this format (bad magic)");
      }
      long applied = in.readLong();
      long revision = in.readLong();
      long compacted = in.readLong();
      TreeMap<String, ArrayList<KeyValue>> versions = new TreeMap<>();
      int keyCount = count(in);
      for (int i = 0; i < keyCount; i++) {
        String key = readString(in);
        int n = count(in);
        ArrayList<KeyValue> vs = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
          long create = in.readLong();
          long mod = in.readLong();
          long version = in.readLong();
          long lease = in.readLong();
          int length = in.readInt();
          if (length < -1 || length > Keys.MAX_VALUE_BYTES) {
            throw corrupt("value of " + length + " bytes");
          }
          byte[] value = length < 0 ? null : in.readNBytes(length);
          if (value != null && value.length != length) {
            throw corrupt("truncated value");
          }
          vs.add(new KeyValue(key, value, create, mod, version, lease));
        }
        versions.put(key, vs);
      }
      int eventCount = count(in);
      List<Event> events = new ArrayList<>(eventCount);
      for (int i = 0; i < eventCount; i++) {
        String key = readString(in);
        long rev = in.readLong();
        String cause = readString(in);
        KeyValue kv = null;
        for (KeyValue v : versions.getOrDefault(key, new ArrayList<>())) {
          if (v.modRevision() == rev) {
            kv = v;
          }
        }
        if (kv == null) {
          throw corrupt("event of " + key + "@" + rev + " without its version");
        }
        events.add(new Event(rev, kv.tombstone() ? Event.Type.DELETE : Event.Type.PUT, kv, cause));
      }
      long clock = in.readLong();
      String proposer = readString(in);
      long interval = in.readLong();
      int leaseCount = count(in);
      Map<Long, Leases.Lease> leases = new LinkedHashMap<>();
      for (int i = 0; i < leaseCount; i++) {
        Leases.Lease l = new Leases.Lease(in.readLong(), in.readLong(), in.readLong());
        leases.put(l.id, l);
      }
      int tokenCount = count(in);
      for (int i = 0; i < tokenCount; i++) {
        fresh.highestToken.put(readString(in), in.readLong());
      }
      if (in.available() > 0) {
        throw corrupt("trailing bytes");
      }
      fresh.mvcc.restore(revision, compacted, versions, events);
      for (Map.Entry<String, ArrayList<KeyValue>> e : versions.entrySet()) {
        KeyValue kv = fresh.mvcc.get(e.getKey());
        if (kv != null && kv.lease() != 0) {
          Leases.Lease l = leases.get(kv.lease());
          if (l == null) {
            throw corrupt("key " + kv.key() + " attached to missing lease " + kv.lease());
          }
          l.keys.add(kv.key());
        }
      }
      fresh.leases.restore(clock, proposer, interval, leases);
      fresh.lastApplied = applied;
      fresh.checkInvariants();
    } catch (IOException | IllegalStateException | IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("corrupt KV snapshot")) {
        throw (RuntimeException) e;
      }
      throw corrupt(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    core.adopt(fresh);
  }

  private static int count(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_COUNT) {
      throw corrupt("count " + n + " out of range");
    }
    return n;
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 4 * Keys.MAX_KEY_BYTES) {
      throw corrupt("string of " + n + " bytes");
    }
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw corrupt("truncated string");
    }
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static IllegalStateException corrupt(String why) {
    return new IllegalStateException("corrupt KV snapshot: " + why);
  }
}
