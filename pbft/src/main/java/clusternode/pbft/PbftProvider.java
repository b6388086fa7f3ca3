package clusternode.pbft;

import akka.actor.typed.ActorRef;
import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.Route;
import clusternode.protocols.kv.KvService;
import clusternode.protocols.statemachine.StateMachines;
import clusternode.pbft.http.PbftRoutes;
import clusternode.pbft.shell.PbftMetrics;
import clusternode.pbft.shell.PbftReplica;
import clusternode.pbft.shell.PbftReplicated;
import clusternode.pbft.shell.PbftSettings;
import clusternode.pbft.shell.PbftStorage;
import clusternode.pbft.core.Recovered;
import clusternode.protocols.peers.PeerDirectory;
import clusternode.protocols.spi.ProtocolContext;
import clusternode.protocols.spi.ProtocolInstance;
import clusternode.protocols.spi.ProtocolProvider;
import clusternode.protocols.spi.ProtocolStartException;
import clusternode.protocols.statemachine.OrderedMachines;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * PBFT as a protocol of the node: a durable, Ed25519-authenticated PBFT replica driving the KV
 * store (and the ledger, when it is ordered by PBFT), plus this node's PBFT client as the
 * {@code Replicated} service {@code pbft}. Mounts {@code /kv} and {@code /health/consensus} only
 * when Raft is not enabled (Raft serves those); then the health is at {@code /health/pbft}.
 */
public final class PbftProvider implements ProtocolProvider {
  public static final String RAFT = "raft";

  @Override
  public String name() {
    return PbftReplica.NAME;
  }

  @Override
  public String summary() {
    return "PBFT consensus: tolerates f Byzantine nodes of 3f+1, Ed25519-signed messages, KV store";
  }

  @Override
  public void validate(Config config, PeerDirectory peers, Set<String> enabled) {
    PbftSettings.fromConfig(config, peers);
  }

  @Override
  public ProtocolInstance start(ProtocolContext context) {
    PbftSettings settings = PbftSettings.fromConfig(context.config(), context.peers());
    Set<String> enabled = enabledProtocols(context.config());
    PbftMetrics metrics = new PbftMetrics(context.metrics());
    Path dir = context.dataDir().resolve(PbftReplica.NAME);
    PbftStorage storage;
    Recovered recovered;
    try {
      storage = PbftStorage.open(dir);
      recovered = storage.recover();
    } catch (PbftStorage.CorruptException e) {
      throw new ProtocolStartException(e.getMessage(), e);
    } catch (IOException e) {
      throw new ProtocolStartException("pbft storage in " + dir + ": " + e.getMessage(), e);
    }
    StateMachines machines = OrderedMachines.of(context.config(), PbftReplica.NAME);
    ActorRef<PbftReplica.Command> replica = context.spawn(PbftReplica.create(context.transport(), settings, storage,
        recovered, machines, metrics), PbftReplica.NAME);
    PbftReplicated pbft = new PbftReplicated(replica, context.system().scheduler(), settings.requestTimeout());
    context.provide(PbftReplica.NAME, pbft);
    boolean raftToo = enabled.contains(RAFT);
    PbftRoutes pbftRoutes = new PbftRoutes(pbft, raftToo ? "pbft" : "consensus");
    Route routes = raftToo ? pbftRoutes.routes() : Directives.concat(
        KvService.pbft(context, pbft, machines, PbftReplicated.MAX_OP_BYTES), pbftRoutes.routes());
    return new ProtocolInstance() {
      @Override
      public Optional<Route> routes() {
        return Optional.of(routes);
      }

      @Override
      public Optional<Route> adminRoutes() {
        return Optional.of(pbftRoutes.adminRoutes());
      }

      @Override
      public CompletionStage<Object> health() {
        return pbft.status().thenApply(PbftRoutes::asMap);
      }
    };
  }

  static Set<String> enabledProtocols(Config config) {
    return config.hasPath("cluster-node.protocols") ? Set.copyOf(config.getStringList("cluster-node.protocols")) : Set.of();
  }

}
