package clusternode.gossip.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.gossip.core.SwimMessage.Ack;
import clusternode.gossip.core.SwimMessage.Gossip;
import clusternode.gossip.core.SwimMessage.Ping;
import clusternode.gossip.core.SwimMessage.PingReq;
import clusternode.gossip.core.SwimMessage.Sync;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Scripted SWIM scenarios on one core, where the test is the network: it reads what the core
 * sends and decides what comes back. Each test names the rule it checks.
 */
class SwimCoreTest {
  private static final SwimConfig CONFIG = SwimConfig.DEFAULT; // P = 10, timeout 4, k = 3
  private static final List<String> IDS = List.of("a", "b", "c", "d");

  /** A core "a" that has joined and knows b, c, d alive. */
  private static SwimCore joined() {
    SwimCore a = new SwimCore("a", IDS, 0, CONFIG, new Random(1));
    a.receive(new Sync("b", true, List.of(alive("b", 0), alive("c", 0), alive("d", 0))));
    a.takeOutbox();
    a.takeEvents();
    return a;
  }

  private static MemberUpdate alive(String id, long inc) {
    return new MemberUpdate(id, MemberStatus.ALIVE, inc, id);
  }

  private static <T> List<T> sent(SwimCore core, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Outbound<SwimMessage> o : core.takeOutbox()) {
      if (type.isInstance(o.message())) {
        out.add(type.cast(o.message()));
      }
    }
    return out;
  }

  /** Ticks until the core sends its next ping; returns it. */
  private static Outbound<SwimMessage> nextPing(SwimCore core) {
    for (int i = 0; i < 100; i++) {
      core.tick();
      for (Outbound<SwimMessage> o : core.takeOutbox()) {
        if (o.message() instanceof Ping) {
          return o;
        }
      }
    }
    throw new AssertionError("no ping within 100 ticks");
  }

  @Test
  void joinIsAPushPullWithASeedRetriedUntilOneAnswers() {
    SwimCore a = new SwimCore("a", IDS, 0, CONFIG, new Random(1));
    a.tick();
    List<Sync> first = sent(a, Sync.class);
    assertEquals(1, first.size(), "one join request per try");
    assertTrue(!first.get(0).reply() && first.get(0).members().contains(alive("a", 0)));
    for (int i = 0; i < CONFIG.joinRetryTicks(); i++) {
      a.tick();
    }
    assertEquals(1, sent(a, Sync.class).size(), "retried after join-retry ticks");
    a.receive(new Sync("c", true, List.of(alive("c", 0), alive("b", 0))));
    assertEquals(MemberStatus.ALIVE, a.status("b"), "learned b from c's reply");
  }

  /** SWIM 4.3: each member is probed once per round-robin pass, in random order. */
  @Test
  void probesEveryMemberOncePerPass() {
    SwimCore a = joined();
    for (int pass = 0; pass < 3; pass++) {
      List<String> targets = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Outbound<SwimMessage> ping = nextPing(a);
        targets.add(ping.to());
        a.receive(new Ack(ping.to(), ((Ping) ping.message()).seq(), List.of()));
      }
      assertEquals(List.of("b", "c", "d"), targets.stream().sorted().toList(), "pass " + pass);
    }
    assertEquals(0, a.stats().failedProbes());
  }

  /** SWIM 3.1: no ack within the timeout sends ping-req to k members; a forwarded ack clears the target. */
  @Test
  void anIndirectAckPreventsASuspicion() {
    SwimCore a = joined();
    Outbound<SwimMessage> ping = nextPing(a);
    List<PingReq> reqs = new ArrayList<>();
    for (int i = 0; i < CONFIG.probeTimeoutTicks() && reqs.isEmpty(); i++) {
      a.tick();
      reqs.addAll(sent(a, PingReq.class));
    }
    assertEquals(2, reqs.size(), "k = 3 but only two other members can help");
    assertTrue(reqs.stream().allMatch(r -> r.target().equals(ping.to())));
    a.receive(new Ack(helperOf(ping.to()), reqs.get(0).seq(), List.of())); // a helper forwards the target's ack
    for (int i = 0; i < CONFIG.probePeriodTicks(); i++) {
      a.tick();
    }
    assertEquals(MemberStatus.ALIVE, a.status(ping.to()));
    assertEquals(0, a.stats().failedProbes());
  }

  private static String helperOf(String target) {
    for (String id : IDS) {
      if (!id.equals("a") && !id.equals(target)) {
        return id;
      }
    }
    throw new AssertionError();
  }

  /** SWIM 4.2 + memberlist: an unanswered probe makes the target suspect; unrefuted, it is dead after the timeout. */
  @Test
  void anUnansweredProbeSuspectsThenDeclaresDeadAfterTheSuspicionTimeout() {
    SwimCore a = joined();
    Outbound<SwimMessage> ping = nextPing(a);
    String target = ping.to();
    long suspectedAt = -1;
    long deadAt = -1;
    for (int i = 0; i < 400 && deadAt < 0; i++) {
      a.tick();
      for (Outbound<SwimMessage> o : a.takeOutbox()) {
        if (o.message() instanceof Ping p && !o.to().equals(target)) {
          a.receive(new Ack(o.to(), p.seq(), List.of())); // everyone else answers
        }
      }
      if (suspectedAt < 0 && a.status(target) == MemberStatus.SUSPECT) {
        suspectedAt = a.tickCount();
      }
      if (a.status(target) == MemberStatus.DEAD) {
        deadAt = a.tickCount();
      }
    }
    assertTrue(suspectedAt > 0 && deadAt > 0);
    // n = 4 alive members, own failed probes confirm: timeout between the min (40) and the max (120)
    long waited = deadAt - suspectedAt;
    assertTrue(waited >= CONFIG.suspicionTimeoutTicks(4, 10) && waited <= CONFIG.suspicionTimeoutTicks(4, 0),
        "waited " + waited);
    assertEquals(1, a.stats().deadDeclarations());
  }

  /** SWIM 4.2: only the member raises its incarnation; a suspicion of itself is refuted and told to everyone. */
  @Test
  void aMemberRefutesASuspicionOfItselfWithAHigherIncarnation() {
    SwimCore a = joined();
    a.receive(new Ping("b", 9, List.of(new MemberUpdate("a", MemberStatus.SUSPECT, 0, "b"))));
    assertEquals(1, a.incarnation());
    List<Outbound<SwimMessage>> out = a.takeOutbox();
    assertEquals(3, out.stream().filter(o -> o.message() instanceof Gossip).count(), "told b, c and d directly");
    Ack ack = out.stream().map(Outbound::message).filter(Ack.class::isInstance).map(Ack.class::cast).findFirst()
        .orElseThrow();
    assertEquals(alive("a", 1).incarnation(), ack.gossip().get(0).incarnation(), "the ack carries the refutation");
    a.receive(new Ping("b", 10, List.of(new MemberUpdate("a", MemberStatus.SUSPECT, 0, "b"))));
    assertEquals(1, a.incarnation(), "an old suspicion is not refuted again");
  }

  /** memberlist: a suspicion at an older incarnation than known is ignored; alive at a higher one clears it. */
  @Test
  void incarnationsOrderTheFacts() {
    SwimCore a = joined();
    a.receive(new Gossip("c", List.of(new MemberUpdate("b", MemberStatus.SUSPECT, 0, "c"))));
    assertEquals(MemberStatus.SUSPECT, a.status("b"));
    a.receive(new Gossip("b", List.of(alive("b", 0))));
    assertEquals(MemberStatus.SUSPECT, a.status("b"), "alive at the same incarnation does not refute");
    a.receive(new Gossip("b", List.of(alive("b", 1))));
    assertEquals(MemberStatus.ALIVE, a.status("b"));
    assertEquals(1, a.stats().refutedSuspicions());
    a.receive(new Gossip("c", List.of(new MemberUpdate("b", MemberStatus.SUSPECT, 0, "c"))));
    assertEquals(MemberStatus.ALIVE, a.status("b"), "a stale suspicion is ignored");
  }

  /** A dead member rejoins: it learns of its death through the join's push-pull and comes back with a higher incarnation. */
  @Test
  void aDeadMemberRejoinsWithAHigherIncarnation() {
    SwimCore a = joined();
    a.receive(new Gossip("c", List.of(new MemberUpdate("b", MemberStatus.DEAD, 2, "c"))));
    assertEquals(MemberStatus.DEAD, a.status("b"));
    SwimCore b = new SwimCore("b", IDS, 0, CONFIG, new Random(2)); // restarted, incarnation 0
    b.tick();
    Sync join = sent(b, Sync.class).get(0);
    a.receive(join);
    assertEquals(MemberStatus.DEAD, a.status("b"), "alive at 0 does not undo dead at 2");
    Sync reply = a.takeOutbox().stream().map(Outbound::message).filter(Sync.class::isInstance).map(Sync.class::cast)
        .findFirst().orElseThrow();
    b.receive(reply);
    assertEquals(3, b.incarnation(), "refutes its death at 2 with 3");
    for (Outbound<SwimMessage> o : b.takeOutbox()) {
      if (o.to().equals("a")) {
        a.receive(o.message());
      }
    }
    assertEquals(MemberStatus.ALIVE, a.status("b"));
    assertTrue(a.takeEvents().stream().anyMatch(e -> e.kind() == SwimCore.Kind.REJOINED));
  }

  /** A graceful leave is told to everyone; a member that left is not probed. */
  @Test
  void aLeavingMemberIsMarkedLeftAndNotProbed() {
    SwimCore a = joined();
    SwimCore c = new SwimCore("c", IDS, 0, CONFIG, new Random(3));
    c.receive(new Sync("a", true, List.of(alive("a", 0), alive("b", 0), alive("d", 0))));
    c.takeOutbox();
    c.leave();
    List<Outbound<SwimMessage>> notes = c.takeOutbox();
    assertEquals(3, notes.size());
    notes.stream().filter(o -> o.to().equals("a")).forEach(o -> a.receive(o.message()));
    assertEquals(MemberStatus.LEFT, a.status("c"));
    for (int i = 0; i < 100; i++) {
      a.tick();
      for (Outbound<SwimMessage> o : a.takeOutbox()) {
        assertTrue(!o.to().equals("c") || !(o.message() instanceof Ping), "pinged a member that left");
        if (o.message() instanceof Ping p) {
          a.receive(new Ack(o.to(), p.seq(), List.of()));
        }
      }
    }
  }

  /** SWIM 4.1: each update is piggybacked a bounded number of times, then dropped. */
  @Test
  void piggybackedUpdatesAreRetransmittedABoundedNumberOfTimes() {
    SwimCore a = joined();
    a.receive(new Gossip("c", List.of(new MemberUpdate("d", MemberStatus.SUSPECT, 0, "c"))));
    int carried = 0;
    for (int i = 0; i < 50; i++) {
      a.receive(new Ping("b", 100 + i, List.of()));
      for (Outbound<SwimMessage> o : a.takeOutbox()) {
        if (o.message() instanceof Ack ack) {
          carried += (int) ack.gossip().stream().filter(u -> u.id().equals("d") && u.by().equals("c")).count();
        }
      }
    }
    // the joined() facts about b, c, d also queue up, so the suspicion gets exactly its limit
    assertEquals(CONFIG.retransmitLimit(4), carried);
  }
}
