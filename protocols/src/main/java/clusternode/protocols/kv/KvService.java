package clusternode.protocols.kv;

import akka.http.javadsl.server.Route;
import clusternode.protocols.spi.ProtocolContext;
import clusternode.protocols.statemachine.Replicated;
import clusternode.protocols.statemachine.StateMachines;
import clusternode.protocols.statemachine.ticks.ProposedTicks;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Mounts the KV and coordination service on the protocol that orders it: the routes over this
 * node's replica, and under Raft the lease ticks. One place, so Raft and PBFT mount the same thing.
 */
public final class KvService {
  private KvService() {}

  /** Under Raft: leases, watch, locks and elections work; the leader ticks the lease clock. */
  public static Route raft(ProtocolContext context, Replicated ordering, StateMachines machines, int maxOpBytes,
      Supplier<CompletionStage<OptionalLong>> leaderTerm, long extendMs) {
    KvSettings settings = KvSettings.fromConfig(context.config(), "raft");
    KvStore local = (KvStore) machines.get(KvStore.NAME);
    long intervalMs = settings.leaseTickInterval().toMillis();
    String id = context.config().hasPath("cluster-node.id") ? context.config().getString("cluster-node.id") : "node";
    ProposedTicks ticks = new ProposedTicks(ordering, KvStore.NAME, KvLeaseTicks::monotonicMs,
        new KvLeaseTicks(local, id, leaderTerm, intervalMs, extendMs));
    context.system().scheduler().scheduleAtFixedRate(settings.leaseTickInterval(), settings.leaseTickInterval(), ticks,
        context.system().executionContext());
    return new KvRoutes(ordering, maxOpBytes, local, settings).routes();
  }

  /** Under PBFT: revisions, ranges and txn; leases, watch, locks and elections answer 501. */
  public static Route pbft(ProtocolContext context, Replicated ordering, StateMachines machines, int maxOpBytes) {
    KvSettings settings = KvSettings.fromConfig(context.config(), "pbft");
    return new KvRoutes(ordering, maxOpBytes, (KvStore) machines.get(KvStore.NAME), settings).routes();
  }
}
