package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.check.Linearizability.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Histories of a true register: processes issue overlapping reads, writes and cas on two keys;
 * each operation takes effect at a random instant inside its interval (an unknown one anywhere
 * after its invocation, or never), applied in that order. Every such history must pass; every
 * one mutated into a certain violation must fail. A failing seed replays exactly.
 */
class GeneratedHistoriesTest {
  private static final int SEEDS = 150;

  /** One generated operation; {@code result} is filled in when applied. */
  private static final class Gen {
    String process;
    String f;
    String key;
    String value;
    String expected;
    long start;
    long end;
    long at; // when it takes effect; Long.MAX_VALUE: never
    boolean unknown;
    String type = Event.OK;
    String result;
    String error;
  }

  static List<Gen> generate(long seed) {
    Random random = new Random(seed);
    List<Gen> ops = new ArrayList<>();
    List<String> used = new ArrayList<>();
    int processes = 2 + random.nextInt(4);
    int perProcess = 10 + random.nextInt(25);
    for (int p = 0; p < processes; p++) {
      long t = random.nextInt(10);
      for (int i = 0; i < perProcess; i++) {
        Gen g = new Gen();
        g.process = "c" + p;
        g.key = random.nextInt(3) == 0 ? "y" : "x";
        int kind = random.nextInt(10);
        g.f = kind < 4 ? "read" : kind < 8 ? "write" : "cas";
        if (!g.f.equals("read")) {
          g.value = "p" + p + "-" + i;
        }
        if (g.f.equals("cas")) {
          g.expected = used.isEmpty() || random.nextInt(5) == 0 ? null : used.get(random.nextInt(used.size()));
        }
        if (g.value != null) {
          used.add(g.value);
        }
        g.start = t;
        g.end = t + 1 + random.nextInt(40);
        g.unknown = random.nextInt(12) == 0;
        if (g.unknown) {
          g.type = Event.INFO;
          g.error = "timeout";
          g.at = random.nextBoolean() ? Long.MAX_VALUE : g.start + random.nextInt(120);
        } else {
          g.at = g.start + random.nextInt((int) (g.end - g.start + 1));
        }
        ops.add(g);
        t = g.end + 1 + random.nextInt(15);
      }
    }
    List<Gen> byEffect = new ArrayList<>(ops);
    byEffect.sort(Comparator.comparingLong(g -> g.at));
    Map<String, String> register = new HashMap<>();
    for (Gen g : byEffect) {
      if (g.at == Long.MAX_VALUE) {
        continue;
      }
      String current = register.get(g.key);
      switch (g.f) {
        case "read" -> g.result = current;
        case "write" -> register.put(g.key, g.value);
        default -> {
          if (java.util.Objects.equals(current, g.expected)) {
            register.put(g.key, g.value);
          } else if (!g.unknown) {
            g.type = Event.FAIL;
            g.error = Event.MISMATCH;
            g.result = current;
          }
        }
      }
      if (g.unknown) {
        g.result = null;
      }
    }
    return ops;
  }

  static Histories toHistory(List<Gen> ops) {
    Histories h = new Histories();
    for (Gen g : ops) {
      h.op(g.process, g.f, g.key, g.value, g.expected, g.start, g.end, g.type, g.result, g.error);
    }
    return h;
  }

  @Test
  void historiesOfATrueRegisterAllPass() {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Linearizability.Result r = toHistory(generate(seed)).check();
      assertEquals(Verdict.VALID, r.verdict(), "seed " + seed + ": " + r);
    }
  }

  @Test
  void aReadOfAValueNeverWrittenAlwaysFails() {
    int mutated = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      List<Gen> ops = generate(seed);
      Gen read = ops.stream().filter(g -> g.f.equals("read") && g.type.equals(Event.OK)).findFirst().orElse(null);
      if (read == null) {
        continue;
      }
      read.result = "never-written";
      mutated++;
      Linearizability.Result r = toHistory(ops).check();
      assertEquals(Verdict.INVALID, r.verdict(), "seed " + seed);
      assertTrue(r.witnessLines().stream().anyMatch(l -> l.contains("never-written")), "seed " + seed);
    }
    assertTrue(mutated > SEEDS / 2);
  }

  @Test
  void aStaleReadAlwaysFails() {
    int mutated = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      List<Gen> ops = generate(seed);
      if (makeStale(ops)) {
        mutated++;
        Linearizability.Result r = toHistory(ops).check();
        assertEquals(Verdict.INVALID, r.verdict(), "seed " + seed);
      }
    }
    assertTrue(mutated > SEEDS / 3, "only " + mutated + " stale mutations");
  }

  /** A read made to see w1 although w2 overwrote it, both completed before the read began. */
  private static boolean makeStale(List<Gen> ops) {
    for (Gen r : ops) {
      if (!r.f.equals("read") || !r.type.equals(Event.OK)) {
        continue;
      }
      for (Gen w2 : ops) {
        if (!w2.f.equals("write") || w2.unknown || !w2.key.equals(r.key) || w2.end >= r.start) {
          continue;
        }
        for (Gen w1 : ops) {
          if (w1.f.equals("write") && !w1.unknown && w1.key.equals(r.key) && w1.end < w2.start) {
            r.result = w1.value;
            return true;
          }
        }
      }
    }
    return false;
  }

  @Test
  void aCasThatWonAgainstAValueLongGoneAlwaysFails() {
    int mutated = 0;
    for (long seed = 1; seed <= SEEDS; seed++) {
      List<Gen> ops = generate(seed);
      Gen c = null;
      for (Gen g : ops) {
        if (g.f.equals("cas") && g.type.equals(Event.OK)) {
          c = g;
          break;
        }
      }
      if (c == null) {
        continue;
      }
      // Make it expect (and win over) a value nobody ever wrote.
      c.expected = "never-written";
      mutated++;
      assertEquals(Verdict.INVALID, toHistory(ops).check().verdict(), "seed " + seed);
    }
    assertTrue(mutated > SEEDS / 4, "only " + mutated);
  }
}
