package clusternode.raft;

import akka.actor.typed.ActorRef;
import clusternode.protocols.kv.KvService;
import clusternode.protocols.statemachine.StateMachines;
import clusternode.protocols.statemachine.OrderedMachines;
import clusternode.protocols.monitor.PeerMonitor;
import clusternode.protocols.monitor.PeerMonitorProvider;
import clusternode.protocols.peers.PeerDirectory;
import clusternode.protocols.spi.ProtocolContext;
import clusternode.protocols.spi.ProtocolInstance;
import clusternode.protocols.spi.ProtocolProvider;
import clusternode.protocols.spi.ProtocolStartException;
import clusternode.raft.http.RaftRoutes;
import clusternode.raft.shell.RaftMetrics;
import clusternode.raft.shell.RaftReplicated;
import clusternode.raft.shell.RaftServer;
import clusternode.raft.shell.RaftSettings;
import clusternode.raft.shell.RaftStorage;
import clusternode.raft.storage.FsyncStats;
import clusternode.raft.storage.LogOptions;
import com.typesafe.config.Config;
import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.Route;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** Raft as a protocol of the node: a durable Raft server driving the KV store (and the ledger). */
public final class RaftProvider implements ProtocolProvider {
  @Override
  public String name() {
    return RaftServer.NAME;
  }

  @Override
  public String summary() {
    return "Raft consensus: leader election, replicated log, linearizable KV store";
  }

  @Override
  public void validate(Config config, PeerDirectory peers, Set<String> enabled) {
    RaftSettings.fromConfig(config, peers);
  }

  @Override
  public ProtocolInstance start(ProtocolContext context) {
    RaftSettings settings = RaftSettings.fromConfig(context.config(), context.peers());
    RaftMetrics metrics = new RaftMetrics(context.metrics());
    Path dir = context.dataDir().resolve(RaftServer.NAME);
    RaftStorage storage;
    try {
      FsyncStats fsync = new FsyncStats(metrics.fsyncLatency()::recordNanos);
      storage = RaftStorage.open(dir, LogOptions.defaults().withSegmentBytesMax(settings.segmentBytes()), fsync);
    } catch (IOException e) {
      throw new ProtocolStartException("raft storage in " + dir + ": " + e.getMessage(), e);
    }
    StateMachines machines = OrderedMachines.of(context.config(), RaftServer.NAME);
    ActorRef<RaftServer.Command> server = context.spawn(
        RaftServer.create(context.transport(), settings, storage, machines, metrics), RaftServer.NAME);
    RaftReplicated raft = new RaftReplicated(server, context.system().scheduler(), settings.requestTimeout());
    context.provide(RaftServer.NAME, raft);
    RaftRoutes raftRoutes = new RaftRoutes(raft, context.require(PeerMonitor.NAME, PeerMonitorProvider.Instance.class));
    // a new leader gives every lease its longest election on top of what it had left (see KvLeaseTicks)
    long electionMaxMs = settings.tick().multipliedBy(settings.core().electionTimeoutMaxTicks()).toMillis();
    Route kv = KvService.raft(context, raft, machines, settings.maxCommandBytes(), () -> raft.status().thenApply(
        s -> s.isLeader() ? OptionalLong.of(s.term()) : OptionalLong.empty()), electionMaxMs);
    Route routes = Directives.concat(kv, raftRoutes.routes());
    return new ProtocolInstance() {
      @Override
      public Optional<Route> routes() {
        return Optional.of(routes);
      }

      @Override
      public Optional<Route> adminRoutes() {
        return Optional.of(raftRoutes.adminRoutes());
      }

      @Override
      public CompletionStage<Object> health() {
        return raft.status().thenApply(s -> s);
      }
    };
  }

  @Override
  public Set<String> startsAfter(Config config) {
    return Set.of(PeerMonitor.NAME);
  }
}
