package clusternode.raft.shell;

import clusternode.protocols.kv.KvOp;
import clusternode.protocols.kv.KvResult;
import clusternode.protocols.kv.KvStore;
import clusternode.protocols.statemachine.Replicated.ReadConsistency;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the shell tests ask their servers (by id): status, the one leader among some, KV writes and reads. */
final class RaftClients {
  private final Map<String, RaftReplicated> servers;

  RaftClients(Map<String, RaftReplicated> servers) {
    this.servers = servers;
  }

  RaftStatus status(String id) {
    return servers.get(id).status().toCompletableFuture().join();
  }

  /** The leader among {@code among}, if exactly one of them believes it leads. */
  Optional<String> leader(Collection<String> among) {
    List<String> leaders = among.stream().filter(id -> status(id).isLeader()).toList();
    return leaders.size() == 1 ? Optional.of(leaders.get(0)) : Optional.empty();
  }

  KvResult put(String via, String key, String value) {
    return KvResult.decode(servers.get(via).command(KvStore.NAME, KvOp.encode(new KvOp.Put(key, bytes(value))))
        .toCompletableFuture().join());
  }

  KvResult get(String via, String key, ReadConsistency consistency) {
    return KvResult.decode(servers.get(via).query(KvStore.NAME, KvOp.encode(new KvOp.Get(key)), consistency)
        .toCompletableFuture().join());
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
