package clusternode.gossip.crdt;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/** A grow-only set of strings: merge is union. */
public record GSet(SortedSet<String> elements) implements Crdt<GSet> {
  public static final GSet EMPTY = new GSet(new TreeSet<>());

  public GSet {
    for (String e : elements) {
      if (e == null) {
        throw new IllegalArgumentException("null element");
      }
    }
    elements = Collections.unmodifiableSortedSet(new TreeSet<>(elements));
  }

  public boolean contains(String element) {
    return elements.contains(element);
  }

  public GSet addDelta(String element) {
    TreeSet<String> d = new TreeSet<>();
    d.add(element);
    return new GSet(d);
  }

  public GSet add(String element) {
    return merge(addDelta(element));
  }

  @Override
  public GSet merge(GSet other) {
    TreeSet<String> u = new TreeSet<>(elements);
    u.addAll(other.elements);
    return new GSet(u);
  }
}
