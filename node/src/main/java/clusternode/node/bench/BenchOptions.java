package clusternode.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code bin/cluster bench} was asked to do, checked before any load is sent: the workload
 * exists and fits the protocol ({@code failover} kills a Raft leader, {@code view-change} silences
 * a PBFT primary), the numbers are in range, and (once the cluster answers) that the running
 * deployment runs the protocol the figures will be labelled with.
 */
public record BenchOptions(String workload, String protocol, int clients, int durationSeconds, int valueBytes,
    String target, int runs) {
  public static final List<String> PROTOCOLS = List.of("raft", "pbft");

  /** Workload -> the protocols it can measure. */
  private static final Map<String, Set<String>> WORKLOADS = Map.of(
      "kv-write", Set.of("raft", "pbft"),
      "kv-read", Set.of("raft", "pbft"),
      "ledger-transfer", Set.of("raft", "pbft"),
      "gossip-converge", Set.of("raft", "pbft"),
      "failover", Set.of("raft"),
      "view-change", Set.of("pbft"),
      // a txn is a deterministic command, ordered by either; leases and watch are Raft's (PBFT answers 501)
      "txn", Set.of("raft", "pbft"),
      "lease-keepalive", Set.of("raft"),
      "watch-fanout", Set.of("raft"));

  /** @throws IllegalArgumentException with one line naming the bad option and what to use */
  public BenchOptions {
    if (!PROTOCOLS.contains(protocol)) {
      throw new IllegalArgumentException("--protocol " + protocol + " is unknown; use raft or pbft");
    }
    Set<String> protocols = WORKLOADS.get(workload);
    if (protocols == null) {
      throw new IllegalArgumentException("--workload " + workload
          + " is unknown; use kv-write, kv-read, ledger-transfer, gossip-converge, txn, lease-keepalive (raft), "
          + "watch-fanout (raft), failover (raft) or view-change (pbft)");
    }
    if (!protocols.contains(protocol)) {
      throw new IllegalArgumentException("--workload " + workload + " measures " + String.join(" or ", protocols)
          + ", not " + protocol + (workload.equals("failover") ? "; for pbft use --workload view-change"
          : workload.equals("view-change") ? "; for raft use --workload failover"
          : ": PBFT answers 501 for leases and watch"));
    }
    if (clients < 1 || clients > 1024 || durationSeconds < 1 || valueBytes < 0 || valueBytes > 1 << 20 || runs < 1
        || runs > 1000) {
      throw new IllegalArgumentException("clients 1-1024, duration >= 1 s, value-bytes 0-1048576, runs 1-1000");
    }
    if (target == null || target.isBlank()) {
      throw new IllegalArgumentException("--target must be leader, all or a node id");
    }
  }

  /**
   * Null when a node's {@code GET /health} answer names {@code protocol} among its protocols, else
   * the one-line reason to refuse the run (figures labelled pbft must come from PBFT).
   */
  public static String protocolMismatch(JsonNode health, String protocol) {
    JsonNode protocols = health == null ? null : health.get("protocols");
    if (protocols == null || !protocols.isArray()) {
      return "the cluster's /health does not list its protocols; is it a clusternode cluster?";
    }
    boolean runs = false;
    boolean raftToo = false;
    for (JsonNode p : protocols) {
      runs |= protocol.equals(p.asText());
      raftToo |= "raft".equals(p.asText());
    }
    if (runs && protocol.equals("pbft") && raftToo) {
      return "--protocol pbft but the running cluster runs raft too, and raft serves /kv there; "
          + "bench a deployment with pbft alone (conf/pbft-4.conf)";
    }
    if (runs) {
      return null;
    }
    return "--protocol " + protocol + " but the running cluster runs " + protocols
        + "; start one that does (e.g. bin/cluster up --config conf/" + (protocol.equals("pbft") ? "pbft-4" : "default")
        + ".conf) or pass the right --protocol";
  }
}
