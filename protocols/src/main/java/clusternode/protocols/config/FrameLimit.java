package clusternode.protocols.config;

import com.typesafe.config.Config;

/**
 * Checks at start-up that a protocol's largest message fits one Artery frame. Akka drops a larger
 * message with only a log line, so a too-large batch would stall replication for good instead of
 * failing: better refuse the configuration.
 */
public final class FrameLimit {
  /** {@code cluster-node.transport.max-frame-bytes}: the node sets Artery's maximum-frame-size to it. */
  public static final String KEY = "cluster-node.transport.max-frame-bytes";
  private static final String AKKA_KEY = "akka.remote.artery.advanced.maximum-frame-size";
  /** Room kept for everything around the payload: envelope, entry headers, signatures, CBOR framing. */
  public static final long HEADROOM_BYTES = 64 * 1024;

  private FrameLimit() {}

  /** The frame size this node will run with: ours when set, else Akka's. */
  public static long frameBytes(Config config) {
    if (config.hasPath(KEY)) {
      return config.getBytes(KEY);
    }
    return config.hasPath(AKKA_KEY) ? config.getBytes(AKKA_KEY) : 256 * 1024;
  }

  /** @throws ConfigProblem naming {@code key} when {@code payloadBytes} plus headroom exceed the frame */
  public static void requireFits(Config config, String key, long payloadBytes) {
    long frame = frameBytes(config);
    if (payloadBytes + HEADROOM_BYTES > frame) {
      throw new ConfigProblem(key, payloadBytes + " bytes do not fit one message of " + KEY + " = " + frame
          + " bytes (Artery's maximum-frame-size) with " + HEADROOM_BYTES / 1024 + " KiB to spare",
          "lower " + key + " to at most " + Math.max(0, frame - HEADROOM_BYTES) + " bytes or raise " + KEY);
    }
  }
}
