package clusternode.gossip.core;

import clusternode.gossip.core.SwimMessage.Ack;
import clusternode.gossip.core.SwimMessage.Gossip;
import clusternode.gossip.core.SwimMessage.Nack;
import clusternode.gossip.core.SwimMessage.Ping;
import clusternode.gossip.core.SwimMessage.PingReq;
import clusternode.gossip.core.SwimMessage.Sync;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * SWIM membership (Das, Gupta, Motivala 2002) with memberlist's suspicion and Lifeguard's local
 * health, as a pure state machine: {@link #tick()} and {@link #receive} in, messages out through
 * {@link #takeOutbox()}, status changes through {@link #takeEvents()}. No clock, no threads, no
 * I/O; randomness from the {@link Random} it is given, so a seed replays exactly.
 *
 * <ul>
 *   <li>Each probe period it pings one member, in a shuffled round-robin order (SWIM 4.3), so every
 *       member is probed within one pass. No ack within the probe timeout: ask k members to
 *       ping-req it (SWIM 3.1). No ack by the end of the period: suspect it (SWIM 4.2).
 *   <li>A suspicion carries the suspect's incarnation; only the member itself raises its
 *       incarnation, which refutes it. A suspicion not refuted within a timeout that grows with
 *       log10 n (and shrinks with independent confirmations, Lifeguard) becomes dead.
 *   <li>Updates are piggybacked on pings and acks and pushed to a few random members every gossip
 *       period, each about retransmitMult * log10(n+1) times (SWIM 4.1, memberlist). A member
 *       refuting a suspicion of itself also tells every member directly: refutations are rare and
 *       a missed one costs a false death.
 *   <li>Join: push-pull of the whole membership with a seed until one answers; later, a push-pull
 *       with a random member (dead ones included) every sync period repairs what piggybacking
 *       missed and heals partitions: each side learns it was declared dead and refutes.
 *   <li>Lifeguard local health: missed nacks and having to refute raise a multiplier that slows
 *       our own probing and lengthens our timeouts; successful probes lower it.
 * </ul>
 */
public final class SwimCore {
  /** A status change this core decided or learned. */
  public record Event(String id, MemberStatus from, MemberStatus to, long incarnation, Kind kind) {}

  /** Why a status changed. */
  public enum Kind {
    JOINED, SUSPECTED, REFUTED, DECLARED_DEAD, LEARNED_DEAD, LEFT, REJOINED, SELF_REFUTED
  }

  /** A member as this node sees it. */
  public record MemberView(String id, MemberStatus status, long incarnation, long lastHeardTick) {}

  /** Running totals, for metrics. */
  public record Stats(long probes, long indirectProbes, long failedProbes, long suspicions, long refutedSuspicions,
      long selfRefutations, long deadDeclarations, long joins, int localHealth) {}

  private static final class Member {
    final String id;
    MemberStatus status;
    long incarnation;
    long lastHeardTick;
    long suspectSinceTick;
    final Set<String> confirmations = new HashSet<>();

    Member(String id, MemberStatus status, long incarnation, long tick) {
      this.id = id;
      this.status = status;
      this.incarnation = incarnation;
      this.lastHeardTick = tick;
      this.suspectSinceTick = tick;
    }

    MemberUpdate update(String by) {
      return new MemberUpdate(id, status, incarnation, by);
    }
  }

  private static final class Probe {
    final String target;
    final long seq;
    final long startTick;
    boolean acked;
    boolean indirectSent;
    int nacksExpected;
    int nacks;

    Probe(String target, long seq, long startTick) {
      this.target = target;
      this.seq = seq;
      this.startTick = startTick;
    }
  }

  private record Relay(String requester, long requesterSeq, String target, long deadlineTick) {}

  private static final class Broadcast {
    final MemberUpdate update;
    int transmits;

    Broadcast(MemberUpdate update) {
      this.update = update;
    }
  }

  private static final int MAX_RELAYS = 1024;

  private final String selfId;
  private final List<String> seeds;
  private final SwimConfig config;
  private final Random random;
  private final Map<String, Member> members = new TreeMap<>();
  private final Map<String, Broadcast> broadcasts = new LinkedHashMap<>();
  private final Map<Long, Relay> relays = new LinkedHashMap<>();
  private final List<Outbound<SwimMessage>> outbox = new ArrayList<>();
  private final List<Event> events = new ArrayList<>();
  private List<String> probeOrder = new ArrayList<>();
  private final java.util.ArrayDeque<String> probeSoon = new java.util.ArrayDeque<>();
  private int probeIndex;
  private Probe probe;
  private long tick;
  private long nextProbeTick;
  private long nextSyncTick;
  private long nextSeq = 1;
  private boolean joined;
  private boolean leaving;
  private int localHealth;
  private int notGone;
  private long notGoneTick = -1;
  private long probes;
  private long indirectProbes;
  private long failedProbes;
  private long suspicions;
  private long refutedSuspicions;
  private long selfRefutations;
  private long deadDeclarations;
  private long joins;

  /**
   * @param seeds the members to join through (the deployment's configured peers); self is ignored
   * @param incarnation this member's starting incarnation; a restarted member may start at 0 and
   *     will refute its old death with a higher one as soon as it hears of it
   */
  public SwimCore(String selfId, List<String> seeds, long incarnation, SwimConfig config, Random random) {
    this.selfId = selfId;
    this.seeds = seeds.stream().filter(s -> !s.equals(selfId)).distinct().sorted().toList();
    this.config = config;
    this.random = random;
    members.put(selfId, new Member(selfId, MemberStatus.ALIVE, incarnation, 0));
    this.joined = this.seeds.isEmpty();
    this.nextProbeTick = 1 + random.nextInt(config.probePeriodTicks()); // spread the members' periods
    this.nextSyncTick = 1;
  }

  // ---------------------------------------------------------------- inputs

  /** Time passes by one tick. */
  public void tick() {
    tick++;
    if (leaving) {
      return;
    }
    stepProbe();
    if (tick % config.gossipPeriodTicks() == 0) {
      gossip();
    }
    expireSuspicions();
    expireRelays();
    if (tick >= nextSyncTick) {
      sync();
    }
  }

  /** A message from another member. */
  public void receive(SwimMessage message) {
    if (leaving || message.from().equals(selfId)) {
      return;
    }
    Member sender = members.get(message.from());
    if (sender != null) {
      sender.lastHeardTick = tick;
    }
    if (message instanceof Ping p) {
      apply(p.gossip());
      send(p.from(), new Ack(selfId, p.seq(), piggyback(p.from())));
    } else if (message instanceof Ack a) {
      apply(a.gossip());
      onAck(a);
    } else if (message instanceof PingReq r) {
      apply(r.gossip());
      onPingReq(r);
    } else if (message instanceof Gossip g) {
      apply(g.gossip());
    } else if (message instanceof Nack n) {
      if (probe != null && probe.seq == n.seq()) {
        probe.nacks++;
      }
    } else if (message instanceof Sync s) {
      apply(s.members());
      joined = true;
      if (!s.reply()) {
        send(s.from(), new Sync(selfId, true, fullState()));
      }
    }
  }

  /** Leaves gracefully: tells every member, then stays silent. */
  public void leave() {
    if (leaving) {
      return;
    }
    Member self = members.get(selfId);
    self.status = MemberStatus.LEFT;
    List<MemberUpdate> note = List.of(self.update(selfId));
    for (Member m : members.values()) {
      if (!m.id.equals(selfId) && m.status != MemberStatus.LEFT) {
        send(m.id, new Sync(selfId, true, note));
      }
    }
    leaving = true;
  }

  // ---------------------------------------------------------------- outputs

  public List<Outbound<SwimMessage>> takeOutbox() {
    List<Outbound<SwimMessage>> out = List.copyOf(outbox);
    outbox.clear();
    return out;
  }

  public List<Event> takeEvents() {
    List<Event> out = List.copyOf(events);
    events.clear();
    return out;
  }

  public List<MemberView> members() {
    return members.values().stream()
        .map(m -> new MemberView(m.id, m.status, m.incarnation, m.id.equals(selfId) ? tick : m.lastHeardTick))
        .toList();
  }

  public MemberStatus status(String id) {
    Member m = members.get(id);
    return m == null ? null : m.status;
  }

  /** Members this one believes alive, itself excluded. */
  public List<String> aliveOthers() {
    return members.values().stream()
        .filter(m -> m.status == MemberStatus.ALIVE && !m.id.equals(selfId)).map(m -> m.id).toList();
  }

  /** Members alive or merely suspected, itself excluded: worth asking for a quorum, they may well answer. */
  public List<String> notDeadOthers() {
    return members.values().stream()
        .filter(m -> (m.status == MemberStatus.ALIVE || m.status == MemberStatus.SUSPECT) && !m.id.equals(selfId))
        .map(m -> m.id).toList();
  }

  public long incarnation() {
    return members.get(selfId).incarnation;
  }

  public long tickCount() {
    return tick;
  }

  public String selfId() {
    return selfId;
  }

  public Stats stats() {
    return new Stats(probes, indirectProbes, failedProbes, suspicions, refutedSuspicions, selfRefutations, deadDeclarations, joins,
        localHealth);
  }

  // ---------------------------------------------------------------- probing

  private int scaled(int ticks) {
    return ticks * (1 + localHealth);
  }

  private void stepProbe() {
    if (probe != null && !probe.acked && !probe.indirectSent
        && tick >= probe.startTick + scaled(config.probeTimeoutTicks())) {
      sendIndirectProbes();
    }
    if (tick < nextProbeTick) {
      return;
    }
    if (probe != null) {
      judge(probe);
      probe = null;
    }
    String target = nextTarget();
    nextProbeTick = tick + scaled(config.probePeriodTicks());
    if (target != null) {
      probe = new Probe(target, nextSeq++, tick);
      probes++;
      send(target, new Ping(selfId, probe.seq, piggyback(target)));
    }
  }

  private void sendIndirectProbes() {
    probe.indirectSent = true;
    List<String> helpers = new ArrayList<>(aliveOthers());
    helpers.remove(probe.target);
    Collections.shuffle(helpers, random);
    for (String h : helpers.subList(0, Math.min(config.indirectProbes(), helpers.size()))) {
      send(h, new PingReq(selfId, probe.seq, probe.target, piggyback(h)));
      probe.nacksExpected++;
      indirectProbes++;
    }
  }

  /** The end of a probe period: an unanswered probe makes its target suspect. */
  private void judge(Probe p) {
    if (p.acked) {
      adjustHealth(-1);
      return;
    }
    failedProbes++;
    if (p.nacksExpected > p.nacks) {
      adjustHealth(+1); // Lifeguard: the helpers did not even answer us; maybe we are the slow one
    }
    Member m = members.get(p.target);
    if (m != null && m.status == MemberStatus.ALIVE) {
      suspect(m, selfId);
      enqueue(m.update(selfId));
    } else if (m != null && m.status == MemberStatus.SUSPECT && m.confirmations.add(selfId)) {
      enqueue(m.update(selfId)); // our own failed probe confirms it
    }
  }

  private String nextTarget() {
    while (!probeSoon.isEmpty()) {
      Member m = members.get(probeSoon.poll());
      if (m != null && m.status == MemberStatus.SUSPECT) {
        return m.id; // direct evidence settles a suspicion fastest: its ack carries the refutation
      }
    }
    for (int attempts = 0; attempts < 2; attempts++) {
      while (probeIndex < probeOrder.size()) {
        String id = probeOrder.get(probeIndex++);
        Member m = members.get(id);
        if (m != null && (m.status == MemberStatus.ALIVE || m.status == MemberStatus.SUSPECT)) {
          return id;
        }
      }
      probeOrder = new ArrayList<>();
      for (Member m : members.values()) {
        if (!m.id.equals(selfId) && (m.status == MemberStatus.ALIVE || m.status == MemberStatus.SUSPECT)) {
          probeOrder.add(m.id);
        }
      }
      Collections.shuffle(probeOrder, random);
      probeIndex = 0;
    }
    return null;
  }

  private void onAck(Ack a) {
    if (probe != null && probe.seq == a.seq()) {
      probe.acked = true;
      Member target = members.get(probe.target);
      if (target != null) {
        target.lastHeardTick = tick;
      }
      return;
    }
    Relay relay = relays.remove(a.seq());
    if (relay != null) {
      List<MemberUpdate> gossip = new ArrayList<>(piggyback(relay.requester()));
      Member target = members.get(relay.target());
      if (target != null) {
        gossip.add(target.update(selfId)); // the target's own word, e.g. a refutation, reaches the requester
      }
      send(relay.requester(), new Ack(selfId, relay.requesterSeq(), gossip));
    }
  }

  private void onPingReq(PingReq r) {
    if (relays.size() >= MAX_RELAYS || r.target().equals(selfId)) {
      if (r.target().equals(selfId)) {
        send(r.from(), new Ack(selfId, r.seq(), piggyback(r.from())));
      }
      return;
    }
    long seq = nextSeq++;
    relays.put(seq, new Relay(r.from(), r.seq(), r.target(), tick + scaled(config.probeTimeoutTicks())));
    send(r.target(), new Ping(selfId, seq, piggyback(r.target())));
  }

  private void expireRelays() {
    Iterator<Relay> it = relays.values().iterator();
    while (it.hasNext()) {
      Relay r = it.next();
      if (tick >= r.deadlineTick()) {
        it.remove();
        send(r.requester(), new Nack(selfId, r.requesterSeq()));
      }
    }
  }

  private void adjustHealth(int delta) {
    localHealth = Math.max(0, Math.min(config.maxLocalHealth(), localHealth + delta));
  }

  // ---------------------------------------------------------------- suspicion

  private void suspect(Member m, String by) {
    MemberStatus before = m.status;
    m.status = MemberStatus.SUSPECT;
    m.suspectSinceTick = tick;
    m.confirmations.clear();
    m.confirmations.add(by);
    suspicions++;
    events.add(new Event(m.id, before, MemberStatus.SUSPECT, m.incarnation, Kind.SUSPECTED));
    if (!by.equals(selfId) && !probeSoon.contains(m.id) && probeSoon.size() < members.size()) {
      probeSoon.add(m.id);
    }
  }

  private void expireSuspicions() {
    int n = countNotGone();
    for (Member m : members.values()) {
      if (m.status != MemberStatus.SUSPECT) {
        continue;
      }
      int independent = m.confirmations.size() - 1; // the first suspicion is not a confirmation
      if (tick - m.suspectSinceTick >= config.suspicionTimeoutTicks(n, Math.max(0, independent))) {
        m.status = MemberStatus.DEAD;
        deadDeclarations++;
        events.add(new Event(m.id, MemberStatus.SUSPECT, MemberStatus.DEAD, m.incarnation, Kind.DECLARED_DEAD));
        enqueue(m.update(selfId));
      }
    }
  }

  private int countNotGone() {
    if (notGoneTick == tick && notGone > 0) {
      return notGone;
    }
    notGoneTick = tick;
    notGone = countNotGoneNow();
    return notGone;
  }

  private int countNotGoneNow() {
    int n = 0;
    for (Member m : members.values()) {
      if (m.status == MemberStatus.ALIVE || m.status == MemberStatus.SUSPECT) {
        n++;
      }
    }
    return n;
  }

  // ---------------------------------------------------------------- dissemination

  private void apply(List<MemberUpdate> updates) {
    for (MemberUpdate u : updates) {
      apply(u);
    }
  }

  /** SWIM's update rules with incarnation numbers (memberlist's aliveNode, suspectNode, deadNode). */
  private void apply(MemberUpdate u) {
    if (u.id().equals(selfId)) {
      applyAboutSelf(u);
      return;
    }
    Member m = members.get(u.id());
    if (m == null) {
      m = new Member(u.id(), u.status(), u.incarnation(), tick);
      members.put(u.id(), m);
      if (u.status() == MemberStatus.SUSPECT) {
        m.confirmations.add(u.by());
      }
      if (u.status() == MemberStatus.ALIVE) {
        joins++;
        events.add(new Event(u.id(), null, MemberStatus.ALIVE, u.incarnation(), Kind.JOINED));
      }
      enqueue(u);
      return;
    }
    MemberStatus before = m.status;
    switch (u.status()) {
      case ALIVE -> {
        if (u.incarnation() > m.incarnation) {
          m.incarnation = u.incarnation();
          m.status = MemberStatus.ALIVE;
          m.lastHeardTick = tick;
          if (before == MemberStatus.SUSPECT) {
            refutedSuspicions++;
            events.add(new Event(m.id, before, MemberStatus.ALIVE, m.incarnation, Kind.REFUTED));
          } else if (before != MemberStatus.ALIVE) {
            events.add(new Event(m.id, before, MemberStatus.ALIVE, m.incarnation, Kind.REJOINED));
          }
          enqueue(u);
        }
      }
      case SUSPECT -> {
        boolean newer = u.incarnation() > m.incarnation;
        if ((before == MemberStatus.ALIVE && u.incarnation() >= m.incarnation)
            || (before == MemberStatus.SUSPECT && newer)) {
          m.incarnation = u.incarnation();
          suspect(m, u.by());
          enqueue(u);
        } else if (before == MemberStatus.SUSPECT && u.incarnation() == m.incarnation && m.confirmations.add(u.by())) {
          enqueue(u);
        } else if ((before == MemberStatus.DEAD || before == MemberStatus.LEFT) && newer) {
          m.incarnation = u.incarnation(); // a newer life, suspected: treat as a rejoin under suspicion
          events.add(new Event(m.id, before, MemberStatus.SUSPECT, m.incarnation, Kind.REJOINED));
          suspect(m, u.by());
          enqueue(u);
        }
      }
      case DEAD -> {
        if ((before == MemberStatus.ALIVE || before == MemberStatus.SUSPECT) && u.incarnation() >= m.incarnation) {
          m.incarnation = u.incarnation();
          m.status = MemberStatus.DEAD;
          events.add(new Event(m.id, before, MemberStatus.DEAD, m.incarnation, Kind.LEARNED_DEAD));
          enqueue(u);
        } else if (before == MemberStatus.DEAD && u.incarnation() > m.incarnation) {
          m.incarnation = u.incarnation();
        }
      }
      case LEFT -> {
        if (before != MemberStatus.LEFT && u.incarnation() >= m.incarnation) {
          m.incarnation = u.incarnation();
          m.status = MemberStatus.LEFT;
          events.add(new Event(m.id, before, MemberStatus.LEFT, m.incarnation, Kind.LEFT));
          enqueue(u);
        }
      }
    }
  }

  /** Someone says something about us: anything but "alive" at our incarnation is refuted with a higher one. */
  private void applyAboutSelf(MemberUpdate u) {
    Member self = members.get(selfId);
    boolean wrong = u.status() != MemberStatus.ALIVE && u.incarnation() >= self.incarnation;
    boolean ahead = u.status() == MemberStatus.ALIVE && u.incarnation() > self.incarnation; // a former life of ours
    if (!wrong && !ahead) {
      return;
    }
    self.incarnation = u.incarnation() + 1;
    selfRefutations++;
    if (u.status() == MemberStatus.SUSPECT) {
      adjustHealth(+1); // Lifeguard: being suspected hints that we are slow
    }
    events.add(new Event(selfId, u.status(), MemberStatus.ALIVE, self.incarnation, Kind.SELF_REFUTED));
    enqueue(self.update(selfId));
    List<MemberUpdate> refutation = List.of(self.update(selfId));
    for (Member m : members.values()) {
      if (!m.id.equals(selfId) && m.status != MemberStatus.LEFT) {
        send(m.id, new Gossip(selfId, refutation));
      }
    }
  }

  private void enqueue(MemberUpdate u) {
    broadcasts.put(u.id(), new Broadcast(u)); // a newer fact about a member replaces the older one
  }

  /**
   * What rides on a message to {@code to}: our own alive entry (so every message we send refutes a
   * stale suspicion of us at its receiver), the suspicion of {@code to} if we hold one (Lifeguard's
   * buddy system: the suspect hears of it at once), then the least-sent queued updates up to the
   * piggyback limit; each queued update is dropped after its retransmit limit.
   */
  private List<MemberUpdate> piggyback(String to) {
    List<MemberUpdate> out = new ArrayList<>();
    out.add(members.get(selfId).update(selfId));
    Member target = members.get(to);
    if (target != null && target.status == MemberStatus.SUSPECT) {
      out.add(target.update(selfId));
    }
    if (broadcasts.isEmpty()) {
      return out;
    }
    int limit = config.retransmitLimit(countNotGone());
    for (Broadcast b : leastSent(config.maxPiggyback() + 1)) {
      if (out.size() >= config.maxPiggyback() + 2) {
        break;
      }
      if (b.update.id().equals(selfId) && b.update.status() == MemberStatus.ALIVE) {
        broadcasts.remove(selfId); // rides first on every message anyway
        continue;
      }
      out.add(b.update);
      if (++b.transmits >= limit) {
        broadcasts.remove(b.update.id());
      }
    }
    return out;
  }

  /** The {@code count} least-sent queued updates, oldest first among equals; one pass, no full sort. */
  private List<Broadcast> leastSent(int count) {
    List<Broadcast> best = new ArrayList<>(count + 1);
    for (Broadcast b : broadcasts.values()) {
      if (best.size() == count && best.get(count - 1).transmits <= b.transmits) {
        continue;
      }
      int i = best.size();
      while (i > 0 && best.get(i - 1).transmits > b.transmits) {
        i--;
      }
      best.add(i, b);
      if (best.size() > count) {
        best.remove(count);
      }
    }
    return best;
  }

  private List<MemberUpdate> fullState() {
    List<MemberUpdate> out = new ArrayList<>(members.size());
    for (Member m : members.values()) {
      out.add(m.update(selfId));
    }
    return out;
  }

  private void gossip() {
    if (broadcasts.isEmpty() || config.gossipFanout() == 0) {
      return;
    }
    List<String> targets = new ArrayList<>();
    for (Member m : members.values()) {
      if (!m.id.equals(selfId) && (m.status == MemberStatus.ALIVE || m.status == MemberStatus.SUSPECT)) {
        targets.add(m.id);
      }
    }
    Collections.shuffle(targets, random);
    for (String t : targets.subList(0, Math.min(config.gossipFanout(), targets.size()))) {
      List<MemberUpdate> updates = piggyback(t);
      if (updates.size() > 1 || broadcasts.containsKey(selfId)) {
        send(t, new Gossip(selfId, updates));
      }
    }
  }

  // ---------------------------------------------------------------- join and push-pull

  private void sync() {
    List<String> candidates;
    if (!joined) {
      candidates = seeds;
      nextSyncTick = tick + config.joinRetryTicks();
    } else {
      TreeSet<String> all = new TreeSet<>(seeds);
      all.addAll(members.keySet());
      all.remove(selfId);
      all.removeIf(id -> members.containsKey(id) && members.get(id).status == MemberStatus.LEFT);
      candidates = new ArrayList<>(all);
      nextSyncTick = tick + config.syncPeriodTicks();
    }
    if (!candidates.isEmpty()) {
      send(candidates.get(random.nextInt(candidates.size())), new Sync(selfId, false, fullState()));
    }
  }

  private void send(String to, SwimMessage message) {
    outbox.add(new Outbound<>(to, message));
  }
}
