package clusternode.protocols.kv;

import clusternode.protocols.config.ConfigProblem;
import clusternode.protocols.kv.core.KvLimits;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * {@code cluster-node.kv}: the store's limits (the same on every node), the lease tick interval and
 * the watch and wait bounds of this node's routes. Leases (and with them locks and elections) are on
 * only when Raft orders the store: PBFT has no single node that may be trusted to move the clock.
 */
public record KvSettings(KvLimits limits, Duration leaseTickInterval, Duration maxWait, Duration defaultWait,
    Duration watchProgressInterval, int watchBatchEvents, int maxWatchers) {
  public static final String PATH = "cluster-node.kv";

  public static KvSettings defaults() {
    return new KvSettings(KvLimits.defaults(), Duration.ofMillis(200), Duration.ofSeconds(60), Duration.ofSeconds(10),
        Duration.ofSeconds(2), 256, 1024);
  }

  public static KvSettings fromConfig(Config config, String orderingProtocol) {
    if (!config.hasPath(PATH)) {
      return defaults().withLeases(orderingProtocol.equals("raft"));
    }
    Config c = config.getConfig(PATH);
    try {
      KvLimits limits = new KvLimits(atLeastOne(c, "retain-revisions"), (int) atLeastOne(c, "history-max-events"),
          c.getBytes("history-max-bytes"), (int) atLeastOne(c, "max-txn-ops"), (int) atLeastOne(c, "max-range-limit"),
          (int) atLeastOne(c, "max-leases"), (int) atLeastOne(c, "max-keys-per-lease"), (int) atLeastOne(c, "max-queue"),
          orderingProtocol.equals("raft"));
      Duration tick = c.getDuration("lease-tick-interval");
      if (tick.toMillis() < 10 || tick.toMillis() > 10_000) {
        throw new ConfigProblem(PATH + ".lease-tick-interval", tick.toMillis() + "ms is out of range", "use 10ms to 10s, e.g. 200ms");
      }
      Duration maxWait = c.getDuration("max-wait");
      Duration defaultWait = c.getDuration("default-wait");
      if (defaultWait.compareTo(maxWait) > 0 || maxWait.toHours() > 1 || defaultWait.isNegative()) {
        throw new ConfigProblem(PATH + ".default-wait", "must be from 0 to max-wait, and max-wait at most 1h",
            "e.g. default-wait = 10s, max-wait = 60s");
      }
      Duration progress = c.getDuration("watch.progress-interval");
      if (progress.toMillis() < 10) {
        throw new ConfigProblem(PATH + ".watch.progress-interval", "must be at least 10ms", "e.g. 2s");
      }
      return new KvSettings(limits, tick, maxWait, defaultWait, progress, (int) atLeastOne(c, "watch.batch-events"),
          (int) atLeastOne(c, "watch.max-watchers"));
    } catch (ConfigException | IllegalArgumentException e) {
      throw new ConfigProblem(PATH, e.getMessage(), "fix the values under " + PATH + " (see reference.conf)");
    }
  }

  public KvSettings withLeases(boolean enabled) {
    return new KvSettings(limits.withLeases(enabled), leaseTickInterval, maxWait, defaultWait, watchProgressInterval,
        watchBatchEvents, maxWatchers);
  }

  private static long atLeastOne(Config c, String key) {
    long n = c.getLong(key);
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw new ConfigProblem(PATH + "." + key, n + " is out of range", "use 1 to " + Integer.MAX_VALUE);
    }
    return n;
  }
}
