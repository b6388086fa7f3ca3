package clusternode.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.config.ConfigProblem;
import clusternode.protocols.spi.ProtocolProvider;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** reference.conf's defaults are valid; each inconsistent setting is refused with its key and a fix. */
class GossipSettingsTest {
  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  private static ConfigProblem problem(String overrides) {
    return assertThrows(ConfigProblem.class, () -> GossipSettings.fromConfig(with(overrides)));
  }

  @Test
  void defaultsBecomeTicks() {
    GossipSettings s = GossipSettings.fromConfig(with(""));
    assertEquals(100, s.tickInterval().toMillis());
    assertEquals(10, s.swim().probePeriodTicks());
    assertEquals(4, s.swim().probeTimeoutTicks());
    assertEquals(2, s.swim().gossipPeriodTicks());
    assertEquals(20, s.swim().syncPeriodTicks());
    assertEquals(10, s.antiEntropyTicks());
    assertEquals(20, s.requestTimeoutTicks());
    assertEquals(128, s.maxNameLength());
    assertEquals(4096, s.maxValueBytes());
    assertEquals(40, s.swim().suspicionTimeoutTicks(5, 10), "4 * max(1, log10 5) * 10 ticks");
    assertEquals(40, s.swim().suspicionTimeoutTicks(3, 0), "too few members to confirm: the minimum");
    assertEquals(120, s.swim().suspicionTimeoutTicks(8, 0), "unconfirmed: 3 times the minimum");
    assertEquals(80, s.swim().suspicionTimeoutTicks(100, 0) / 3, "log10 100 = 2 doubles it");
  }

  @Test
  void inconsistentSettingsNameTheirKey() {
    assertEquals("cluster-node.gossip.probe-timeout",
        problem("cluster-node.gossip.probe-timeout = 1s").key());
    assertEquals("cluster-node.gossip.probe-interval",
        problem("cluster-node.gossip.probe-interval = 150ms").key(), "not a whole number of ticks");
    assertEquals("cluster-node.gossip.indirect-probes", problem("cluster-node.gossip.indirect-probes = -1").key());
    assertEquals("cluster-node.gossip.tick-interval", problem("cluster-node.gossip.tick-interval = 0ms").key());
    assertEquals("cluster-node.gossip.max-keys", problem("cluster-node.gossip.max-keys = many").key());
    assertEquals("cluster-node.gossip.sync-interval", problem("cluster-node.gossip.sync-interval = soon").key());
    assertTrue(problem("cluster-node.gossip.probe-timeout = 1s").line().contains("shorter"));
  }

  @Test
  void theProviderIsFoundByServiceLoader() {
    ProtocolProvider gossip = ServiceLoader.load(ProtocolProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("gossip")).findFirst().orElseThrow();
    assertTrue(gossip instanceof GossipProvider);
  }
}
