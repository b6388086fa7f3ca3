package clusternode.protocols.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.config.ConfigProblem;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** cluster-node.kv: reference.conf's defaults, leases only under Raft, bad values named by key. */
class KvSettingsTest {
  @Test
  void defaultsComeFromReferenceConfAndLeasesOnlyUnderRaft() {
    KvSettings raft = KvSettings.fromConfig(ConfigFactory.load(), "raft");
    assertEquals(10_000, raft.limits().retainRevisions());
    assertEquals(200, raft.leaseTickInterval().toMillis());
    assertTrue(raft.limits().leasesEnabled());
    assertFalse(KvSettings.fromConfig(ConfigFactory.load(), "pbft").limits().leasesEnabled());
  }

  @Test
  void aBadValueNamesItsKey() {
    ConfigProblem tick = assertThrows(ConfigProblem.class, () -> KvSettings.fromConfig(
        ConfigFactory.parseString("cluster-node.kv.lease-tick-interval = 1ms").withFallback(ConfigFactory.load()), "raft"));
    assertTrue(tick.getMessage().contains("out of range") || String.valueOf(tick).contains("lease-tick-interval"), String.valueOf(tick));
    assertThrows(ConfigProblem.class, () -> KvSettings.fromConfig(
        ConfigFactory.parseString("cluster-node.kv.max-txn-ops = 0").withFallback(ConfigFactory.load()), "raft"));
    assertThrows(ConfigProblem.class, () -> KvSettings.fromConfig(
        ConfigFactory.parseString("cluster-node.kv.default-wait = 2m").withFallback(ConfigFactory.load()), "raft"));
  }
}
