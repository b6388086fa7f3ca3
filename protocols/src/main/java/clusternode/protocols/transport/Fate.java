package clusternode.protocols.transport;

import java.util.List;

/**
 * What the fault plan decided for one message: dropped, or delivered once or more, each copy after
 * its own delay. Pure data, so the same decision drives the real Transport and the simulations.
 */
public record Fate(String dropReason, List<Long> delaysMs) {
  public static final Fate DELIVER_NOW = new Fate(null, List.of(0L));

  public Fate {
    delaysMs = List.copyOf(delaysMs);
    if ((dropReason == null) == delaysMs.isEmpty()) {
      throw new IllegalArgumentException("a fate is either dropped or has at least one delivery");
    }
  }

  public static Fate dropped(String reason) {
    return new Fate(reason, List.of());
  }

  public boolean isDropped() {
    return dropReason != null;
  }
}
