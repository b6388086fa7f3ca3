package clusternode.gossip.crdt;

import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An observed-remove set of strings with add-wins semantics, without tombstones: each present
 * element carries the dots of the adds that made it present, and the causal {@link DotContext}
 * remembers every dot seen. A remove only drops the element's dots; the merge then knows a dot
 * that is in one replica's context but not in its elements was removed, while a dot the other
 * replica has never seen is a concurrent add, which wins. Removed elements leave nothing behind
 * but the (compact) version vector.
 */
public record ORSet(SortedMap<String, SortedSet<Dot>> entries, DotContext context) implements Crdt<ORSet> {
  public static final ORSet EMPTY = new ORSet(new TreeMap<>(), DotContext.EMPTY);

  public ORSet {
    TreeMap<String, SortedSet<Dot>> copy = new TreeMap<>();
    entries.forEach((e, dots) -> {
      if (e == null || dots == null) {
        throw new IllegalArgumentException("null element or dots");
      }
      if (!dots.isEmpty()) {
        copy.put(e, Collections.unmodifiableSortedSet(new TreeSet<>(dots)));
      }
    });
    entries = Collections.unmodifiableSortedMap(copy);
    if (context == null) {
      throw new IllegalArgumentException("an ORSet needs a context");
    }
    for (SortedSet<Dot> dots : entries.values()) {
      for (Dot d : dots) {
        if (!context.contains(d)) {
          throw new IllegalArgumentException("dot " + d + " is not in the context " + context);
        }
      }
    }
  }

  public SortedSet<String> elements() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(entries.keySet()));
  }

  public boolean contains(String element) {
    return entries.containsKey(element);
  }

  /** The delta of adding {@code element} at {@code replica}: a fresh dot that supersedes the element's old dots. */
  public ORSet addDelta(String replica, String element) {
    Dot dot = context.nextDot(replica);
    TreeSet<Dot> seen = new TreeSet<>(entries.getOrDefault(element, Collections.emptySortedSet()));
    seen.add(dot);
    TreeMap<String, SortedSet<Dot>> e = new TreeMap<>();
    e.put(element, new TreeSet<>(Collections.singleton(dot)));
    return new ORSet(e, DotContext.ofDots(seen));
  }

  /** The delta of removing {@code element}: the dots observed for it, and no element. */
  public ORSet removeDelta(String element) {
    TreeSet<Dot> seen = new TreeSet<>(entries.getOrDefault(element, Collections.emptySortedSet()));
    return new ORSet(new TreeMap<>(), DotContext.ofDots(seen));
  }

  public ORSet add(String replica, String element) {
    return merge(addDelta(replica, element));
  }

  public ORSet remove(String element) {
    return merge(removeDelta(element));
  }

  @Override
  public ORSet merge(ORSet other) {
    TreeMap<String, SortedSet<Dot>> out = new TreeMap<>();
    TreeSet<String> keys = new TreeSet<>(entries.keySet());
    keys.addAll(other.entries.keySet());
    for (String k : keys) {
      SortedSet<Dot> mine = entries.getOrDefault(k, Collections.emptySortedSet());
      SortedSet<Dot> theirs = other.entries.getOrDefault(k, Collections.emptySortedSet());
      TreeSet<Dot> kept = new TreeSet<>();
      for (Dot d : mine) {
        if (theirs.contains(d) || !other.context.contains(d)) {
          kept.add(d);
        }
      }
      for (Dot d : theirs) {
        if (!context.contains(d)) {
          kept.add(d);
        }
      }
      if (!kept.isEmpty()) {
        out.put(k, kept);
      }
    }
    return new ORSet(out, context.merge(other.context));
  }

}
