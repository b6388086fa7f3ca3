package clusternode.raft.core;

import clusternode.protocols.transport.Fate;
import clusternode.protocols.transport.FaultPlan;
import clusternode.protocols.transport.Link;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A deterministic simulation of a Raft cluster (in the spirit of TigerBeetle's VOPR): N cores, a
 * network driven by {@link FaultPlan} (loss, duplication, delay, partitions and one-way cuts that
 * change over time) plus random delivery order, crashes that lose everything not yet persisted
 * (and crashes right after a vote went out), restarts from the
 * simulated disk only, client proposals with retries, reads, compaction, leadership transfers and
 * membership changes. Safety is checked after every step; a failure names the seed and the step so
 * that {@code new RaftSimulation(seed).run(steps)} replays it exactly.
 */
final class RaftSimulation {
  /** Sessions idle longer than this many entries are evicted; far above a run's length. */
  static final long SESSION_IDLE_ENTRIES = 1_000_000;

  /**
   * Deliberate bugs for the negative controls (RaftMutationTest): each must make a safety check
   * fail. They live in test code only: the commit-rule mutant flips a package-private switch of
   * {@link RaftCore}; the other two are wrong inputs to an honest core.
   */
  enum Mutant {
    NONE,
    /** The leader commits entries of earlier terms by counting replicas (Raft §5.4.2, Figure 8). */
    COMMIT_EARLIER_TERMS,
    /**
     * Votes are granted without the log up-to-date check (§5.4.1): every RequestVote claims a log
     * newer than any, and {@code isUpToDate} is the only reader of those two fields.
     */
    VOTE_WITHOUT_LOG_CHECK,
    /** A restarted server has lost {@code votedFor} from its disk, so it can vote twice in a term (§5.2). */
    FORGET_VOTE_ON_RESTART
  }

  final long seed;
  private final Mutant mutant;
  private final Random rng;
  private final RaftConfig config;
  private final List<String> ids = new ArrayList<>();
  private final Map<String, SimNode> nodes = new TreeMap<>();
  private final List<InFlight> network = new ArrayList<>();
  private FaultPlan plan = FaultPlan.NONE;
  private long now;
  private long step;
  private long messageSeq;
  private final boolean allowMembershipChanges;
  private boolean crashesEnabled = true;

  // Global knowledge for the checks.
  private final Map<Long, String> leaderOfTerm = new HashMap<>();
  private final Map<Long, Entry> committed = new HashMap<>();
  private final Map<Long, Long> committedInTerm = new HashMap<>();
  private final Map<Long, Entry> appliedEntry = new HashMap<>();
  private final Map<Long, Long> stateHashAt = new HashMap<>();
  private final Map<String, Long> clientCommandIndex = new HashMap<>();
  private final Map<Long, Long> readFloor = new HashMap<>();
  private long nextReadId = 1;

  // Clients: each has a current sequence number it (re)proposes until it sees it applied.
  private final long[] clientSeq = new long[16];

  // Counters for the report.
  long proposals;
  long commitsObserved;
  long crashes;
  long snapshotsInstalled;
  long readsServed;
  long transfers;
  long configChanges;
  long crashesAfterVote;
  long partitionPlans;
  long cutPlans;
  long leaderCannotHearPlans;
  long followerCannotAnswerPlans;
  long dropped;
  long droppedByCut;

  private record InFlight(long deliverAt, long seq, RaftMessage message) {}

  /** One server: the core (null while crashed), its simulated disk and its state machine. */
  private final class SimNode {
    final String id;
    RaftCore core;
    HardState diskHardState = HardState.EMPTY;
    Snapshot diskSnapshot;
    final List<Entry> diskEntries = new ArrayList<>();
    long smIndex;
    long smHash;
    ClientSessions sessions = new ClientSessions(SESSION_IDLE_ENTRIES);
    long lastCommit;
    long lastLeaderTermChecked = -1;
    /** Clock drift: this server misses every skipEvery-th tick (0 = a perfect clock). */
    long skipEvery;
    long skipPhase;

    SimNode(String id) {
      this.id = id;
    }
  }

  RaftSimulation(long seed) {
    this(seed, Mutant.NONE);
  }

  RaftSimulation(long seed, Mutant mutant) {
    this.seed = seed;
    this.mutant = mutant;
    // Consecutive seeds give correlated first draws from java.util.Random; scramble them first.
    this.rng = new Random(new java.util.SplittableRandom(seed).nextLong());
    int n = rng.nextBoolean() ? 3 : 5;
    int voters = n == 5 && rng.nextInt(3) == 0 ? 3 : n; // sometimes spare servers to add later
    for (int i = 1; i <= n; i++) {
      ids.add("n" + i);
    }
    boolean preVote = rng.nextBoolean();
    boolean checkQuorum = rng.nextBoolean();
    boolean lease = checkQuorum && rng.nextBoolean();
    int hb = 1 + rng.nextInt(2);
    int min = hb * (3 + rng.nextInt(5));
    this.config = RaftConfig.defaults(ids.subList(0, voters))
        .withTimeouts(min, min + 2 + rng.nextInt(2 * min), hb)
        .withFlags(preVote, checkQuorum, lease)
        .withLimits(1 + rng.nextInt(8), 64 + rng.nextInt(512), 1 + rng.nextInt(4), 8 + rng.nextInt(64))
        .withLearnerPromotionLag(rng.nextInt(4));
    // Without stickiness a removed server that missed its removal disrupts forever (§4.2.3).
    this.allowMembershipChanges = preVote || checkQuorum;
    for (int i = 0; i < n; i++) {
      String id = ids.get(i);
      SimNode node = new SimNode(id);
      RaftConfig own = i < voters ? config : config.withInitialVoters(List.of());
      node.core = newCore(own, id, RecoveredState.empty(), new Random(rng.nextLong()));
      if (rng.nextBoolean()) {
        // Slow clocks, but within the drift the lease tolerates: at most one missed tick per
        // minimum election timeout.
        node.skipEvery = config.electionTimeoutMinTicks() + 1 + rng.nextInt(3 * config.electionTimeoutMinTicks());
        node.skipPhase = rng.nextInt((int) node.skipEvery);
      }
      nodes.put(id, node);
    }
  }

  RaftConfig config() {
    return config;
  }

  /** Runs {@code steps} random steps, checking safety after each. */
  void run(long steps) {
    for (long i = 0; i < steps; i++) {
      step++;
      try {
        randomStep();
        checkSafety();
      } catch (RuntimeException | AssertionError e) {
        throw new AssertionError("raft simulation failed: seed=" + seed + " step=" + step + " ("
            + describe() + "): " + e.getMessage(), e);
      }
    }
  }

  long steps() {
    return step;
  }

  // ---------------------------------------------------------------------------------------------
  // Random actions

  private void randomStep() {
    int r = rng.nextInt(1000);
    if (r < 550) {
      deliverOne();
    } else if (r < 800) {
      tickAll();
    } else if (r < 900) {
      proposeSomewhere();
    } else if (r < 940) {
      readSomewhere();
    } else if (r < 950) {
      changeFaults();
    } else if (r < 954) {
      crashOne();
    } else if (r < 955) {
      campaignSomewhere();
    } else if (r < 975) {
      restartOne();
    } else if (r < 985) {
      compactOne();
    } else if (r < 990) {
      transferLeadership();
    } else if (r < 995) {
      changeMembership();
    } else {
      campaignSomewhere();
    }
  }

  private void deliverOne() {
    List<Integer> ready = new ArrayList<>();
    for (int i = 0; i < network.size(); i++) {
      if (network.get(i).deliverAt() <= now) {
        ready.add(i);
      }
    }
    if (ready.isEmpty()) {
      tickAll();
      return;
    }
    // Any deliverable message, not the oldest: this reorders messages.
    InFlight f = network.remove((int) ready.get(rng.nextInt(ready.size())));
    deliver(f.message());
  }

  /** Debugging aid: set it before replaying a seed to print every delivery. Off in tests. */
  static boolean trace = false;

  private void deliver(RaftMessage m) {
    SimNode to = nodes.get(m.to());
    if (trace) {
      System.out.println("t=" + now + " " + m + " -> " + to.core);
    }
    if (to.core == null) {
      return;
    }
    to.core.step(m);
    handleReady(to);
  }

  private void tickAll() {
    now++;
    for (SimNode n : nodes.values()) {
      boolean missed = n.skipEvery > 0 && (now + n.skipPhase) % n.skipEvery == 0;
      if (n.core != null && !missed) {
        n.core.tick();
        handleReady(n);
      }
    }
    // Every tick, each server that believes it leads may get a read: a deposed leader whose lease
    // outlived its leadership would answer stale in exactly these moments.
    for (SimNode n : nodes.values()) {
      if (n.core != null && n.core.role() == Role.LEADER && rng.nextInt(3) == 0) {
        read(n);
      }
    }
  }

  private void proposeSomewhere() {
    // Clients mostly find the leader; sometimes they ask a follower and get redirected.
    SimNode n = rng.nextInt(4) != 0 && randomLeader() != null ? randomLeader() : randomLive();
    if (n == null) {
      return;
    }
    int client = rng.nextInt(clientSeq.length);
    // A retry re-proposes the current seq; dedup must apply it once.
    byte[] cmd = command(client, clientSeq[client], rng.nextInt(1000));
    Proposal p = n.core.propose(cmd);
    if (p.accepted()) {
      proposals++;
    }
    handleReady(n);
  }

  private void readSomewhere() {
    // Mostly at a server that believes it leads (deposed leaders included: the interesting case).
    SimNode n = rng.nextInt(4) != 0 && randomLeader() != null ? randomLeader() : randomLive();
    if (n != null) {
      read(n);
    }
  }

  private void read(SimNode n) {
    long id = nextReadId++;
    long floor = 0;
    for (SimNode o : nodes.values()) {
      if (o.core != null) {
        floor = Math.max(floor, o.core.commitIndex());
      }
      floor = Math.max(floor, o.lastCommit);
    }
    readFloor.put(id, floor);
    n.core.readIndex(id);
    handleReady(n);
  }

  private void changeFaults() {
    int r = rng.nextInt(4);
    if (r == 0) {
      plan = FaultPlan.NONE;
      return;
    }
    boolean severe = rng.nextInt(5) == 0; // now and then: heavy loss, delays beyond timeouts
    FaultPlan p = FaultPlan.NONE
        .withDrop(rng.nextInt(3) == 0 ? 0 : rng.nextDouble() * (severe ? 0.6 : 0.2))
        .withDelay(rng.nextInt(2), severe ? rng.nextInt(40) : rng.nextInt(6))
        .withDuplication(rng.nextDouble() * (severe ? 0.3 : 0.1));
    if (r >= 2) {
      List<String> shuffled = new ArrayList<>(ids);
      java.util.Collections.shuffle(shuffled, rng);
      int cut = 1 + rng.nextInt(ids.size() - 1);
      p = p.withPartitions(List.of(Set.copyOf(shuffled.subList(0, cut))));
      partitionPlans++;
    }
    if (rng.nextInt(3) == 0) {
      p = p.withCuts(oneWayCuts());
    }
    plan = p;
  }

  /**
   * One-way cuts, the faults two-way partitions hide: random links, a leader that can send but
   * not hear (its heartbeats still suppress elections), or a follower that hears but cannot answer.
   */
  private Set<Link> oneWayCuts() {
    Set<Link> cuts = new HashSet<>();
    SimNode leader = randomLeader();
    String victim = leader != null && rng.nextBoolean() ? leader.id : ids.get(rng.nextInt(ids.size()));
    switch (rng.nextInt(3)) {
      case 0 -> {
        for (int i = 1 + rng.nextInt(ids.size()); i > 0; i--) {
          String a = ids.get(rng.nextInt(ids.size()));
          String b = ids.get(rng.nextInt(ids.size()));
          if (!a.equals(b)) {
            cuts.add(new Link(a, b));
          }
        }
      }
      case 1 -> {
        for (String other : ids) {
          if (!other.equals(victim)) {
            cuts.add(new Link(other, victim)); // victim sends, hears nothing
          }
        }
        if (leader != null && victim.equals(leader.id)) {
          leaderCannotHearPlans++;
        }
      }
      default -> {
        for (String other : ids) {
          if (!other.equals(victim)) {
            cuts.add(new Link(victim, other)); // victim hears, cannot answer
          }
        }
        if (leader == null || !victim.equals(leader.id)) {
          followerCannotAnswerPlans++;
        }
      }
    }
    if (!cuts.isEmpty()) {
      cutPlans++;
    }
    return cuts;
  }

  /** A server whose election timer fires early (etcd's MsgHup); stickiness still applies. */
  private void campaignSomewhere() {
    SimNode n = randomLive();
    if (n != null) {
      n.core.campaign();
      handleReady(n);
    }
  }

  private void crashOne() {
    SimNode n = randomLive();
    if (n != null) {
      crash(n);
    }
  }

  private void crash(SimNode n) {
    n.core = null;
    crashes++;
  }

  private void restartOne() {
    List<SimNode> down = new ArrayList<>();
    for (SimNode n : nodes.values()) {
      if (n.core == null) {
        down.add(n);
      }
    }
    if (!down.isEmpty()) {
      restart(down.get(rng.nextInt(down.size())));
    }
  }

  /** Rebuilds the server from its disk only, as a real restart would. */
  private void restart(SimNode n) {
    HardState hs = n.diskHardState;
    if (mutant == Mutant.FORGET_VOTE_ON_RESTART) {
      hs = new HardState(hs.term(), null, hs.commitIndex());
    }
    RecoveredState rs = new RecoveredState(hs, n.diskSnapshot, List.copyOf(n.diskEntries));
    boolean founder = config.initialVoters().contains(n.id);
    RaftConfig own = founder ? config : config.withInitialVoters(List.of());
    n.core = newCore(own, n.id, rs, new Random(rng.nextLong()));
    restoreStateMachine(n, n.diskSnapshot);
    n.lastCommit = 0;
    n.lastLeaderTermChecked = -1;
    handleReady(n);
  }

  private RaftCore newCore(RaftConfig own, String id, RecoveredState rs, Random random) {
    RaftCore core = new RaftCore(own, id, rs, random);
    core.mutantCommitsEarlierTerms = mutant == Mutant.COMMIT_EARLIER_TERMS;
    return core;
  }

  private void compactOne() {
    SimNode n = randomLive();
    if (n != null && n.core.appliedIndex() > 0) {
      n.core.compact(n.smIndex, stateMachineSnapshot(n));
      handleReady(n);
    }
  }

  private void transferLeadership() {
    SimNode leader = randomLeader();
    if (leader == null) {
      return;
    }
    List<String> voters = leader.core.membership().voters();
    if (leader.core.transferLeadership(voters.get(rng.nextInt(voters.size())))) {
      transfers++;
    }
    handleReady(leader);
  }

  private void changeMembership() {
    SimNode leader = randomLeader();
    if (!allowMembershipChanges || leader == null) {
      return;
    }
    Membership m = leader.core.membership();
    List<String> outside = new ArrayList<>();
    for (String id : ids) {
      if (!m.isMember(id)) {
        outside.add(id);
      }
    }
    Proposal p;
    // Keep at least two voters, so that the final liveness check can still elect a leader.
    boolean add = !outside.isEmpty() && (m.voters().size() <= 2 || rng.nextBoolean());
    if (add) {
      p = leader.core.proposeAddLearner(outside.get(rng.nextInt(outside.size())));
    } else if (m.voters().size() > 2) {
      List<String> members = m.members();
      p = leader.core.proposeRemove(members.get(rng.nextInt(members.size())));
    } else {
      return;
    }
    if (p.accepted()) {
      configChanges++;
    } else if (trace) {
      System.out.println("config change " + p);
    }
    handleReady(leader);
  }

  private SimNode randomLive() {
    List<SimNode> live = new ArrayList<>();
    for (SimNode n : nodes.values()) {
      if (n.core != null) {
        live.add(n);
      }
    }
    return live.isEmpty() ? null : live.get(rng.nextInt(live.size()));
  }

  private SimNode randomLeader() {
    List<SimNode> leaders = new ArrayList<>();
    for (SimNode n : nodes.values()) {
      if (n.core != null && n.core.role() == Role.LEADER) {
        leaders.add(n);
      }
    }
    return leaders.isEmpty() ? null : leaders.get(rng.nextInt(leaders.size()));
  }

  // ---------------------------------------------------------------------------------------------
  // The shell: persist, send, apply, exactly as Ready prescribes

  private void handleReady(SimNode n) {
    for (int guard = 0; n.core != null && n.core.hasReady(); guard++) {
      if (guard > 100) {
        throw new IllegalStateException(n.id + " keeps producing Ready");
      }
      Ready rd = n.core.ready();
      rd.messagesNow().forEach(this::send);
      // Crash before the fsync now and then, and often right after a vote: that is where a
      // vote sent too early would be forgotten and given twice.
      boolean voted = rd.hardState() != null && rd.hardState().votedFor() != null;
      if (crashesEnabled && rng.nextInt(voted ? 20 : 4000) == 0) {
        // Crash before the fsync completed: messagesNow are out, messagesAfterPersist are not, and
        // the disk holds nothing of this Ready or, with a torn write, the state and a prefix.
        if (rng.nextBoolean()) {
          persist(n, rd, rng.nextInt(rd.entriesToPersist().size() + 1));
        }
        crash(n);
        if (rng.nextBoolean()) {
          restart(n); // a supervisor restarts it at once, while its messages are still in flight
        }
        return;
      }
      persist(n, rd, rd.entriesToPersist().size());
      rd.messagesAfterPersist().forEach(this::send);
      if (voted && crashesEnabled && rng.nextInt(20) == 0) {
        // Crash right after the vote went out, and restart at once: a server that forgot its
        // vote would now give it again in the same term.
        crash(n);
        restart(n);
        crashesAfterVote++;
        return;
      }
      apply(n, rd);
      checkReads(n, rd);
      n.core.advance(rd);
    }
  }

  private void send(RaftMessage m) {
    if (mutant == Mutant.VOTE_WITHOUT_LOG_CHECK && m instanceof RaftMessage.RequestVote rv) {
      m = new RaftMessage.RequestVote(rv.from(), rv.to(), rv.term(), Long.MAX_VALUE, Long.MAX_VALUE, rv.preVote(),
          rv.leadershipTransfer());
    }
    Fate fate = plan.decide(m.from(), m.to(), rng);
    if (fate.isDropped()) {
      dropped++;
      if ("cut".equals(fate.dropReason())) {
        droppedByCut++;
      }
    }
    for (long delay : fate.delaysMs()) {
      network.add(new InFlight(now + delay, messageSeq++, m));
    }
    if (network.size() > 20_000) {
      throw new IllegalStateException("network queue unbounded: " + network.size());
    }
  }

  /** Writes the Ready in the order a shell must: state, snapshots, truncation, then entries. */
  private void persist(SimNode n, Ready rd, int entryCount) {
    if (rd.hardState() != null) {
      n.diskHardState = rd.hardState();
    }
    if (rd.installedSnapshot() != null) {
      n.diskSnapshot = rd.installedSnapshot();
      n.diskEntries.clear();
    }
    if (rd.compactedSnapshot() != null) {
      Snapshot s = rd.compactedSnapshot();
      if (n.diskSnapshot == null || s.index() > n.diskSnapshot.index()) {
        n.diskSnapshot = s;
        n.diskEntries.removeIf(e -> e.index() <= s.index());
      }
    }
    if (rd.truncateFromIndex() > 0) {
      n.diskEntries.removeIf(e -> e.index() >= rd.truncateFromIndex());
    }
    for (Entry e : rd.entriesToPersist().subList(0, entryCount)) {
      long last = n.diskEntries.isEmpty()
          ? (n.diskSnapshot == null ? 0 : n.diskSnapshot.index())
          : n.diskEntries.get(n.diskEntries.size() - 1).index();
      if (e.index() != last + 1) {
        throw new IllegalStateException(n.id + " disk gap: writing " + e + " after " + last);
      }
      n.diskEntries.add(e);
    }
  }

  private void apply(SimNode n, Ready rd) {
    if (rd.installedSnapshot() != null) {
      restoreStateMachine(n, rd.installedSnapshot());
      snapshotsInstalled++;
    }
    for (Entry e : rd.committedEntries()) {
      if (e.index() != n.smIndex + 1) {
        throw new IllegalStateException(n.id + " applies " + e.index() + " after " + n.smIndex);
      }
      Entry first = appliedEntry.putIfAbsent(e.index(), e);
      if (first != null && !first.equals(e)) {
        throw new IllegalStateException("state machine safety: " + n.id + " applies " + e
            + " where another server applied " + first);
      }
      applyToStateMachine(n, e);
      Long hash = stateHashAt.putIfAbsent(e.index(), n.smHash);
      if (hash != null && hash != n.smHash) {
        throw new IllegalStateException("state diverged at " + e.index() + " on " + n.id);
      }
    }
  }

  private void applyToStateMachine(SimNode n, Entry e) {
    n.smIndex = e.index();
    if (e.type() != EntryType.COMMAND) {
      return;
    }
    ByteBuffer b = ByteBuffer.wrap(e.data());
    String client = "c" + b.getInt();
    long seq = b.getLong();
    ClientSessions.Lookup l = n.sessions.lookup(client, seq);
    if (l.status() != ClientSessions.Status.NEW) {
      return; // a retry: the stored result is the answer, the state does not change
    }
    n.sessions.record(client, seq, ("ok" + e.index()).getBytes(StandardCharsets.UTF_8), e.index());
    n.smHash = n.smHash * 1_000_003L + Arrays.hashCode(e.data());
    String key = client + "#" + seq;
    Long at = clientCommandIndex.putIfAbsent(key, e.index());
    if (at != null && at != e.index()) {
      throw new IllegalStateException("command " + key + " applied at " + at + " and " + e.index());
    }
    int c = Integer.parseInt(client.substring(1));
    if (clientSeq[c] == seq) {
      clientSeq[c]++; // the client saw its command applied; next time it sends a new one
      commitsObserved++;
    }
  }

  private static byte[] command(int client, long seq, int payload) {
    return ByteBuffer.allocate(16).putInt(client).putLong(seq).putInt(payload).array();
  }

  private byte[] stateMachineSnapshot(SimNode n) {
    byte[] sessions = n.sessions.toBytes();
    // Padding makes snapshots span several chunks.
    return ByteBuffer.allocate(16 + sessions.length + 64)
        .putLong(n.smIndex).putLong(n.smHash).put(sessions).array();
  }

  private void restoreStateMachine(SimNode n, Snapshot s) {
    if (s == null || s.data().length == 0) {
      n.smIndex = s == null ? 0 : s.index();
      n.smHash = 0;
      n.sessions = new ClientSessions(SESSION_IDLE_ENTRIES);
      return;
    }
    ByteBuffer b = ByteBuffer.wrap(s.data());
    n.smIndex = b.getLong();
    n.smHash = b.getLong();
    byte[] rest = new byte[s.data().length - 16 - 64];
    b.get(rest);
    n.sessions = ClientSessions.fromBytes(rest, SESSION_IDLE_ENTRIES);
    if (n.smIndex != s.index()) {
      throw new IllegalStateException("snapshot at " + s.index() + " holds state of " + n.smIndex);
    }
    Long hash = stateHashAt.get(s.index());
    if (hash != null && hash != n.smHash) {
      throw new IllegalStateException("snapshot state differs at " + s.index());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Safety checks

  private void checkReads(SimNode n, Ready rd) {
    for (ReadState rs : rd.readStates()) {
      Long floor = readFloor.remove(rs.requestId());
      if (floor == null) {
        throw new IllegalStateException("unknown or repeated read " + rs);
      }
      if (rs.index() < floor) {
        throw new IllegalStateException("stale read on " + n.id + ": " + rs + " but " + floor
            + " was committed before the read began");
      }
      readsServed++;
    }
    for (RejectedRead rr : rd.rejectedReads()) {
      readFloor.remove(rr.requestId());
    }
  }

  private void checkSafety() {
    for (SimNode n : nodes.values()) {
      if (n.core == null) {
        continue;
      }
      checkElectionSafety(n);
      checkCommitted(n);
      if (n.core.role() == Role.LEADER && n.lastLeaderTermChecked != n.core.term()) {
        checkLeaderCompleteness(n);
        n.lastLeaderTermChecked = n.core.term();
      }
    }
    checkLogMatching();
  }

  /** Raft §5.2: at most one leader per term, over the whole history. */
  private void checkElectionSafety(SimNode n) {
    if (n.core.role() != Role.LEADER) {
      return;
    }
    String before = leaderOfTerm.putIfAbsent(n.core.term(), n.id);
    if (before != null && !before.equals(n.id)) {
      throw new IllegalStateException("two leaders in term " + n.core.term() + ": " + before + ", " + n.id);
    }
  }

  /**
   * Commit index never decreases; whatever a server holds as committed agrees with every other
   * server's committed entry at that index; and every entry committed is in every later leader's
   * log (committed entries are never lost).
   */
  private void checkCommitted(SimNode n) {
    long commit = n.core.commitIndex();
    if (commit < n.lastCommit) {
      throw new IllegalStateException(n.id + " commit index went back " + n.lastCommit + " -> " + commit);
    }
    RaftLog log = n.core.log();
    for (long i = Math.max(n.lastCommit + 1, log.firstIndex()); i <= commit; i++) {
      Entry e = log.entry(i);
      Entry known = committed.putIfAbsent(i, e);
      if (known == null) {
        committedInTerm.put(i, n.core.term());
        checkNewCommitInLeaders(i, e);
      } else if (!known.equals(e)) {
        throw new IllegalStateException("committed entries differ at " + i + ": " + known + " vs " + e
            + " on " + n.id);
      }
    }
    n.lastCommit = commit;
  }

  private void checkNewCommitInLeaders(long index, Entry e) {
    long term = committedInTerm.get(index);
    for (SimNode l : nodes.values()) {
      if (l.core != null && l.core.role() == Role.LEADER && l.core.term() > term) {
        checkHas(l, index, e);
      }
    }
  }

  /** Raft §5.4.1: a leader holds every entry committed in earlier terms. */
  private void checkLeaderCompleteness(SimNode leader) {
    for (Map.Entry<Long, Entry> c : committed.entrySet()) {
      if (committedInTerm.get(c.getKey()) < leader.core.term()) {
        checkHas(leader, c.getKey(), c.getValue());
      }
    }
  }

  private void checkHas(SimNode leader, long index, Entry e) {
    RaftLog log = leader.core.log();
    if (index <= log.snapshotIndex()) {
      return; // covered by its snapshot, whose state is checked against the applied states
    }
    if (index > log.lastIndex() || !log.entry(index).equals(e)) {
      throw new IllegalStateException("leader completeness: leader " + leader.id + " of term "
          + leader.core.term() + " lacks committed " + e);
    }
  }

  /** Raft §5.3: if two logs hold an entry with the same index and term, the prefixes are equal. */
  private void checkLogMatching() {
    List<SimNode> live = new ArrayList<>();
    for (SimNode n : nodes.values()) {
      if (n.core != null) {
        live.add(n);
      }
    }
    for (int i = 0; i < live.size(); i++) {
      for (int j = i + 1; j < live.size(); j++) {
        checkLogMatching(live.get(i), live.get(j));
      }
    }
  }

  private void checkLogMatching(SimNode a, SimNode b) {
    RaftLog la = a.core.log();
    RaftLog lb = b.core.log();
    long lo = Math.max(la.firstIndex(), lb.firstIndex());
    long hi = Math.min(la.lastIndex(), lb.lastIndex());
    long i = hi;
    while (i >= lo && la.term(i) != lb.term(i)) {
      i--;
    }
    for (; i >= lo; i--) {
      if (!la.entry(i).equals(lb.entry(i))) {
        throw new IllegalStateException("log matching violated at " + i + " between " + a.id + " and "
            + b.id + ": " + la.entry(i) + " vs " + lb.entry(i));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Liveness

  /**
   * Heals every fault, restarts every crashed server and delivers everything promptly. Returns the
   * ticks it took until a leader committed a fresh proposal, or -1 if it did not within maxTicks.
   */
  long healAndAwaitCommit(long maxTicks) {
    plan = FaultPlan.NONE;
    crashesEnabled = false;
    for (SimNode n : nodes.values()) {
      if (n.core == null) {
        restart(n);
      }
    }
    long proposedIndex = -1;
    SimNode proposer = null;
    for (long t = 0; t < maxTicks; t++) {
      tickAll();
      drainNetwork();
      checkSafety();
      if (proposer == null || proposer.core.role() != Role.LEADER) {
        proposer = randomLeader();
        proposedIndex = -1;
      }
      if (proposer != null && proposedIndex < 0) {
        Proposal p = proposer.core.propose(command(0, clientSeq[0], 7));
        if (p instanceof Proposal.Accepted a) {
          proposedIndex = a.index();
        }
        handleReady(proposer);
        drainNetwork();
      }
      if (proposer != null && proposedIndex > 0 && proposer.smIndex >= proposedIndex) {
        return t;
      }
    }
    return -1;
  }

  private void drainNetwork() {
    for (int round = 0; round < 1000 && !network.isEmpty(); round++) {
      List<InFlight> batch = new ArrayList<>(network);
      network.clear();
      for (InFlight f : batch) {
        deliver(f.message());
      }
    }
  }

  String describe() {
    StringBuilder sb = new StringBuilder("now=" + now + " " + plan.partitions());
    for (SimNode n : nodes.values()) {
      sb.append(' ').append(n.core == null ? n.id + "[down]" : n.core.toString());
    }
    return sb.toString();
  }

  Set<String> ids() {
    return new HashSet<>(ids);
  }
}
