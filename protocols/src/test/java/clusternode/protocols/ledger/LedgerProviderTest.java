package clusternode.protocols.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.config.ConfigProblem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Without an ordering protocol the node must refuse to start, naming the key and the fix. */
class LedgerProviderTest {
  private final LedgerProvider provider = new LedgerProvider();

  private static Config conf(String text) {
    return ConfigFactory.parseString(text);
  }

  private ConfigProblem problem(Config config, Set<String> enabled) {
    return assertThrows(ConfigProblem.class, () -> provider.validate(config, null, enabled));
  }

  @Test
  void acceptsRaftOrPbftWhenEnabled() {
    provider.validate(conf("cluster-node.ledger.ordering = raft"), null, Set.of("raft", "ledger"));
    provider.validate(conf("cluster-node.ledger.ordering = pbft"), null, Set.of("pbft", "ledger"));
    assertEquals(Set.of("pbft"), provider.startsAfter(conf("cluster-node.ledger.ordering = pbft")));
    assertEquals("ledger", provider.name());
  }

  @Test
  void refusesAMissingOrEmptyOrdering() {
    for (Config c : new Config[] {conf(""), conf("cluster-node.ledger.ordering = \"\"")}) {
      ConfigProblem p = problem(c, Set.of("raft", "ledger"));
      assertEquals(LedgerProvider.ORDERING_KEY, p.key());
      assertTrue(p.line().contains("raft"), p.line());
      assertEquals(Set.of(), provider.startsAfter(c));
    }
  }

  @Test
  void refusesAnUnknownOrdering() {
    ConfigProblem p = problem(conf("cluster-node.ledger.ordering = gossip"), Set.of("gossip", "ledger"));
    assertEquals(LedgerProvider.ORDERING_KEY, p.key());
    assertTrue(p.getMessage().contains("gossip"));
  }

  @Test
  void refusesAnOrderingTheDeploymentDoesNotRun() {
    ConfigProblem p = problem(conf("cluster-node.ledger.ordering = pbft"), Set.of("raft", "ledger"));
    assertEquals(LedgerProvider.ORDERING_KEY, p.key());
    assertTrue(p.fix().contains("add pbft to cluster-node.protocols"), p.fix());
  }

  @Test
  void checksTickInterval() {
    ConfigProblem p = problem(conf("cluster-node.ledger { ordering = raft, tick-interval = 1ms }"), Set.of("raft"));
    assertEquals(LedgerProvider.TICK_INTERVAL_KEY, p.key());
    problem(conf("cluster-node.ledger { ordering = raft, tick-interval = soon }"), Set.of("raft"));
    assertEquals(java.time.Duration.ofSeconds(1), LedgerProvider.tickInterval(conf("")), "on by default");
    assertEquals(LedgerProvider.DEFAULT_TICK_INTERVAL,
        LedgerProvider.tickInterval(ConfigFactory.defaultReference()), "reference.conf says the same");
    assertEquals(java.time.Duration.ZERO, LedgerProvider.tickInterval(conf("cluster-node.ledger.tick-interval = 0")));
    assertEquals(java.time.Duration.ofSeconds(1), LedgerProvider.tickInterval(conf("cluster-node.ledger.tick-interval = 1s")));
  }

  @Test
  void ranksNodesByIdSoTheFirstProposesTicks() {
    String peers = "cluster-node.peers { n3 {}, n1 {}, n2 {} }, ";
    assertEquals(0, LedgerProvider.rank(conf(peers + "cluster-node.id = n1")));
    assertEquals(2, LedgerProvider.rank(conf(peers + "cluster-node.id = n3")));
    assertEquals(0, LedgerProvider.rank(conf("")));
  }

  @Test
  void checksMaxInFlight() {
    ConfigProblem p = problem(conf("cluster-node.ledger { ordering = raft, max-in-flight = 0 }"), Set.of("raft"));
    assertEquals(LedgerProvider.MAX_IN_FLIGHT_KEY, p.key());
    assertEquals(7, LedgerProvider.maxInFlight(conf("cluster-node.ledger.max-in-flight = 7")));
  }
}
