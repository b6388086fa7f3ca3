package clusternode.pbft.shell;

import clusternode.pbft.core.LargestMessages;
import clusternode.pbft.core.PbftConfig;
import clusternode.protocols.config.ConfigProblem;
import clusternode.protocols.config.FrameLimit;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.typesafe.config.Config;

/**
 * Start-up check that PBFT's view change messages fit one transport frame. Their size follows from
 * the settings (log window, number of replicas, id lengths), not from the load, so a deployment
 * whose view changes could not cross the wire is refused here: Artery would drop them with a log
 * line and a view change would never complete. Sizes are measured by serializing the largest
 * messages as CBOR, the wire format (PbftWireSizeTest checks this against the real transport).
 */
final class PbftWireLimits {
  /** Ed25519. */
  static final int SIGNATURE_BYTES = 64;
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

  private PbftWireLimits() {}

  /** @throws ConfigProblem naming log-window when the largest VIEW-CHANGE or NEW-VIEW would not fit */
  static void requireViewChangesFit(Config config, PbftConfig core, String logWindowKey) {
    long frame = FrameLimit.frameBytes(config);
    long largest = largestBytes(core, core.logWindow());
    if (largest + FrameLimit.HEADROOM_BYTES <= frame) {
      return;
    }
    long base = largestBytes(core, 0);
    long perSlot = Math.max(1, (largest - base + core.logWindow() - 1) / core.logWindow());
    long slots = Math.max(0, frame - FrameLimit.HEADROOM_BYTES - base) / perSlot;
    long window = slots / core.checkpointInterval() * core.checkpointInterval();
    String fix = window >= 2L * core.checkpointInterval()
        ? "lower " + logWindowKey + " to at most " + window + " (a multiple of checkpoint-interval) or raise "
            + FrameLimit.KEY
        : "raise " + FrameLimit.KEY + ", or lower checkpoint-interval and " + logWindowKey;
    throw new ConfigProblem(logWindowKey, "a view change with " + core.logWindow() + " prepared certificates of "
        + (2 * core.f() + 1) + " signed messages each can reach " + largest + " bytes, which does not fit one message of "
        + FrameLimit.KEY + " = " + frame + " bytes with " + FrameLimit.HEADROOM_BYTES / 1024 + " KiB to spare", fix);
  }

  /** The larger of the largest VIEW-CHANGE and NEW-VIEW with {@code slots} sequence numbers in them. */
  static long largestBytes(PbftConfig core, int slots) {
    return Math.max(cborBytes(LargestMessages.viewChange(core, SIGNATURE_BYTES, slots)),
        cborBytes(LargestMessages.newView(core, SIGNATURE_BYTES, slots)));
  }

  static int cborBytes(Object message) {
    try {
      return CBOR.writeValueAsBytes(message).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + message.getClass().getSimpleName(), e);
    }
  }
}
