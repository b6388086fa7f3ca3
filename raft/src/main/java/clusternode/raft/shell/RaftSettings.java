package clusternode.raft.shell;

import clusternode.protocols.config.ConfigProblem;
import clusternode.protocols.config.FrameLimit;
import clusternode.protocols.peers.PeerDirectory;
import clusternode.raft.core.RaftConfig;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/**
 * {@code cluster-node.raft}: the core's tuning in milliseconds (turned into ticks here), the
 * shell's bounds, and storage options. Checked at start-up; every problem names its key.
 */
public record RaftSettings(
    Duration tick,
    RaftConfig core,
    Duration requestTimeout,
    int maxPendingRequests,
    long snapshotEveryEntries,
    long snapshotEveryBytes,
    long segmentBytes,
    long sessionMaxIdleEntries) {

  public static final String PATH = "cluster-node.raft";

  public static RaftSettings fromConfig(Config config, PeerDirectory peers) {
    Config c = config.getConfig(PATH);
    Duration tick = c.getDuration("tick-interval");
    if (tick.toMillis() < 1 || tick.toMillis() > 1000) {
      throw new ConfigProblem(PATH + ".tick-interval", tick.toMillis() + "ms is out of range", "use 1ms to 1s, e.g. 10ms");
    }
    List<String> voters = c.getStringList("voters").isEmpty() ? peers.ids() : c.getStringList("voters");
    for (String v : voters) {
      if (!peers.contains(v)) {
        throw new ConfigProblem(PATH + ".voters", "'" + v + "' is not among cluster-node.peers " + peers.ids(),
            "list only ids of peers (or leave it empty for all of them)");
      }
    }
    RaftConfig core;
    try {
      core = new RaftConfig(voters,
          ticks(c, "election-timeout-min", tick), ticks(c, "election-timeout-max", tick), ticks(c, "heartbeat-interval", tick),
          positive(c, "max-entries-per-append"), c.getBytes("max-bytes-per-append"), positive(c, "max-inflight-appends"),
          (int) Math.min(Integer.MAX_VALUE, c.getBytes("snapshot-chunk-bytes")),
          c.getBoolean("pre-vote"), c.getBoolean("check-quorum"), c.getBoolean("lease-reads"),
          c.getLong("learner-promotion-lag-entries"), positive(c, "max-uncommitted-entries"),
          positive(c, "max-pending-reads"), positive(c, "max-committed-entries-per-apply"));
    } catch (IllegalArgumentException e) {
      throw new ConfigProblem(PATH, e.getMessage(), "fix the timeouts and limits under " + PATH);
    }
    // Akka drops a message larger than its frame (logging it, nothing more); a follower that needs
    // that AppendEntries or snapshot chunk would then never catch up. Refuse such settings at start.
    FrameLimit.requireFits(config, PATH + ".max-bytes-per-append", core.maxBytesPerAppend());
    FrameLimit.requireFits(config, PATH + ".snapshot-chunk-bytes", core.snapshotChunkBytes());
    Duration timeout = c.getDuration("request-timeout");
    Duration electionMax = tick.multipliedBy(core.electionTimeoutMaxTicks());
    if (timeout.compareTo(electionMax) <= 0) {
      throw new ConfigProblem(PATH + ".request-timeout", timeout.toMillis() + "ms is not longer than an election",
          "make it several election timeouts (e.g. 5s) so a request survives a leader change");
    }
    return new RaftSettings(tick, core, timeout, positive(c, "max-pending-requests"),
        positive(c, "snapshot-every-entries"), snapshotEveryBytes(c), c.getBytes("segment-bytes"),
        positive(c, "session-max-idle-entries"));
  }

  /** At least one entry's worth: a smaller bound would snapshot after every command. */
  private static long snapshotEveryBytes(Config c) {
    long bytes = c.getBytes("snapshot-every-bytes");
    if (bytes < c.getBytes("max-bytes-per-append")) {
      throw new ConfigProblem(PATH + ".snapshot-every-bytes", bytes + " bytes is below max-bytes-per-append",
          "use at least max-bytes-per-append, e.g. 64 MiB");
    }
    return bytes;
  }

  /**
   * The largest state machine command a client may send: one log entry holds it together with
   * the session header and the machine's name ({@link ClientCommand}).
   */
  public int maxCommandBytes() {
    return (int) core.maxBytesPerAppend() - ClientCommand.MAX_CLIENT_ID_BYTES - 1024;
  }

  private static int ticks(Config c, String key, Duration tick) {
    long ms = c.getDuration(key).toMillis();
    long ticks = ms / tick.toMillis();
    if (ticks < 1 || ms % tick.toMillis() != 0) {
      throw new ConfigProblem(PATH + "." + key, ms + "ms is not a whole number of ticks (" + tick.toMillis() + "ms)",
          "use a multiple of tick-interval");
    }
    return (int) ticks;
  }

  private static int positive(Config c, String key) {
    long v = c.getLong(key);
    if (v < 1 || v > Integer.MAX_VALUE) {
      throw new ConfigProblem(PATH + "." + key, v + " is out of range", "use a positive number");
    }
    return (int) v;
  }
}
