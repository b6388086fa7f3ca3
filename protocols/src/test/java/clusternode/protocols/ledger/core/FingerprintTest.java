package clusternode.protocols.ledger.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fingerprints are kept in snapshots, so their value is a format: the fast {@link Fingerprint}
 * must give exactly the FNV-1a of the specification, byte by byte, written out plainly here.
 */
class FingerprintTest {
  /** The specification: FNV-1a over type, id, then the body's fields; strings as length then UTF-16LE chars. */
  private static final class Reference {
    private long hash = 0xcbf29ce484222325L;

    static long of(Command c) {
      Reference f = new Reference().add(c.type()).add(c.id());
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

    private Reference add(String s) {
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

    private Reference add(long v) {
      for (int i = 0; i < 8; i++) {
        mix((int) (v >>> (8 * i)));
      }
      return this;
    }

    private void mix(int b) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
  }

  @Test
  void equalsTheByteByByteSpecification() {
    Random random = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      Command c = randomCommand(random, true);
      assertEquals(Reference.of(c), Fingerprint.of(c), c::toString);
    }
  }

  @Test
  void aKnownValueStaysTheSame() {
    // Pinned (computed independently of this code): a change here changes what snapshots hold.
    Command c = new Command.Transfer("t-1", "acct-1", "acct-8", 1, false, 0, 0);
    assertEquals(0x757b80499940b39dL, Reference.of(c));
    assertEquals(0x757b80499940b39dL, Fingerprint.of(c));
  }

  private static Command randomCommand(Random random, boolean batch) {
    String id = randomString(random);
    long amount = randomLong(random);
    return switch (random.nextInt(batch ? 8 : 7)) {
      case 0 -> new Command.OpenAccount(id, amount, random.nextLong());
      case 1 -> new Command.Deposit(id, randomString(random), amount, 0);
      case 2 -> new Command.Withdraw(id, randomString(random), amount, 0);
      case 3 -> new Command.Transfer(id, randomString(random), randomString(random), amount, random.nextBoolean(),
          randomLong(random), 0);
      case 4 -> new Command.PostPending(id, amount, 0);
      case 5 -> new Command.VoidPending(id, 0);
      case 6 -> new Command.Tick(amount);
      default -> {
        List<Command> items = new ArrayList<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          items.add(randomCommand(random, false));
        }
        yield new Command.Batch(id, random.nextInt(10) == 0 ? null : items, 0);
      }
    };
  }

  /** Small, large, negative, and each byte width. */
  private static long randomLong(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> 0;
      case 1 -> random.nextLong();
      case 2 -> random.nextLong() >>> random.nextInt(64);
      default -> -random.nextInt(1000);
    };
  }

  /** Null, empty, ASCII, Latin-1 and wider chars. */
  private static String randomString(Random random) {
    if (random.nextInt(20) == 0) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    int n = random.nextInt(12);
    for (int i = 0; i < n; i++) {
      int kind = random.nextInt(10);
      b.append((char) (kind < 7 ? 'a' + random.nextInt(26) : kind < 9 ? random.nextInt(0x100) : random.nextInt(0x10000)));
    }
    return b.toString();
  }
}
