package clusternode.gossip.crdt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The semilattice laws of every CRDT, over thousands of seeded random states. States come from
 * random histories (replicas applying delta-mutators and merging now and then), so they are the
 * states real replicas reach. A failure names its seed.
 */
class CrdtLawsTest {
  private static final int CASES = 2_000;
  private static final String[] REPLICAS = {"a", "b", "c", "d"};
  private static final String[] ELEMENTS = {"x", "y", "z", "w"};

  /** How to make random updates of one CRDT type. */
  interface Model<T extends Crdt<T>> {
    T empty();

    /** A delta of one random update made at {@code replica} on {@code state}. */
    T randomDelta(T state, String replica, Random random);
  }


  static List<Named<?>> models() {
    return List.of(
        new Named<>("GCounter", new Model<GCounter>() {
          public GCounter empty() {
            return GCounter.EMPTY;
          }

          public GCounter randomDelta(GCounter s, String r, Random rnd) {
            return s.incrementDelta(r, rnd.nextInt(5));
          }
        }),
        new Named<>("PNCounter", new Model<PNCounter>() {
          public PNCounter empty() {
            return PNCounter.EMPTY;
          }

          public PNCounter randomDelta(PNCounter s, String r, Random rnd) {
            return s.addDelta(r, rnd.nextInt(11) - 5);
          }
        }),
        new Named<>("GSet", new Model<GSet>() {
          public GSet empty() {
            return GSet.EMPTY;
          }

          public GSet randomDelta(GSet s, String r, Random rnd) {
            return s.addDelta(ELEMENTS[rnd.nextInt(ELEMENTS.length)]);
          }
        }),
        new Named<>("ORSet", new Model<ORSet>() {
          public ORSet empty() {
            return ORSet.EMPTY;
          }

          public ORSet randomDelta(ORSet s, String r, Random rnd) {
            String e = ELEMENTS[rnd.nextInt(ELEMENTS.length)];
            return rnd.nextInt(3) == 0 ? s.removeDelta(e) : s.addDelta(r, e);
          }
        }),
        new Named<>("LWWRegister", new Model<LWWRegister>() {
          public LWWRegister empty() {
            return LWWRegister.EMPTY;
          }

          public LWWRegister randomDelta(LWWRegister s, String r, Random rnd) {
            // small physical times make equal timestamps (ties) common
            return s.writeDelta(r, ELEMENTS[rnd.nextInt(ELEMENTS.length)],
                new HybridTimestamp(rnd.nextInt(4), rnd.nextInt(2)));
          }
        }),
        new Named<>("MVRegister", new Model<MVRegister>() {
          public MVRegister empty() {
            return MVRegister.EMPTY;
          }

          public MVRegister randomDelta(MVRegister s, String r, Random rnd) {
            return s.writeDelta(r, ELEMENTS[rnd.nextInt(ELEMENTS.length)]);
          }
        }),
        new Named<>("ORMap<PNCounter>", new Model<ORMap<PNCounter>>() {
          public ORMap<PNCounter> empty() {
            return ORMap.empty();
          }

          public ORMap<PNCounter> randomDelta(ORMap<PNCounter> s, String r, Random rnd) {
            String k = ELEMENTS[rnd.nextInt(ELEMENTS.length)];
            if (rnd.nextInt(4) == 0) {
              return s.removeDelta(k);
            }
            PNCounter v = s.values().getOrDefault(k, PNCounter.EMPTY);
            return s.updateDelta(r, k, v.addDelta(r, rnd.nextInt(7) - 3));
          }
        }));
  }

  record Named<T extends Crdt<T>>(String name, Model<T> model) {}

  /** Replica states after a random history, plus every delta made along the way. */
  record History<T>(List<T> states, List<T> deltas) {}

  static <T extends Crdt<T>> History<T> history(Model<T> model, Random rnd) {
    List<T> states = new ArrayList<>();
    for (int i = 0; i < REPLICAS.length; i++) {
      states.add(model.empty());
    }
    List<T> deltas = new ArrayList<>();
    int steps = 1 + rnd.nextInt(12);
    for (int s = 0; s < steps; s++) {
      int i = rnd.nextInt(REPLICAS.length);
      if (rnd.nextInt(4) == 0) {
        int j = rnd.nextInt(REPLICAS.length);
        states.set(i, states.get(i).merge(states.get(j)));
      } else {
        T d = model.randomDelta(states.get(i), REPLICAS[i], rnd);
        deltas.add(d);
        states.set(i, states.get(i).merge(d));
      }
    }
    return new History<>(states, deltas);
  }

  @TestFactory
  Stream<DynamicTest> mergeIsCommutativeAssociativeIdempotent() {
    return models().stream().map(n -> DynamicTest.dynamicTest(n.name(), () -> checkLaws(n)));
  }

  private static <T extends Crdt<T>> void checkLaws(Named<T> named) {
    for (int c = 0; c < CASES; c++) {
      long seed = named.name().hashCode() * 1_000_003L + c;
      Random rnd = new Random(seed);
      History<T> h = history(named.model(), rnd);
      List<T> pool = new ArrayList<>(h.states());
      pool.addAll(h.deltas());
      T a = pool.get(rnd.nextInt(pool.size()));
      T b = pool.get(rnd.nextInt(pool.size()));
      T x = pool.get(rnd.nextInt(pool.size()));
      String where = named.name() + " seed " + seed;
      assertEquals(a.merge(b), b.merge(a), "commutative, " + where);
      assertEquals(a.merge(b).merge(x), a.merge(b.merge(x)), "associative, " + where);
      assertEquals(a, a.merge(a), "idempotent, " + where);
      assertEquals(a.merge(b), a.merge(b).merge(b), "absorbs what it has seen, " + where);
    }
  }

  @TestFactory
  Stream<DynamicTest> anyDeliveryOrderOfTheDeltasGivesTheSameState() {
    return models().stream().map(n -> DynamicTest.dynamicTest(n.name(), () -> checkOrders(n)));
  }

  private static <T extends Crdt<T>> void checkOrders(Named<T> named) {
    for (int c = 0; c < CASES / 4; c++) {
      long seed = named.name().hashCode() * 7_919L + c;
      Random rnd = new Random(seed);
      History<T> h = history(named.model(), rnd);
      T expected = fold(named.model().empty(), h.deltas());
      // the replicas' states are joins of some deltas, so the join of all deltas covers them
      for (T s : h.states()) {
        assertEquals(expected, expected.merge(s), "states are covered by their deltas, seed " + seed);
      }
      for (int perm = 0; perm < 4; perm++) {
        List<T> shuffled = new ArrayList<>(h.deltas());
        Collections.shuffle(shuffled, rnd);
        List<T> withDuplicates = new ArrayList<>(shuffled);
        if (!shuffled.isEmpty()) {
          withDuplicates.add(rnd.nextInt(withDuplicates.size() + 1), shuffled.get(rnd.nextInt(shuffled.size())));
        }
        assertEquals(expected, fold(named.model().empty(), withDuplicates),
            named.name() + " order " + perm + ", seed " + seed);
      }
    }
  }

  private static <T extends Crdt<T>> T fold(T start, List<T> parts) {
    T s = start;
    for (T p : parts) {
      s = s.merge(p);
    }
    return s;
  }


}
