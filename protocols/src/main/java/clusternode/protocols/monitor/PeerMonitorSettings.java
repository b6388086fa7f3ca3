package clusternode.protocols.monitor;

import clusternode.protocols.config.ConfigProblem;
import com.typesafe.config.Config;
import java.time.Duration;

/** {@code cluster-node.peer-monitor}: how often to probe and when silence means unreachable. */
public record PeerMonitorSettings(Duration probeInterval, Duration unreachableAfter, int rttWindow) {
  public static final String PATH = "cluster-node.peer-monitor";

  public PeerMonitorSettings {
    if (probeInterval.isNegative() || probeInterval.isZero()) {
      throw new ConfigProblem(PATH + ".probe-interval", "must be positive", "use e.g. 200ms");
    }
    if (unreachableAfter.compareTo(probeInterval.multipliedBy(2)) < 0) {
      throw new ConfigProblem(PATH + ".unreachable-after",
          unreachableAfter.toMillis() + "ms is less than two probe intervals (" + probeInterval.toMillis() + "ms)",
          "make it at least twice probe-interval, or one lost probe marks a peer unreachable");
    }
    if (rttWindow < 1 || rttWindow > 100_000) {
      throw new ConfigProblem(PATH + ".rtt-window", rttWindow + " is out of range", "use 1 to 100000 samples");
    }
  }

  public static PeerMonitorSettings fromConfig(Config config) {
    Config c = config.getConfig(PATH);
    return new PeerMonitorSettings(c.getDuration("probe-interval"), c.getDuration("unreachable-after"),
        c.getInt("rtt-window"));
  }
}
