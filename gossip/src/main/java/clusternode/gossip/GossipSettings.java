package clusternode.gossip;

import clusternode.gossip.core.AntiEntropyCore;
import clusternode.gossip.core.SwimConfig;
import clusternode.protocols.config.ConfigProblem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * {@code cluster-node.gossip}, read and checked at start-up. Durations become ticks here, so a
 * bad combination (a probe timeout not shorter than the probe interval, a timer shorter than a
 * tick) stops the node with the key and the fix instead of misbehaving later.
 */
public record GossipSettings(Duration tickInterval, SwimConfig swim, int antiEntropyTicks, int requestTimeoutTicks,
    int maxNameLength, int maxValueBytes, AntiEntropyCore.Limits limits) {
  public static final String PATH = "cluster-node.gossip";

  public static GossipSettings fromConfig(Config root) {
    Config c = root.getConfig(PATH);
    Duration tick = duration(c, "tick-interval");
    if (tick.toMillis() < 1 || tick.toMillis() > 10_000) {
      throw new ConfigProblem(PATH + ".tick-interval", tick.toMillis() + "ms is out of range", "use 1ms to 10s, e.g. 100ms");
    }
    int probe = ticks(c, "probe-interval", tick, 2);
    int probeTimeout = ticks(c, "probe-timeout", tick, 1);
    if (probeTimeout >= probe) {
      throw new ConfigProblem(PATH + ".probe-timeout", "is not shorter than probe-interval",
          "make it shorter than probe-interval, e.g. 40% of it, so indirect probes fit in the period");
    }
    SwimConfig swim;
    try {
      swim = new SwimConfig(probe, probeTimeout, integer(c, "indirect-probes", 0, 16), integer(c, "suspicion-mult", 1, 100),
          integer(c, "suspicion-max-mult", 1, 100), integer(c, "retransmit-mult", 1, 100),
          integer(c, "max-piggyback", 1, 256), ticks(c, "sync-interval", tick, 1), ticks(c, "join-retry-interval", tick, 1),
          integer(c, "max-local-health", 0, 64), ticks(c, "gossip-interval", tick, 1), integer(c, "gossip-fanout", 0, 64));
    } catch (IllegalArgumentException e) {
      throw new ConfigProblem(PATH, e.getMessage(), "fix the gossip settings");
    }
    return new GossipSettings(tick, swim, ticks(c, "anti-entropy-interval", tick, 1), ticks(c, "request-timeout", tick, 1),
        integer(c, "max-name-length", 1, 1024), integer(c, "max-value-bytes", 1, 1 << 20),
        new AntiEntropyCore.Limits(integer(c, "max-keys", 1, 1_000_000), integer(c, "max-states-per-message", 1, 10_000),
            integer(c, "max-pending-requests", 1, 100_000)));
  }

  public Duration requestTimeout() {
    return tickInterval.multipliedBy(requestTimeoutTicks);
  }

  private static Duration duration(Config c, String key) {
    try {
      return c.getDuration(key);
    } catch (ConfigException.Missing e) {
      throw new ConfigProblem(PATH + "." + key, "is missing", "set it, e.g. " + key + " = 1s");
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      throw new ConfigProblem(PATH + "." + key, "is not a duration", "write a duration such as 500ms or 2s");
    }
  }

  private static int ticks(Config c, String key, Duration tick, int min) {
    Duration d = duration(c, key);
    long n = d.toNanos() / tick.toNanos();
    if (d.toNanos() % tick.toNanos() != 0) {
      throw new ConfigProblem(PATH + "." + key, d.toMillis() + "ms is not a whole number of ticks (" + tick.toMillis() + "ms)",
          "make it a multiple of tick-interval");
    }
    if (n < min || n > 1_000_000) {
      throw new ConfigProblem(PATH + "." + key, d.toMillis() + "ms is " + n + " ticks",
          "make it at least " + min + " tick(s) of " + tick.toMillis() + "ms (and at most a million)");
    }
    return (int) n;
  }

  private static int integer(Config c, String key, int min, int max) {
    int v;
    try {
      v = c.getInt(key);
    } catch (ConfigException.Missing e) {
      throw new ConfigProblem(PATH + "." + key, "is missing", "set it to a number in [" + min + ", " + max + "]");
    } catch (ConfigException.WrongType e) {
      throw new ConfigProblem(PATH + "." + key, "must be an integer", "set it to a number in [" + min + ", " + max + "]");
    }
    if (v < min || v > max) {
      throw new ConfigProblem(PATH + "." + key, v + " is out of range", "use a number in [" + min + ", " + max + "]");
    }
    return v;
  }
}
