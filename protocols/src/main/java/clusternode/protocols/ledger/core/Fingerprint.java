package clusternode.protocols.ledger.core;

/**
 * A 64-bit FNV-1a hash of a command's body, its time left out: what the ledger remembers of a
 * command to tell a retry from an id reused for something else, instead of the whole command.
 * Specified here byte by byte (not {@code hashCode}), so every replica on every JVM computes the
 * same value. A collision (odds 2^-64) would only hide the "id reused" flag; nothing is applied twice.
 */
final class Fingerprint {
  private static final long OFFSET = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;
  private long hash = OFFSET;

  static long of(Command c) {
    Fingerprint f = new Fingerprint().add(c.type()).add(c.id());
    if (c instanceof Command.OpenAccount o) {
      f.add(o.limit());
    } else if (c instanceof Command.Deposit d) {
      f.add(d.account()).add(d.amount());
    } else if (c instanceof Command.Withdraw w) {
      f.add(w.account()).add(w.amount());
    } else if (c instanceof Command.Transfer t) {
      f.add(t.from()).add(t.to()).add(t.amount()).add(t.pending() ? 1 : 0).add(t.timeoutMs());
    } else if (c instanceof Command.PostPending p) {
      f.add(p.amount());
    } else if (c instanceof Command.Batch b) {
      f.add(b.items() == null ? -1 : b.items().size());
      if (b.items() != null) {
        for (Command item : b.items()) {
          f.add(item == null ? 0 : of(item));
        }
      }
    }
    return f.hash;
  }

  private Fingerprint add(String s) {
    if (s == null) {
      return add(-1L);
    }
    add(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      mix(ch);
      mix(ch >>> 8);
    }
    return this;
  }

  private Fingerprint add(long v) {
    for (int i = 0; i < 8; i++) {
      mix((int) (v >>> (8 * i)));
    }
    return this;
  }

  private void mix(int b) {
    hash ^= b & 0xff;
    hash *= PRIME;
  }
}
