package clusternode.protocols.monitor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.AskPattern;
import clusternode.protocols.peers.PeerDirectory;
import clusternode.protocols.spi.ProtocolContext;
import clusternode.protocols.spi.ProtocolInstance;
import clusternode.protocols.spi.ProtocolProvider;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** The peer monitor as a protocol. The node always runs it: health and later protocols need it. */
public final class PeerMonitorProvider implements ProtocolProvider {
  @Override
  public String name() {
    return PeerMonitor.NAME;
  }

  @Override
  public String summary() {
    return "probes every peer; reachability and round-trip times (always on)";
  }

  @Override
  public void validate(Config config, PeerDirectory peers, Set<String> enabled) {
    PeerMonitorSettings.fromConfig(config);
  }

  @Override
  public ProtocolInstance start(ProtocolContext context) {
    ActorRef<PeerMonitor.Command> monitor = context.spawn(
        PeerMonitor.create(context.transport(), PeerMonitorSettings.fromConfig(context.config()), context.metrics()),
        PeerMonitor.NAME);
    Instance instance = new Instance(monitor, context);
    context.provide(PeerMonitor.NAME, instance);
    return instance;
  }

  /** The started monitor; {@link #report()} is what {@code GET /health/peers} shows. */
  public static final class Instance implements ProtocolInstance {
    private final ActorRef<PeerMonitor.Command> monitor;
    private final ProtocolContext context;

    Instance(ActorRef<PeerMonitor.Command> monitor, ProtocolContext context) {
      this.monitor = monitor;
      this.context = context;
    }

    public CompletionStage<PeerMonitor.Report> report() {
      return AskPattern.ask(monitor, PeerMonitor.GetReport::new, Duration.ofSeconds(3), context.system().scheduler());
    }

    @Override
    public CompletionStage<Object> health() {
      return report().thenApply(r -> r.matrix().get(r.self()));
    }
  }
}
