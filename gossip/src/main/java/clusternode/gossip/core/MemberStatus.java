package clusternode.gossip.core;

import java.util.Locale;

/** A member's state in SWIM: alive, suspected of having failed, declared dead, or gone gracefully. */
public enum MemberStatus {
  ALIVE, SUSPECT, DEAD, LEFT;

  /** The name used in JSON: {@code alive}, {@code suspect}, {@code dead}, {@code left}. */
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }
}
