package clusternode.protocols.statemachine;

import clusternode.protocols.kv.KvSettings;
import clusternode.protocols.kv.KvStore;
import clusternode.protocols.ledger.LedgerProvider;
import clusternode.protocols.ledger.LedgerStateMachine;
import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;

/**
 * The state machines an ordering protocol drives on a node: the KV store always, and the ledger
 * when the deployment orders it with that protocol. Raft and PBFT both build theirs here, so a
 * new machine joins both at once.
 */
public final class OrderedMachines {
  private OrderedMachines() {}

  public static StateMachines of(Config config, String orderingProtocol) {
    List<StateMachine> machines = new ArrayList<>();
    machines.add(new KvStore(KvSettings.fromConfig(config, orderingProtocol).limits()));
    if (LedgerProvider.orderedBy(config, orderingProtocol)) {
      machines.add(new LedgerStateMachine());
    }
    return new StateMachines(machines);
  }
}
