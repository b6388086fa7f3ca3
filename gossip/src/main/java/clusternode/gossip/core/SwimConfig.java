package clusternode.gossip.core;

/**
 * SWIM's timing and fan-out, in ticks. Defaults follow HashiCorp memberlist's LAN profile scaled
 * to ticks (a probe period of 10 ticks).
 *
 * @param probePeriodTicks one probe per period; a probe unanswered by the period's end means suspect
 * @param probeTimeoutTicks wait this long for a direct ack before asking {@code indirectProbes} members
 * @param indirectProbes k, the members asked to ping-req a silent target
 * @param suspicionMult suspicion timeout = mult * max(1, log10 n) * probe period (at least)
 * @param suspicionMaxMult the timeout starts at this many times the minimum and shrinks with confirmations
 * @param retransmitMult each update is piggybacked mult * ceil(log10(n + 1)) times
 * @param maxPiggyback at most this many updates ride on one message
 * @param syncPeriodTicks push-pull of the whole membership with one random member (dead ones too, so partitions heal)
 * @param joinRetryTicks until a seed answered, retry the join this often
 * @param maxLocalHealth Lifeguard's local health multiplier cap; 0 turns Lifeguard off
 * @param gossipPeriodTicks push queued updates to {@code gossipFanout} random members this often
 * @param gossipFanout how many members each gossip round reaches
 */
public record SwimConfig(int probePeriodTicks, int probeTimeoutTicks, int indirectProbes, int suspicionMult,
    int suspicionMaxMult, int retransmitMult, int maxPiggyback, int syncPeriodTicks, int joinRetryTicks,
    int maxLocalHealth, int gossipPeriodTicks, int gossipFanout) {
  public static final SwimConfig DEFAULT = new SwimConfig(10, 4, 3, 4, 3, 4, 8, 20, 10, 8, 2, 3);

  public SwimConfig {
    require(probePeriodTicks >= 2, "probe period must be at least 2 ticks");
    require(probeTimeoutTicks >= 1 && probeTimeoutTicks < probePeriodTicks, "probe timeout must be in [1, probe period)");
    require(indirectProbes >= 0 && indirectProbes <= 16, "indirect probes must be in [0, 16]");
    require(suspicionMult >= 1 && suspicionMult <= 100, "suspicion mult must be in [1, 100]");
    require(suspicionMaxMult >= 1 && suspicionMaxMult <= 100, "suspicion max mult must be in [1, 100]");
    require(retransmitMult >= 1 && retransmitMult <= 100, "retransmit mult must be in [1, 100]");
    require(maxPiggyback >= 1 && maxPiggyback <= 256, "max piggyback must be in [1, 256]");
    require(syncPeriodTicks >= 1, "sync period must be at least 1 tick");
    require(joinRetryTicks >= 1, "join retry must be at least 1 tick");
    require(maxLocalHealth >= 0 && maxLocalHealth <= 64, "max local health must be in [0, 64]");
    require(gossipPeriodTicks >= 1, "gossip period must be at least 1 tick");
    require(gossipFanout >= 0 && gossipFanout <= 64, "gossip fanout must be in [0, 64]");
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new IllegalArgumentException(what);
    }
  }

  /** Ticks a suspect has to refute before it is declared dead, given n members and c confirmations. */
  public long suspicionTimeoutTicks(int members, int confirmations) {
    double scale = Math.max(1.0, Math.log10(Math.max(1, members)));
    double min = suspicionMult * scale * probePeriodTicks;
    double max = suspicionMaxMult * min;
    int expected = members - 2 < suspicionMult - 2 ? 0 : suspicionMult - 2; // memberlist: k = mult - 2 if enough nodes
    if (expected < 1 || max <= min) {
      return (long) Math.ceil(min);
    }
    double frac = Math.log(Math.min(confirmations, expected) + 1.0) / Math.log(expected + 1.0);
    return (long) Math.ceil(Math.max(min, max - (max - min) * frac));
  }

  /** How many times each update is piggybacked in a cluster of n. */
  public int retransmitLimit(int members) {
    return retransmitMult * (int) Math.max(1, Math.ceil(Math.log10(members + 1.0)));
  }
}
