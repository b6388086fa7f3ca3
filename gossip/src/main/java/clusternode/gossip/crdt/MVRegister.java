package clusternode.gossip.crdt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A multi-value register. Each write carries a vector clock that dominates every value its writer
 * had seen; merge keeps every value not dominated by another, so concurrent writes survive side by
 * side as siblings and are shown to the reader, who resolves them with the next write.
 */
public record MVRegister(List<Sibling> siblings) implements Crdt<MVRegister> {
  public static final MVRegister EMPTY = new MVRegister(List.of());
  private static final Comparator<Sibling> ORDER = Comparator.comparing((Sibling s) -> s.clock().toString())
      .thenComparing(Sibling::value);

  /** One value and the clock of the write that made it. */
  public record Sibling(String value, VectorClock clock) {
    public Sibling {
      if (value == null || clock == null) {
        throw new IllegalArgumentException("a sibling needs a value and a clock");
      }
    }
  }

  public MVRegister {
    siblings = prune(siblings);
  }

  /** The clock that dominates every sibling. */
  public VectorClock clock() {
    VectorClock c = VectorClock.EMPTY;
    for (Sibling s : siblings) {
      c = c.merge(s.clock());
    }
    return c;
  }

  public List<String> values() {
    return siblings.stream().map(Sibling::value).toList();
  }

  /** The delta of writing {@code value} at {@code replica}: it supersedes every sibling seen. */
  public MVRegister writeDelta(String replica, String value) {
    return new MVRegister(List.of(new Sibling(value, clock().increment(replica))));
  }

  public MVRegister write(String replica, String value) {
    return merge(writeDelta(replica, value));
  }

  @Override
  public MVRegister merge(MVRegister other) {
    List<Sibling> all = new ArrayList<>(siblings);
    all.addAll(other.siblings);
    return new MVRegister(all);
  }

  /** Drops dominated and duplicate siblings and sorts the rest, so equal states are equal records. */
  private static List<Sibling> prune(List<Sibling> in) {
    List<Sibling> out = new ArrayList<>();
    for (Sibling s : in) {
      boolean dominated = false;
      for (Sibling t : in) {
        if (s.clock().compare(t.clock()) == VectorClock.Order.BEFORE) {
          dominated = true;
          break;
        }
      }
      if (!dominated && !out.contains(s)) {
        out.add(s);
      }
    }
    out.sort(ORDER);
    return List.copyOf(out);
  }
}
