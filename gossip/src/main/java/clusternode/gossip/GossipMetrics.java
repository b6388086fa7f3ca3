package clusternode.gossip;

import clusternode.gossip.core.AntiEntropyCore;
import clusternode.gossip.core.MemberStatus;
import clusternode.gossip.core.SwimCore;
import clusternode.gossip.core.Versioned;
import clusternode.gossip.crdt.MVRegister;
import clusternode.protocols.metrics.Metrics;
import clusternode.protocols.peers.PeerDirectory;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gossip protocol's figures in the node's {@link Metrics}: SWIM's probes, suspicions,
 * refutations and deaths, messages and bytes per member, the convergence time of the last write,
 * and the MV-register conflict count. Updated on the actor's thread; read when scraped.
 */
final class GossipMetrics {
  private final Metrics metrics;
  private final GossipSettings settings;
  private final Map<MemberStatus, Integer> byStatus = new ConcurrentHashMap<>();
  private volatile SwimCore.Stats last = new SwimCore.Stats(0, 0, 0, 0, 0, 0, 0, 0, 0);
  private volatile long convergenceMs = -1;

  GossipMetrics(Metrics metrics, PeerDirectory peers, SwimCore swim, AntiEntropyCore store, GossipSettings settings) {
    this.metrics = metrics;
    this.settings = settings;
    for (MemberStatus s : MemberStatus.values()) {
      byStatus.put(s, 0);
      metrics.gauge("gossip_members", "Members by status in this node's SWIM view", () -> byStatus.get(s),
          "status", s.json());
    }
    metrics.gauge("gossip_local_health", "Lifeguard local health multiplier (0 is healthy)", () -> last.localHealth());
    metrics.gauge("gossip_convergence_last_ms",
        "Time from the last converged local write until every live member held it (-1: none yet)", () -> convergenceMs);
    for (String peer : peers.ids()) {
      if (!peer.equals(peers.selfId())) {
        metrics.counter("gossip_messages_sent_total", "Gossip messages (SWIM and anti-entropy) sent", "peer", peer);
        metrics.counter("gossip_bytes_sent_total", "Serialized bytes of gossip messages sent", "peer", peer);
      }
    }
    sampled(swim, store);
  }

  void sent(String peer, int bytes) {
    metrics.counter("gossip_messages_sent_total", "Gossip messages (SWIM and anti-entropy) sent", "peer", peer)
        .increment();
    metrics.counter("gossip_bytes_sent_total", "Serialized bytes of gossip messages sent", "peer", peer).add(bytes);
  }

  void rejected(String reason) {
    metrics.counter("gossip_messages_rejected_total", "Gossip messages dropped as malformed or not fitting",
        "reason", reason).increment();
  }

  void event(SwimCore.Event e) {
    metrics.counter("gossip_member_transitions_total", "Member status changes seen by this node",
        "kind", e.kind().name().toLowerCase(java.util.Locale.ROOT)).increment();
  }

  /** A local write: concurrent MV-register writes show up as siblings. */
  void wrote(String key, Versioned state) {
    if (state != null && state.data() instanceof MVRegister r && r.siblings().size() > 1) {
      metrics.counter("gossip_mvregister_conflicts_total",
          "Register writes that found concurrent siblings (a conflict resolved by this write)").increment();
    }
  }

  void sampled(SwimCore swim, AntiEntropyCore store) {
    SwimCore.Stats now = swim.stats();
    SwimCore.Stats before = last;
    add("gossip_probes_total", "SWIM probes started", now.probes() - before.probes());
    add("gossip_indirect_probes_total", "SWIM ping-req requests sent", now.indirectProbes() - before.indirectProbes());
    add("gossip_failed_probes_total", "Probes unanswered directly and indirectly (raising a suspicion)",
        now.failedProbes() - before.failedProbes());
    add("gossip_suspicions_total", "Members this node began to suspect", now.suspicions() - before.suspicions());
    add("gossip_false_suspicions_refuted_total", "Suspicions refuted by the suspect with a higher incarnation",
        now.refutedSuspicions() - before.refutedSuspicions());
    add("gossip_self_refutations_total", "Suspicions of this node it refuted", now.selfRefutations() - before.selfRefutations());
    add("gossip_dead_declarations_total", "Members this node declared dead", now.deadDeclarations() - before.deadDeclarations());
    last = now;
    Map<MemberStatus, Integer> counts = new EnumMap<>(MemberStatus.class);
    for (MemberStatus s : MemberStatus.values()) {
      counts.put(s, 0);
    }
    for (SwimCore.MemberView m : swim.members()) {
      counts.merge(m.status(), 1, Integer::sum);
    }
    byStatus.putAll(counts);
    long ticks = store.lastConvergenceTicks();
    convergenceMs = ticks < 0 ? -1 : ticks * settings.tickInterval().toMillis();
  }

  private void add(String name, String help, long delta) {
    var counter = metrics.counter(name, help);
    if (delta > 0) {
      counter.add(delta);
    }
  }
}
