package clusternode.gossip;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.AskPattern;
import akka.http.javadsl.server.Route;
import clusternode.protocols.peers.PeerDirectory;
import clusternode.protocols.spi.ProtocolContext;
import clusternode.protocols.spi.ProtocolInstance;
import clusternode.protocols.spi.ProtocolProvider;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** The gossip protocol: SWIM membership plus CRDTs replicated by anti-entropy. */
public final class GossipProvider implements ProtocolProvider {
  @Override
  public String name() {
    return Gossip.NAME;
  }

  @Override
  public String summary() {
    return "SWIM membership with suspicion; CRDT counters, sets and registers by anti-entropy";
  }

  @Override
  public void validate(Config config, PeerDirectory peers, Set<String> enabled) {
    GossipSettings.fromConfig(config);
  }

  @Override
  public ProtocolInstance start(ProtocolContext context) {
    GossipSettings settings = GossipSettings.fromConfig(context.config());
    long seed = context.config().hasPath("cluster-node.transport.fault-seed")
        ? context.config().getLong("cluster-node.transport.fault-seed") ^ context.peers().selfId().hashCode()
        : context.peers().selfId().hashCode();
    ActorRef<Object> actor = context.spawn(
        Gossip.create(context.transport(), settings, context.metrics(), seed ^ System.nanoTime()), Gossip.NAME);
    Instance instance = new Instance(actor, context, settings);
    CoordinatedShutdown.get(context.system()).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "gossip-leave",
        () -> instance.leave().thenApply(done -> akka.Done.getInstance()));
    return instance;
  }

  /** The started gossip actor and its HTTP routes. */
  public static final class Instance implements ProtocolInstance {
    private final ActorRef<Object> actor;
    private final ProtocolContext context;
    private final GossipRoutes routes;

    Instance(ActorRef<Object> actor, ProtocolContext context, GossipSettings settings) {
      this.actor = actor;
      this.context = context;
      this.routes = new GossipRoutes(actor, context.system(), settings, context.peers().ids().size());
    }

    public ActorRef<Object> actor() {
      return actor;
    }

    public CompletionStage<Boolean> leave() {
      return AskPattern.ask(actor, Gossip.Leave::new, Duration.ofSeconds(3), context.system().scheduler());
    }

    @Override
    public Optional<Route> routes() {
      return Optional.of(routes.route());
    }

    @Override
    public CompletionStage<Object> health() {
      return routes.members().thenApply(report -> {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("self", report.self());
        out.put("incarnation", report.incarnation());
        out.put("localHealth", report.localHealth());
        Map<String, Long> counts = new LinkedHashMap<>();
        report.members().forEach(m -> counts.merge(m.status(), 1L, Long::sum));
        out.put("members", counts);
        return out;
      });
    }
  }
}
