package clusternode.pbft.shell;

import clusternode.pbft.core.PbftConfig;
import clusternode.protocols.config.ConfigProblem;
import clusternode.protocols.config.FrameLimit;
import clusternode.protocols.peers.PeerDirectory;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code cluster-node.pbft}: the core's tuning (times turned into ticks), the client's, and the
 * keys. Checked at start-up; every problem names its key and the fix.
 */
public record PbftSettings(
    Duration tick,
    PbftConfig core,
    Duration requestTimeout,
    int clientRetransmitTicks,
    int maxWaitingRequests,
    PrivateKey privateKey,
    Map<String, PublicKey> publicKeys) {

  public static final String PATH = "cluster-node.pbft";

  public static PbftSettings fromConfig(Config deployment, PeerDirectory peers) {
    Config config = withKeysFile(deployment);
    Config c = config.getConfig(PATH);
    int n = peers.size();
    int f = (n - 1) / 3;
    if (f < 1) {
      throw new ConfigProblem("cluster-node.peers", "pbft needs n >= 3f+1 replicas with f >= 1; this deployment has "
          + n + " peers", "name at least 4 peers (4 tolerate 1 Byzantine node, 7 tolerate 2)");
    }
    Duration tick = c.getDuration("tick-interval");
    if (tick.toMillis() < 1 || tick.toMillis() > 1000) {
      throw new ConfigProblem(PATH + ".tick-interval", tick.toMillis() + "ms is out of range", "use 1ms to 1s, e.g. 10ms");
    }
    int viewChangeTicks = ticks(c, "view-change-timeout", tick);
    int statusTicks = ticks(c, "status-interval", tick);
    if (viewChangeTicks <= 2 * statusTicks) {
      throw new ConfigProblem(PATH + ".view-change-timeout", "must exceed twice status-interval",
          "e.g. view-change-timeout = 2s with status-interval = 200ms");
    }
    PbftConfig core;
    try {
      core = new PbftConfig(peers.ids(), positive(c, "checkpoint-interval"), positive(c, "log-window"), viewChangeTicks,
          c.getInt("max-backoff-exponent"), statusTicks, positive(c, "max-batch"), positive(c, "client-sessions"),
          bytes(c, "max-batch-bytes"), bytes(c, "state-chunk-bytes"), positive(c, "max-inflight-batches"));
    } catch (IllegalArgumentException e) {
      throw new ConfigProblem(PATH, e.getMessage(), "fix the intervals and limits under " + PATH);
    }
    FrameLimit.requireFits(config, PATH + ".max-batch-bytes", core.maxBatchBytes());
    FrameLimit.requireFits(config, PATH + ".state-chunk-bytes", core.stateChunkBytes());
    FrameLimit.requireFits(config, "the largest PBFT request (" + PbftReplicated.MAX_OP_BYTES + " bytes)",
        PbftReplicated.MAX_OP_BYTES);
    PbftWireLimits.requireViewChangesFit(config, core, PATH + ".log-window");
    Duration timeout = c.getDuration("request-timeout");
    if (timeout.compareTo(tick.multipliedBy(2L * viewChangeTicks)) <= 0) {
      throw new ConfigProblem(PATH + ".request-timeout", timeout.toMillis() + "ms does not outlast a view change",
          "make it more than twice view-change-timeout (e.g. 10s) so a request survives a faulty primary");
    }
    int retransmit = ticks(c, "client-retransmit-interval", tick);
    Map<String, PublicKey> keys = new LinkedHashMap<>();
    for (String id : peers.ids()) {
      String key = PATH + ".keys." + id + ".public";
      if (!config.hasPath(key) || config.getString(key).isBlank()) {
        throw new ConfigProblem(key, "no public key for node " + id,
            "run `bin/cluster keys` and add the block it prints to the deployment config");
      }
      try {
        keys.put(id, PbftKeys.parsePublic(config.getString(key)));
      } catch (IllegalArgumentException e) {
        throw new ConfigProblem(key, e.getMessage(), "paste the key `bin/cluster keys` printed for " + id);
      }
    }
    PrivateKey privateKey = privateKey(c, peers.selfId(), keys.get(peers.selfId()));
    return new PbftSettings(tick, core, timeout, retransmit, positive(c, "max-waiting-requests"), privateKey, keys);
  }

  /**
   * {@code keys-file}, when set, is a HOCON file (what {@code bin/cluster keys} writes) whose
   * {@code cluster-node.pbft.keys} and {@code private-key-file} take precedence.
   */
  private static Config withKeysFile(Config config) {
    String key = PATH + ".keys-file";
    String file = config.hasPath(key) ? config.getString(key) : "";
    if (file.isBlank()) {
      return config;
    }
    Path path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      throw new ConfigProblem(key, "file " + path.toAbsolutePath() + " does not exist",
          "run `bin/cluster keys --config FILE` to generate this deployment's keys");
    }
    try {
      return com.typesafe.config.ConfigFactory.parseFile(path.toFile()).withFallback(config).resolve();
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigProblem(key, path + ": " + e.getMessage(), "regenerate it with `bin/cluster keys`");
    }
  }

  private static PrivateKey privateKey(Config c, String self, PublicKey mine) {
    String key = PATH + ".private-key-file";
    String pattern = c.getString("private-key-file");
    if (pattern.isBlank()) {
      throw new ConfigProblem(key, "not set", "point it at this node's key file, e.g. \"keys/{id}.key\" "
          + "({id} is the node's id); `bin/cluster keys` writes them");
    }
    Path file = Path.of(pattern.replace("{id}", self));
    PrivateKey privateKey;
    try {
      privateKey = PbftKeys.parsePrivate(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new ConfigProblem(key, "cannot read " + file + " (" + e.getClass().getSimpleName() + ")",
          "run `bin/cluster keys` or fix the path");
    } catch (IllegalArgumentException e) {
      throw new ConfigProblem(key, file + ": " + e.getMessage(), "regenerate it with `bin/cluster keys`");
    }
    byte[] probe = "pbft-key-check".getBytes(StandardCharsets.US_ASCII);
    Ed25519Crypto check = new Ed25519Crypto(privateKey, Map.of(self, mine));
    if (!check.verify(self, probe, check.sign(probe))) {
      throw new ConfigProblem(key, file + " does not match " + PATH + ".keys." + self + ".public",
          "use the key files and the config block from the same `bin/cluster keys` run");
    }
    return privateKey;
  }

  private static int ticks(Config c, String key, Duration tick) {
    long ms = c.getDuration(key).toMillis();
    long ticks = ms / tick.toMillis();
    if (ticks < 1 || ms % tick.toMillis() != 0 || ticks > Integer.MAX_VALUE) {
      throw new ConfigProblem(PATH + "." + key, ms + "ms is not a whole number of ticks (" + tick.toMillis() + "ms)",
          "use a multiple of tick-interval");
    }
    return (int) ticks;
  }

  private static int bytes(Config c, String key) {
    long v = c.getBytes(key);
    if (v < 1024 || v > 16L << 20) {
      throw new ConfigProblem(PATH + "." + key, v + " bytes is out of range",
          "use 1 KiB to 16 MiB, and stay 64 KiB under cluster-node.transport.max-frame-bytes");
    }
    return (int) v;
  }

  private static int positive(Config c, String key) {
    long v = c.getLong(key);
    if (v < 1 || v > Integer.MAX_VALUE) {
      throw new ConfigProblem(PATH + "." + key, v + " is out of range", "use a positive number");
    }
    return (int) v;
  }
}
