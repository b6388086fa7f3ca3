package clusternode.protocols.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.ledger.core.Command;
import clusternode.protocols.ledger.core.LedgerCodec;
import clusternode.protocols.ledger.core.Reasons;
import clusternode.protocols.ledger.core.Result;
import clusternode.protocols.ledger.core.Views;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random command streams (duplicates, invalid commands, overdrafts, pending / post / void /
 * timeouts, linked batches, malformed bytes, skewed proposer clocks) through the state machine's
 * bytes. After every command: the invariants hold (re-checked from scratch), the totals match an
 * oracle kept from the accepted commands, a second replica gave the same result bytes; at the end
 * a third replica restored from a snapshot taken midway and fed the rest has the same digest, and
 * so does one restored from the final snapshot. A failure names its seed; rerun it with
 * {@code -Dledger.seed=N}.
 */
class LedgerSimulationTest {
  private static final int SEEDS = Integer.getInteger("ledger.seeds", 150);
  private static final int COMMANDS_PER_SEED = 400;
  private static final int RETAIN_EVENTS = 64;
  private static final java.util.Map<String, Integer> REASONS = new java.util.TreeMap<>();

  @Test
  void invariantsDeterminismAndSnapshotsHoldForManySeeds() {
    Long only = Long.getLong("ledger.seed");
    long first = only != null ? only : 1;
    long last = only != null ? only : SEEDS;
    for (long seed = first; seed <= last; seed++) {
      try {
        runOne(seed);
      } catch (AssertionError | Exception e) {
        throw new AssertionError("ledger simulation failed with seed " + seed
            + " (rerun: -Dledger.seed=" + seed + "): " + e.getMessage(), e);
      }
    }
    System.out.println("ledger simulation: " + (last - first + 1) + " seeds, results by reason " + REASONS);
  }

  private static void runOne(long seed) throws java.io.IOException {
    Random random = new Random(seed);
    Generator gen = new Generator(random);
    LedgerStateMachine a = new LedgerStateMachine(RETAIN_EVENTS);
    LedgerStateMachine b = new LedgerStateMachine(RETAIN_EVENTS);
    LedgerStateMachine c = new LedgerStateMachine(RETAIN_EVENTS);
    int snapshotAt = 1 + random.nextInt(COMMANDS_PER_SEED - 1);
    List<long[]> asOfChecks = new ArrayList<>(); // {index, accountNo, balance, pending}
    long deposits = 0;
    long withdrawals = 0;
    long index = 0;
    for (int step = 0; step < COMMANDS_PER_SEED; step++) {
      index += 1 + (random.nextInt(4) == 0 ? random.nextInt(3) : 0); // indexes may skip (other machines' commands)
      byte[] command = gen.next();
      byte[] resultA = a.apply(index, command);
      byte[] resultB = b.apply(index, command);
      assertArrayEquals(resultA, resultB, "replicas disagree on the result of command " + step);
      if (step >= snapshotAt) {
        assertArrayEquals(resultA, c.apply(index, command), "restored replica disagrees at command " + step);
      }
      assertEquals(List.of(), a.ledger().verify(), "invariants after command " + step);
      Result r = LedgerCodec.MAPPER.readValue(resultA, Result.class);
      if (r.ok() && !r.duplicate()) {
        long[] delta = gen.moneyDelta(LedgerCodec.MAPPER.readValue(command, Command.class), r);
        deposits += delta[0];
        withdrawals += delta[1];
      }
      REASONS.merge(r.ok() ? (r.duplicate() ? "ok(duplicate)" : "ok") : r.reason(), 1, Integer::sum);
      if (step % 25 == 0 || step == COMMANDS_PER_SEED - 1) {
        Views.Audit audit = a.ledger().audit();
        assertTrue(audit.ok(), audit.problems()::toString);
        assertEquals(deposits, audit.deposits(), "deposits oracle");
        assertEquals(withdrawals, audit.withdrawals(), "withdrawals oracle");
        assertEquals(deposits - withdrawals, audit.totalBalance(), "sum of balances");
      }
      if (step == snapshotAt - 1) {
        c.restore(a.snapshot());
        assertEquals(a.ledger().digest(), c.ledger().digest(), "digest right after restore");
      }
      if (random.nextInt(10) == 0) {
        int no = random.nextInt(Generator.ACCOUNTS);
        try {
          Views.Balance v = a.ledger().balance("a" + no);
          asOfChecks.add(new long[] {index, no, v.balance(), v.pending()});
        } catch (Views.Rejected e) {
          assertEquals(Reasons.UNKNOWN_ACCOUNT, e.reason());
        }
      }
    }
    assertEquals(a.ledger().digest(), b.ledger().digest(), "two replicas, same commands");
    assertEquals(a.ledger().digest(), c.ledger().digest(), "snapshot + rest equals replay from zero");
    LedgerStateMachine d = new LedgerStateMachine(RETAIN_EVENTS);
    d.restore(a.snapshot());
    assertArrayEquals(a.snapshot(), d.snapshot(), "snapshot of a restored ledger is byte-identical");
    assertEquals(a.lastAppliedIndex(), d.lastAppliedIndex());
    for (long[] check : asOfChecks) {
      try {
        Views.Balance then = a.ledger().balanceAtIndex("a" + check[1], check[0]);
        assertEquals(check[2], then.balance(), "balance as of index " + check[0]);
        assertEquals(check[3], then.pending(), "pending as of index " + check[0]);
        assertEquals(then, c.ledger().balanceAtIndex("a" + check[1], check[0]), "as-of on the restored replica");
      } catch (Views.Rejected e) {
        assertEquals(Reasons.HISTORY_TRUNCATED, e.reason());
      }
    }
  }

  /** Random commands as bytes, with a memory of earlier ones to repeat or reuse ids of. */
  private static final class Generator {
    static final int ACCOUNTS = 6;
    private final Random random;
    private final List<byte[]> sent = new ArrayList<>();
    private final List<String> transferIds = new ArrayList<>();
    private final List<String> pendingIds = new ArrayList<>();
    private long timeMs = 1_700_000_000_000L;
    private int nextId;

    Generator(Random random) {
      this.random = random;
    }

    byte[] next() throws JsonProcessingException {
      if (nextId < 4) {
        nextId++;
        return LedgerCodec.MAPPER.writeValueAsBytes(new Command.OpenAccount("a" + nextId, nextId == 2 ? 100 : 0, timeMs));
      }
      int roll = random.nextInt(100);
      if (roll < 8 && !sent.isEmpty()) {
        return sent.get(random.nextInt(sent.size())); // an exact retry
      }
      if (roll < 10) {
        return malformed();
      }
      timeMs += random.nextInt(10) == 0 ? -random.nextInt(2_000) : random.nextInt(400); // skewed clocks too
      Command c = roll < 14 ? new Command.Tick(timeMs) : roll < 24 ? batch() : single(roll < 18);
      byte[] bytes = LedgerCodec.MAPPER.writeValueAsBytes(c);
      sent.add(bytes);
      return bytes;
    }

    private byte[] malformed() {
      String[] bad = {"{", "[]", "{\"type\":\"deposit\",\"id\":\"x\",\"account\":\"a1\",\"amount\":1.5}",
          "{\"type\":\"nope\"}", "{\"type\":\"deposit\",\"id\":\"x\",\"amount\":\"7\"}", "",
          "{\"type\":\"deposit\",\"id\":\"x\",\"account\":\"a1\",\"amount\":1,\"extra\":1}"};
      return bad[random.nextInt(bad.length)].getBytes(StandardCharsets.UTF_8);
    }

    private Command batch() {
      List<Command> items = new ArrayList<>();
      int n = 1 + random.nextInt(4);
      for (int i = 0; i < n; i++) {
        items.add(single(false));
      }
      return new Command.Batch("b" + nextId++, items, timeMs);
    }

    private String account() {
      return "a" + random.nextInt(ACCOUNTS + 1); // one more than ever opened: unknown_account
    }

    private String id(boolean reuse) {
      if (reuse && !transferIds.isEmpty()) {
        return transferIds.get(random.nextInt(transferIds.size())); // same id, maybe another body
      }
      String id = "t" + nextId++;
      transferIds.add(id);
      return id;
    }

    private long amount() {
      int roll = random.nextInt(40);
      return roll == 0 ? 0 : roll == 1 ? -5 : roll == 2 ? Long.MAX_VALUE - random.nextInt(3) : 1 + random.nextInt(300);
    }

    private String pendingId() {
      int roll = random.nextInt(10);
      if (roll < 7 && !pendingIds.isEmpty()) {
        return pendingIds.get(random.nextInt(pendingIds.size()));
      }
      return transferIds.isEmpty() || roll == 9 ? "missing" + random.nextInt(3)
          : transferIds.get(random.nextInt(transferIds.size()));
    }

    private Command single(boolean reuseId) {
      switch (random.nextInt(9)) {
        case 0:
          return new Command.OpenAccount("a" + random.nextInt(ACCOUNTS), random.nextInt(3) == 0 ? random.nextInt(200) : 0,
              timeMs);
        case 1:
          return new Command.Deposit(id(reuseId), account(), amount(), timeMs);
        case 2:
          return new Command.Withdraw(id(reuseId), account(), amount(), timeMs);
        case 3:
        case 4:
          return new Command.Transfer(id(reuseId), account(), account(), amount(), false, 0, timeMs);
        case 5:
          String id = id(reuseId);
          pendingIds.add(id);
          return new Command.Transfer(id, account(), account(), amount(), true,
              random.nextBoolean() ? 0 : random.nextInt(3_000), timeMs);
        case 6:
          return new Command.PostPending(pendingId(), random.nextBoolean() ? 0 : random.nextInt(200), timeMs);
        case 7:
          return new Command.VoidPending(pendingId(), timeMs);
        default:
          return new Command.Deposit(id(reuseId), account(), 1 + random.nextInt(1000), timeMs);
      }
    }

    /** {deposited, withdrawn} by a command that was freshly accepted. */
    long[] moneyDelta(Command c, Result r) {
      long[] out = new long[2];
      if (c instanceof Command.Deposit d) {
        out[0] = d.amount();
      } else if (c instanceof Command.Withdraw w) {
        out[1] = w.amount();
      } else if (c instanceof Command.Batch b) {
        for (Command item : b.items()) {
          long[] inner = moneyDelta(item, r);
          out[0] += inner[0];
          out[1] += inner[1];
        }
      }
      return out;
    }
  }
}
