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
  /**
   * {@code PRIME^k} (mod 2^64). Mixing a zero byte only multiplies by {@code PRIME}, so the zero
   * high bytes of a small number or of a Latin-1 char are one multiplication by a power: the same
   * value as byte by byte, in about a third of the (serially dependent) multiplications.
   */
  private static final long[] PRIME_POWERS = new long[9];

  static {
    PRIME_POWERS[0] = 1;
    for (int k = 1; k < PRIME_POWERS.length; k++) {
      PRIME_POWERS[k] = PRIME_POWERS[k - 1] * PRIME;
    }
  }

  private Fingerprint() {}

  static long of(Command c) {
    long h = add(add(OFFSET, c.type()), c.id());
    if (c instanceof Command.Transfer t) {
      h = add(add(add(add(add(h, t.from()), t.to()), t.amount()), t.pending() ? 1 : 0), t.timeoutMs());
    } else if (c instanceof Command.OpenAccount o) {
      h = add(h, o.limit());
    } else if (c instanceof Command.Deposit d) {
      h = add(add(h, d.account()), d.amount());
    } else if (c instanceof Command.Withdraw w) {
      h = add(add(h, w.account()), w.amount());
    } else if (c instanceof Command.PostPending p) {
      h = add(h, p.amount());
    } else if (c instanceof Command.Batch b) {
      h = add(h, b.items() == null ? -1 : b.items().size());
      if (b.items() != null) {
        for (Command item : b.items()) {
          h = add(h, item == null ? 0 : of(item));
        }
      }
    }
    return h;
  }

  /** The length (8 bytes), then each char low byte first. */
  private static long add(long h, String s) {
    if (s == null) {
      return add(h, -1L);
    }
    h = add(h, s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < 0x100) {
        h = (h ^ ch) * PRIME_POWERS[2]; // then the zero high byte
      } else {
        h = mix(mix(h, ch), ch >>> 8);
      }
    }
    return h;
  }

  /** The 8 bytes of {@code v}, low byte first. */
  private static long add(long h, long v) {
    int bytes = 8 - Long.numberOfLeadingZeros(v) / 8; // up to the highest non-zero byte
    for (int i = 0; i < bytes; i++) {
      h = mix(h, (int) (v >>> (8 * i)));
    }
    return h * PRIME_POWERS[8 - bytes]; // the zero bytes above it
  }

  private static long mix(long h, int b) {
    return (h ^ (b & 0xff)) * PRIME;
  }
}
