package clusternode.protocols.ledger.core;

import java.util.Arrays;

/**
 * Every command's idempotency key (its space and id, see {@link Command#key()}) with the command's
 * {@link Fingerprint} and first result, kept for the ledger's lifetime.
 *
 * <p>One open-addressing hash table per space, in parallel primitive arrays: a key costs no
 * objects of its own (a {@code HashMap} spends a node and a value object per key, which every
 * young collection then copies). A plain acceptance ({@code ok}, no detail, no items: the common
 * case) is kept as its type, index and time and rebuilt, equal, when asked for; any other result is
 * kept as is. Iteration ({@link #forEachSorted}) is by space, then id: the same order on every replica.
 */
final class IdempotencyKeys {
  /** The spaces, sorted: the order of {@link #forEachSorted}. */
  static final String[] SPACES = {"account", "batch", "post", "transfer", "void"};
  /** The types of the commands whose plain acceptance is kept compactly; code {@code i + 1}. */
  private static final String[] TYPES = {"open", "deposit", "withdraw", "transfer", "post", "void"};

  private final Table[] tables = new Table[SPACES.length];

  IdempotencyKeys() {
    for (int i = 0; i < tables.length; i++) {
      tables[i] = new Table();
    }
  }

  /** What is kept of a command: its fingerprint and first result. */
  record Recorded(long fingerprint, Result result) {}

  /** A visitor of {@link #forEachSorted}. */
  interface Visitor {
    void visit(String space, String id, long fingerprint, Result result);
  }

  /** Whether {@code space} is one of {@link #SPACES}. */
  static boolean knownSpace(String space) {
    return spaceIndex(space) >= 0;
  }

  private static int spaceIndex(String space) {
    if (space == null) {
      return -1;
    }
    switch (space) {
      case "account":
        return 0;
      case "batch":
        return 1;
      case "post":
        return 2;
      case "transfer":
        return 3;
      case "void":
        return 4;
      default:
        return -1;
    }
  }

  private Table table(String space) {
    int i = spaceIndex(space);
    if (i < 0) {
      throw new IllegalArgumentException("no id space " + space);
    }
    return tables[i];
  }

  /** The first result of the command with this key, or null. */
  Recorded get(String space, String id) {
    return table(space).get(id);
  }

  boolean contains(String space, String id) {
    return table(space).find(id) >= 0;
  }

  /** Records a new key. @throws IllegalStateException if it is recorded already */
  void put(String space, String id, long fingerprint, Result result) {
    if (id == null || result == null) {
      throw new IllegalArgumentException("a key needs an id and a result: " + space + "/" + id);
    }
    table(space).put(id, fingerprint, result, space);
  }

  long size() {
    long n = 0;
    for (Table t : tables) {
      n += t.size;
    }
    return n;
  }

  /** Visits every key, by space then id. */
  void forEachSorted(Visitor visitor) {
    for (int s = 0; s < SPACES.length; s++) {
      Table t = tables[s];
      String[] ids = t.ids();
      Arrays.sort(ids);
      for (String id : ids) {
        int slot = t.find(id);
        visitor.visit(SPACES[s], id, t.fingerprints[slot], t.result(slot));
      }
    }
  }

  /** Linear probing over a power-of-two capacity, at most 2/3 full; keys are never removed. */
  private static final class Table {
    /** Each key's {@link #hashOf}, never 0; 0: the slot is free (so probing reads this array only). */
    private int[] hashes;
    private String[] ids;
    private long[] fingerprints;
    /** 0: the result is in {@link #results}; {@code i + 1}: a plain acceptance of {@code TYPES[i]}. */
    private byte[] types;
    private long[] indexes;
    private long[] timesMs;
    private Result[] results;
    private int size;

    Table() {
      allocate(16);
    }

    private void allocate(int capacity) {
      hashes = new int[capacity];
      ids = new String[capacity];
      fingerprints = new long[capacity];
      types = new byte[capacity];
      indexes = new long[capacity];
      timesMs = new long[capacity];
      results = new Result[capacity];
    }

    private static int slotOf(int hash, int mask) {
      int x = hash * 0x9E3779B9; // spreads String.hashCode's similar low bits over the table
      return (x ^ (x >>> 16)) & mask;
    }

    private static int hashOf(String id) {
      int h = id.hashCode();
      return h == 0 ? 1 : h;
    }

    /** The slot holding {@code id}, or {@code -1 - freeSlot}. */
    int find(String id) {
      int h = hashOf(id);
      int mask = hashes.length - 1;
      for (int slot = slotOf(h, mask); ; slot = (slot + 1) & mask) {
        int k = hashes[slot];
        if (k == 0) {
          return -1 - slot;
        }
        if (k == h && ids[slot].equals(id)) {
          return slot;
        }
      }
    }

    Recorded get(String id) {
      int slot = find(id);
      return slot < 0 ? null : new Recorded(fingerprints[slot], result(slot));
    }

    Result result(int slot) {
      int type = types[slot];
      if (type == 0) {
        return results[slot];
      }
      return new Result(ids[slot], TYPES[type - 1], true, indexes[slot], timesMs[slot], null, null, null, false, null);
    }

    void put(String id, long fingerprint, Result result, String space) {
      if ((size + 1) * 3L > ids.length * 2L) {
        grow();
      }
      int slot = find(id);
      if (slot >= 0) {
        throw new IllegalStateException("id recorded twice: " + space + "/" + id);
      }
      slot = -1 - slot;
      hashes[slot] = hashOf(id);
      ids[slot] = id;
      fingerprints[slot] = fingerprint;
      int type = plainType(id, result);
      types[slot] = (byte) type;
      if (type == 0) {
        results[slot] = result;
      } else {
        indexes[slot] = result.index();
        timesMs[slot] = result.timeMs();
      }
      size++;
    }

    /** The code of a result {@link #result} rebuilds equal from type, index and time; 0 if none. */
    private static int plainType(String id, Result r) {
      if (!r.ok() || r.reason() != null || r.detail() != null || r.items() != null || r.duplicate()
          || r.conflict() != null || !id.equals(r.id())) {
        return 0;
      }
      for (int i = 0; i < TYPES.length; i++) {
        if (TYPES[i].equals(r.type())) {
          return i + 1;
        }
      }
      return 0;
    }

    private void grow() {
      int[] oldHashes = hashes;
      String[] oldIds = ids;
      long[] oldFingerprints = fingerprints;
      byte[] oldTypes = types;
      long[] oldIndexes = indexes;
      long[] oldTimesMs = timesMs;
      Result[] oldResults = results;
      allocate(oldIds.length * 2);
      int mask = ids.length - 1;
      for (int from = 0; from < oldIds.length; from++) {
        if (oldHashes[from] == 0) {
          continue;
        }
        int to = slotOf(oldHashes[from], mask);
        while (hashes[to] != 0) {
          to = (to + 1) & mask;
        }
        hashes[to] = oldHashes[from];
        ids[to] = oldIds[from];
        fingerprints[to] = oldFingerprints[from];
        types[to] = oldTypes[from];
        indexes[to] = oldIndexes[from];
        timesMs[to] = oldTimesMs[from];
        results[to] = oldResults[from];
      }
    }

    String[] ids() {
      String[] out = new String[size];
      int n = 0;
      for (String id : ids) {
        if (id != null) {
          out[n++] = id;
        }
      }
      return out;
    }
  }
}
