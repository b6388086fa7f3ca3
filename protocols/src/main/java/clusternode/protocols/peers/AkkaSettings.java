package clusternode.protocols.peers;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;

/**
 * The Akka settings every node derives from its deployment: Artery TCP on its own address, Akka
 * Cluster joined through the peers as seed nodes, and no automatic downing, so a partition heals
 * by itself instead of splitting the cluster for good.
 */
public final class AkkaSettings {
  private AkkaSettings() {}

  public static Config forNode(PeerDirectory peers) {
    Peer self = peers.self();
    List<String> seeds = peers.all().values().stream().map(p -> p.akkaAddress(PeerDirectory.SYSTEM_NAME)).toList();
    return ConfigFactory.empty()
        .withValue("akka.actor.provider", ConfigValueFactory.fromAnyRef("cluster"))
        .withValue("akka.remote.artery.transport", ConfigValueFactory.fromAnyRef("tcp"))
        .withValue("akka.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(self.host()))
        .withValue("akka.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(self.akkaPort()))
        .withValue("akka.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
        .withValue("akka.cluster.downing-provider-class", ConfigValueFactory.fromAnyRef(""))
        .withValue("akka.cluster.jmx.multi-mbeans-in-same-jvm", ConfigValueFactory.fromAnyRef("on"))
        .withValue("akka.coordinated-shutdown.run-by-jvm-shutdown-hook", ConfigValueFactory.fromAnyRef("on"))
        .withValue("akka.loggers", ConfigValueFactory.fromIterable(List.of("akka.event.slf4j.Slf4jLogger")))
        .withValue("akka.logging-filter", ConfigValueFactory.fromAnyRef("akka.event.slf4j.Slf4jLoggingFilter"))
        .withValue("akka.loglevel", ConfigValueFactory.fromAnyRef("INFO"))
        .withValue("akka.log-dead-letters", ConfigValueFactory.fromAnyRef(0))
        .withValue("akka.log-dead-letters-during-shutdown", ConfigValueFactory.fromAnyRef("off"));
  }
}
