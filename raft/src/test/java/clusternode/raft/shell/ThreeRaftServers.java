package clusternode.raft.shell;

import clusternode.protocols.kv.KvStore;
import clusternode.protocols.statemachine.StateMachines;
import clusternode.protocols.testing.LoopbackCluster;
import clusternode.raft.storage.FsyncStats;
import clusternode.raft.storage.LogOptions;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Raft servers with a KV store, one per ActorSystem of a {@link LoopbackCluster}, each on its own disk. */
final class ThreeRaftServers {
  private ThreeRaftServers() {}

  /** Starts {@code ids} with {@code raftConf}; puts each server's client side into {@code servers}. */
  static LoopbackCluster start(List<String> ids, Config raftConf, Map<String, RaftReplicated> servers) throws IOException {
    return start(ids, raftConf, servers, id -> new StateMachines(List.of(new KvStore())));
  }

  /** As above, with each server's state machines from {@code machines} (given the server's id). */
  static LoopbackCluster start(List<String> ids, Config raftConf, Map<String, RaftReplicated> servers,
      java.util.function.Function<String, StateMachines> machines) throws IOException {
    Path dir = Files.createTempDirectory("raft-servers-test");
    return LoopbackCluster.start(ids, raftConf, (ctx, node) -> {
      String id = node.transport().selfId();
      RaftSettings settings = RaftSettings.fromConfig(node.system().settings().config(), node.transport().peers());
      RaftStorage storage;
      try {
        storage = RaftStorage.open(dir.resolve(id), LogOptions.defaults(), new FsyncStats());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      var ref = ctx.spawn(RaftServer.create(node.transport(), settings, storage,
          machines.apply(id), new RaftMetrics(node.metrics())), RaftServer.NAME);
      servers.put(id, new RaftReplicated(ref, node.system().scheduler(), settings.requestTimeout()));
    });
  }
}
