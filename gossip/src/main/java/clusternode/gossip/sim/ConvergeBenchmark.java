package clusternode.gossip.sim;

import clusternode.gossip.core.MemberStatus;
import clusternode.gossip.core.MemberUpdate;
import clusternode.gossip.core.SwimConfig;
import clusternode.gossip.core.SwimMessage;
import clusternode.protocols.transport.FaultPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code gossip-converge} workload: in the deterministic simulation (1 tick = 100 ms of the
 * default configuration), how long dissemination takes as the cluster grows. For each N:
 * ticks until every member joined through the seeds; gossip rounds until a membership update
 * (a death notice told to one member) reached all; ticks until a CRDT write reached every
 * replica by anti-entropy alone and with its delta pushed; messages per member per gossip round
 * once joined. Run with {@code java -cp ... clusternode.gossip.sim.ConvergeBenchmark [N ...]}.
 */
public final class ConvergeBenchmark {
  public static final long TICK_MS = 100;

  /** One measurement; -1 where the limit passed first. */
  public record Row(int members, long seed, long joinTicks, long membershipRounds, long antiEntropyTicks,
      long pushedTicks, double messagesPerMemberPerRound) {}

  private ConvergeBenchmark() {}

  public static Row run(int n, long seed, double dropProbability) {
    SwimConfig config = SwimConfig.DEFAULT;
    Simulation sim = new Simulation(seed, n, config, 10);
    sim.plan = FaultPlan.NONE.withDrop(dropProbability).withDelay(0, 1);
    long join = sim.runUntil(5_000, sim::fullAliveView);
    sim.run(Math.max(config.syncPeriodTicks() * 3L, n)); // let the news of every join drain from the queues
    long sentBefore = sim.sent;
    long tickBefore = sim.tick;
    sim.run(50);
    double perMemberPerRound = (double) (sim.sent - sentBefore) / n
        / ((sim.tick - tickBefore) / (double) config.gossipPeriodTicks());

    String writer = sim.ids.get(n - 1);
    sim.addToCounter(writer, "counter/ae", 1, false);
    long antiEntropy = sim.runUntil(5_000, () -> sim.replicasAgreeOn("counter/ae"));
    sim.addToCounter(writer, "counter/push", 1, true);
    long pushed = sim.runUntil(5_000, () -> sim.replicasAgreeOn("counter/push"));

    String victim = sim.ids.get(0);
    Simulation.Node teller = sim.nodes.get(sim.ids.get(1));
    long incarnation = teller.swim.members().stream().filter(m -> m.id().equals(victim)).findFirst().orElseThrow()
        .incarnation();
    sim.crash(victim);
    teller.swim.receive(new SwimMessage.Gossip(sim.ids.get(2),
        List.of(new MemberUpdate(victim, MemberStatus.DEAD, incarnation, sim.ids.get(2)))));
    long ticks = sim.runUntil(5_000, () -> sim.allSeeDead(victim));
    long rounds = ticks < 0 ? -1 : (ticks + config.gossipPeriodTicks() - 1) / config.gossipPeriodTicks();
    return new Row(n, seed, join, rounds, antiEntropy, pushed, perMemberPerRound);
  }

  public static List<Row> run(int[] sizes, long seed, double dropProbability) {
    List<Row> rows = new ArrayList<>();
    for (int n : sizes) {
      rows.add(run(n, seed, dropProbability));
    }
    return rows;
  }

  public static String table(List<Row> rows) {
    StringBuilder sb = new StringBuilder(String.format("%6s %10s %18s %22s %18s %14s%n", "N", "join ms",
        "membership rounds", "anti-entropy only ms", "delta pushed ms", "msgs/member/round"));
    for (Row r : rows) {
      sb.append(String.format("%6d %10d %18d %22d %18d %14.2f%n", r.members(), ms(r.joinTicks()), r.membershipRounds(),
          ms(r.antiEntropyTicks()), ms(r.pushedTicks()), r.messagesPerMemberPerRound()));
    }
    return sb.toString();
  }

  private static long ms(long ticks) {
    return ticks < 0 ? -1 : ticks * TICK_MS;
  }

  public static void main(String[] args) {
    int[] sizes = args.length == 0 ? new int[] {16, 32, 64, 128, 256, 512}
        : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    System.out.print(table(run(sizes, 1, 0.01)));
  }
}
