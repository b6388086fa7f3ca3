package clusternode.pbft.shell;

import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.SerializationExtension;
import clusternode.pbft.core.LargestMessages;
import clusternode.pbft.core.PbftConfig;
import clusternode.protocols.config.FrameLimit;
import clusternode.protocols.transport.Envelope;
import clusternode.protocols.transport.WireJackson;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * VIEW-CHANGE and NEW-VIEW at their largest, serialized as the transport does (inside an Envelope,
 * Jackson CBOR): they must fit one Artery frame, or Artery drops them and no view change completes.
 */
class PbftWireSizeTest {
  private static final int FRAME_SPARE_BYTES = (int) FrameLimit.HEADROOM_BYTES;
  private static Config config;
  private static ActorSystem<Void> system;

  @BeforeAll
  static void start() {
    config = ConfigFactory.parseString("akka.actor.provider = local").withFallback(ConfigFactory.load());
    system = ActorSystem.create(Behaviors.empty(), "wire", WireJackson.setup(config));
  }

  @AfterAll
  static void stop() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  private static int wireBytes(Object payload) {
    return SerializationExtension.get(system).serialize(new Envelope("n1", "n2", "pbft", payload)).get().length;
  }

  /** The shipped defaults (reference.conf) for 4 replicas. */
  private static PbftConfig defaults() {
    Config c = config.getConfig("cluster-node.pbft");
    return new PbftConfig(List.of("n1", "n2", "n3", "n4"), c.getInt("checkpoint-interval"), c.getInt("log-window"),
        200, 5, 20, c.getInt("max-batch"), c.getInt("client-sessions"), (int) c.getBytes("max-batch-bytes").longValue(),
        (int) c.getBytes("state-chunk-bytes").longValue(), c.getInt("max-inflight-batches"));
  }

  @Test
  void theLargestViewChangeAndNewViewOfTheDefaultsFitOneFrame() {
    PbftConfig core = defaults();
    long frame = FrameLimit.frameBytes(config);
    int viewChange = wireBytes(LargestMessages.viewChange(core, PbftWireLimits.SIGNATURE_BYTES, core.logWindow()));
    int newView = wireBytes(LargestMessages.newView(core, PbftWireLimits.SIGNATURE_BYTES, core.logWindow()));
    // Before NEW-VIEW named its view changes by digest it carried all 2f+1 of them: 518 KiB here.
    assertTrue(newView + FRAME_SPARE_BYTES <= frame, "new-view of " + newView + " bytes, frame " + frame);
    assertTrue(viewChange + FRAME_SPARE_BYTES <= frame, "view change of " + viewChange + " bytes, frame " + frame);
  }

  @Test
  void theStartUpEstimateMatchesWhatTheTransportSends() {
    PbftConfig core = defaults();
    for (Object m : List.of(LargestMessages.viewChange(core, 64, core.logWindow()),
        LargestMessages.newView(core, 64, core.logWindow()))) {
      int estimate = PbftWireLimits.cborBytes(m);
      int wire = wireBytes(m);
      // The envelope adds a few hundred bytes; the 64 KiB headroom covers them.
      assertTrue(wire >= estimate && wire - estimate < 1024, "estimate " + estimate + ", on the wire " + wire);
    }
  }
}
