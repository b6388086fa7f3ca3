package clusternode.node.check;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;

/** What a check run needs to know of its deployment file before starting it: the protocols it runs. */
final class Deployment {
  /** The names in {@code cluster-node.protocols}. */
  record Protocols(List<String> names) {
    boolean pbft() {
      return names.contains("pbft");
    }

    /** What {@code workload} needs that the deployment lacks, or null. */
    String missingFor(String workload) {
      return switch (workload) {
        case "register" -> names.contains("raft") || pbft() ? null : "raft or pbft (the KV store)";
        case "ledger" -> names.contains("ledger") ? null : "ledger";
        case "crdt" -> names.contains("gossip") ? null : "gossip";
        // leases, locks and watches need Raft: on PBFT the node answers 501 for them
        case "lock", "watch" -> names.contains("raft") ? null : "raft (PBFT answers 501 for leases, locks and watch)";
        default -> null;
      };
    }
  }

  private Deployment() {}

  /** The deployment's protocols; a file the check cannot read is a bad argument, said as such. */
  static Protocols protocols(Path deployment) {
    try {
      Config c = ConfigFactory.parseFile(deployment.toFile()).resolve();
      return new Protocols(c.hasPath("cluster-node.protocols") ? c.getStringList("cluster-node.protocols") : List.of());
    } catch (ConfigException e) {
      throw new IllegalArgumentException(deployment + ": " + e.getMessage());
    }
  }
}
