package clusternode.protocols.monitor.core;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What this node knows of a peer's reachability. */
public enum PeerStatus {
  /** Answered a probe within the unreachable-after window. */
  REACHABLE,
  /** Answered once, but not lately. */
  UNREACHABLE,
  /** Never answered since this node started. */
  UNKNOWN;

  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }
}
