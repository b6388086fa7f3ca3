package clusternode.raft.core;

import clusternode.raft.core.RaftMessage.AppendEntries;
import clusternode.raft.core.RaftMessage.AppendEntriesResponse;
import clusternode.raft.core.RaftMessage.InstallSnapshot;
import clusternode.raft.core.RaftMessage.InstallSnapshotResponse;
import clusternode.raft.core.RaftMessage.RequestVote;
import clusternode.raft.core.RaftMessage.RequestVoteResponse;
import clusternode.raft.core.RaftMessage.TimeoutNow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;

/**
 * One Raft server as a deterministic state machine, in the shape of etcd's raft: inputs are
 * {@link #tick()}, {@link #step}, {@link #propose} and friends; outputs accumulate until the shell
 * takes them with {@link #ready()} and reports back with {@link #advance(Ready)} (or the finer
 * {@link #persisted} and {@link #applied}). No clock, no threads, no I/O; randomness only from the
 * {@link Random} it is given. Not thread-safe: one caller at a time (the actor).
 */
public final class RaftCore {
  /**
   * The lease is this much shorter than the followers' stickiness window: one tick because the
   * servers' tick phases differ, one for drift between their tick rates.
   */
  static final int LEASE_MARGIN_TICKS = 2;

  private final RaftConfig config;
  private final String selfId;
  private final Random random;
  private final RaftLog log;

  // Persistent state (Raft Figure 2).
  private long term;
  private String votedFor;
  private long commitIndex;

  // Volatile state.
  private Role role = Role.FOLLOWER;
  private String leaderId;
  private Membership membership;
  private long membershipIndex;
  private int electionElapsed;
  private int heartbeatElapsed;
  private int randomizedElectionTimeout;
  private long ticks;
  private final Map<String, Boolean> votes = new TreeMap<>();
  private final Replicator replicator;
  private String transferTarget;
  private int transferElapsed;
  private boolean timeoutNowSent;
  /** The leader appended entries not yet offered to followers; they go out batched in ready(). */
  private boolean appendsPending;
  private final ReadIndexQueue reads = new ReadIndexQueue();
  private SnapshotAssembler assembler;
  /** On a leader: a majority of voters answered in the last completed check-quorum round. */
  private boolean quorumHeardLastRound;
  /** Counted for metrics only; they never steer the protocol. */
  private long campaigns;
  private long preVoteCampaigns;

  /**
   * A mutation switch for the simulation's negative control (RaftMutationTest) and nothing else:
   * package-private, never set in main code, so no configuration can reach it. When set, the
   * leader commits entries of earlier terms by counting replicas, which Figure 8 forbids.
   */
  boolean mutantCommitsEarlierTerms;

  // Output bookkeeping.
  private final Outputs out;
  private long appliedIndex;
  private long durableIndex;

  public RaftCore(RaftConfig config, String selfId, RecoveredState recovered, Random random) {
    this.config = Objects.requireNonNull(config, "config");
    this.selfId = Objects.requireNonNull(selfId, "selfId");
    this.random = Objects.requireNonNull(random, "random");
    Snapshot snap = recovered.snapshot() != null
        ? recovered.snapshot()
        : new Snapshot(0, 0, Membership.ofVoters(config.initialVoters()), new byte[0]);
    this.log = new RaftLog(snap, recovered.entries());
    HardState hs = recovered.hardState();
    if (hs.term() < log.lastTerm()) {
      throw new IllegalStateException(
          "recovered term " + hs.term() + " is below the last log term " + log.lastTerm());
    }
    term = hs.term();
    votedFor = hs.votedFor();
    commitIndex = Math.max(snap.index(), Math.min(hs.commitIndex(), log.lastIndex()));
    appliedIndex = snap.index();
    durableIndex = log.lastIndex();
    // What was read back from disk counts as already reported to the shell.
    out = new Outputs(log.lastIndex(), snap.index(), hardState(), softState());
    replicator = new Replicator(config, selfId, log, out, new Replicator.Leadership() {
      @Override
      public long term() {
        return term;
      }

      @Override
      public long commitIndex() {
        return commitIndex;
      }

      @Override
      public long readContext() {
        return reads.lastContext();
      }
    });
    refreshMembership();
    becomeFollower(term, null);
  }

  // ---------------------------------------------------------------------------------------------
  // Queries

  public String id() {
    return selfId;
  }

  public Role role() {
    return role;
  }

  public long term() {
    return term;
  }

  public String leaderId() {
    return leaderId;
  }

  public long commitIndex() {
    return commitIndex;
  }

  public long appliedIndex() {
    return appliedIndex;
  }

  public long lastIndex() {
    return log.lastIndex();
  }

  public Membership membership() {
    return membership;
  }

  public HardState hardState() {
    return new HardState(term, votedFor, commitIndex);
  }

  public SoftState softState() {
    return new SoftState(role, leaderId, term);
  }

  /** Elections this server started as a candidate (a new term each), since it was created. */
  public long campaigns() {
    return campaigns;
  }

  /** Pre-vote rounds this server started (no term change; §9.6 of the dissertation), since it was created. */
  public long preVoteCampaigns() {
    return preVoteCampaigns;
  }

  /** The leader's matchIndex of a peer, or -1 if not leader or unknown peer (for tests/metrics). */
  public long matchIndexOf(String peer) {
    Progress pr = replicator.get(peer);
    return pr == null ? -1 : pr.match;
  }

  /** A consistent picture for health endpoints; cheap, allocates a small map. */
  public RaftStatus status() {
    Map<String, RaftStatus.Peer> peers = new TreeMap<>();
    List<String> active = new ArrayList<>(List.of(selfId));
    for (Map.Entry<String, Progress> e : replicator.all().entrySet()) {
      Progress pr = e.getValue();
      peers.put(e.getKey(), new RaftStatus.Peer(pr.match, pr.next, pr.state.name(), pr.recentActive));
      if (pr.recentActive) {
        active.add(e.getKey());
      }
    }
    // The round in progress has just begun right after a check; the one before covers that gap.
    boolean quorum = role == Role.LEADER && (quorumHeardLastRound || membership.hasQuorum(active));
    return new RaftStatus(selfId, role, term, leaderId, commitIndex, appliedIndex, log.lastIndex(),
        log.snapshotIndex(), membership, peers, quorum);
  }

  RaftLog log() {
    return log;
  }

  /**
   * Starts an election now, as if the election timeout fired (etcd's MsgHup), for tests and admin
   * tools. Ignored on a leader and on a server that is not a voter.
   */
  public void campaign() {
    if (role != Role.LEADER && promotable()) {
      campaign(config.preVote(), false);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Inputs

  /** One logical tick; the shell calls it at a fixed rate. */
  public void tick() {
    ticks++;
    if (role == Role.LEADER) {
      tickLeader();
    } else {
      tickElection();
    }
  }

  /** A message from a peer. */
  public void step(RaftMessage m) {
    Objects.requireNonNull(m, "message");
    if (!selfId.equals(m.to()) || selfId.equals(m.from())) {
      throw new IllegalArgumentException("misrouted message at " + selfId + ": " + m);
    }
    if (m.term() > term) {
      if (!acceptHigherTerm(m)) {
        return;
      }
    } else if (m.term() < term) {
      answerLowerTerm(m);
      return;
    }
    if (m instanceof RequestVote rv) {
      handleVoteRequest(rv);
      return;
    }
    switch (role) {
      case LEADER -> stepLeader(m);
      case CANDIDATE, PRE_CANDIDATE -> stepCandidate(m);
      case FOLLOWER -> stepFollower(m);
    }
  }

  /** Appends a client command if this server is the leader (Raft §5.3). */
  public Proposal propose(byte[] command) {
    Objects.requireNonNull(command, "command");
    Proposal.Rejected no = checkCanPropose();
    if (no != null) {
      return no;
    }
    if (command.length > config.maxBytesPerAppend()) {
      return new Proposal.Rejected(Proposal.Reason.TOO_LARGE, null);
    }
    return appendAsLeader(EntryType.COMMAND, command);
  }

  /** Adds a learner: it receives the log, and is promoted to voter once caught up (§4.2.1). */
  public Proposal proposeAddLearner(String id) {
    Proposal.Rejected no = checkCanChangeConfig();
    if (no != null) {
      return no;
    }
    if (membership.isMember(id)) {
      return new Proposal.Rejected(Proposal.Reason.INVALID_CONFIG_CHANGE, null);
    }
    return appendAsLeader(EntryType.CONFIG, membership.withLearner(id).encode());
  }

  /** Removes a voter or learner, one server at a time (dissertation §4.1). */
  public Proposal proposeRemove(String id) {
    Proposal.Rejected no = checkCanChangeConfig();
    if (no != null) {
      return no;
    }
    Membership next = membership.without(id);
    if (!membership.isMember(id) || next.voters().isEmpty()) {
      return new Proposal.Rejected(Proposal.Reason.INVALID_CONFIG_CHANGE, null);
    }
    return appendAsLeader(EntryType.CONFIG, next.encode());
  }

  /**
   * Starts a linearizable read (dissertation §6.4). The answer comes in a later Ready: a
   * {@link ReadState} or a {@link RejectedRead}.
   */
  public void readIndex(long requestId) {
    if (role != Role.LEADER) {
      out.rejectRead(new RejectedRead(requestId, RejectedRead.Reason.NOT_LEADER, leaderId));
    } else if (reads.size() >= config.maxPendingReads()) {
      out.rejectRead(new RejectedRead(requestId, RejectedRead.Reason.TOO_MANY_PENDING, selfId));
    } else if (!committedInCurrentTerm()) {
      // Our commit index may lag the true one until our no-op commits (§6.4 step 1).
      reads.waitForTermCommit(requestId);
    } else {
      startReads(List.of(requestId));
    }
  }

  /**
   * Hands leadership to {@code target} (dissertation §3.10). Returns false if this server is not
   * the leader or the target is not another voter. Proposals are refused until the transfer ends.
   */
  public boolean transferLeadership(String target) {
    if (role != Role.LEADER || target.equals(selfId) || !membership.isVoter(target)) {
      return false;
    }
    if (transferTarget != null) {
      return transferTarget.equals(target);
    }
    transferTarget = target;
    transferElapsed = 0;
    timeoutNowSent = false;
    if (replicator.get(target).match == log.lastIndex()) {
      sendTimeoutNow(target);
    } else {
      replicator.sendAppends(target);
    }
    return true;
  }

  /**
   * The shell snapshotted its state machine at applied index {@code index}. Log entries up to it
   * are dropped; the snapshot is kept to catch up lagging followers (Raft §7). Indexes at or below
   * the current snapshot are ignored.
   */
  public void compact(long index, byte[] stateMachineSnapshot) {
    if (index > appliedIndex) {
      throw new IllegalArgumentException(
          "cannot compact to " + index + " beyond applied index " + appliedIndex);
    }
    if (index <= log.snapshotIndex()) {
      return;
    }
    Snapshot s = new Snapshot(index, log.term(index), log.membershipAt(index), stateMachineSnapshot);
    log.compact(s);
    out.compacted(s);
  }

  // ---------------------------------------------------------------------------------------------
  // Outputs

  public boolean hasReady() {
    return appendsPending || out.hasReady(log, commitIndex, hardState(), softState());
  }

  /** Takes everything pending; the shell must handle it as {@link Ready} describes. */
  public Ready ready() {
    flushAppends();
    return out.build(log, commitIndex, hardState(), softState(), config.maxCommittedEntriesPerReady());
  }

  /** The shell persisted, sent and applied everything in {@code rd}. */
  public void advance(Ready rd) {
    long appliedTo = out.applyCursor();
    if (rd.installedSnapshot() != null) {
      persisted(rd.installedSnapshot().index(), rd.installedSnapshot().term());
    }
    if (!rd.entriesToPersist().isEmpty()) {
      Entry last = rd.entriesToPersist().get(rd.entriesToPersist().size() - 1);
      persisted(last.index(), last.term());
    }
    if (!rd.committedEntries().isEmpty()) {
      appliedTo = rd.committedEntries().get(rd.committedEntries().size() - 1).index();
    } else if (rd.installedSnapshot() != null) {
      appliedTo = rd.installedSnapshot().index();
    }
    applied(Math.min(appliedTo, out.applyCursor()));
  }

  /**
   * Entries up to {@code index} (whose term is {@code entryTerm}) are durable. The leader counts
   * itself towards a commit only for durable entries, which makes group commit safe. Reports about
   * entries since truncated (term mismatch) are ignored.
   */
  public void persisted(long index, long entryTerm) {
    if (index <= durableIndex || index >= out.unstableFrom() || log.term(index) != entryTerm) {
      return;
    }
    durableIndex = index;
    if (role == Role.LEADER) {
      maybeCommit();
    }
  }

  /** The state machine applied every committed entry up to {@code index}. */
  public void applied(long index) {
    if (index > out.applyCursor()) {
      throw new IllegalStateException("applied " + index + " but only " + out.applyCursor() + " handed out");
    }
    appliedIndex = Math.max(appliedIndex, index);
  }

  private void send(RaftMessage m) {
    out.send(m);
  }

  // ---------------------------------------------------------------------------------------------
  // Terms and roles

  /** Handles a message with a higher term; false if it must be ignored entirely. */
  private boolean acceptHigherTerm(RaftMessage m) {
    if (m instanceof RequestVote rv) {
      if (!rv.leadershipTransfer() && inLeaderLease()) {
        // Leader stickiness (dissertation §4.2.3, §9.6): we heard from a live leader recently.
        return false;
      }
      if (rv.preVote()) {
        return true;
      }
    }
    if (m instanceof RequestVoteResponse r && r.preVote() && r.granted()) {
      return true; // a granted pre-vote carries the candidate's future term; nobody moved yet
    }
    boolean fromLeader = m instanceof AppendEntries || m instanceof InstallSnapshot;
    becomeFollower(m.term(), fromLeader ? m.from() : null);
    return true;
  }

  /** Raft §5.1: reject stale requests with our term so that the sender catches up. */
  private void answerLowerTerm(RaftMessage m) {
    if (m instanceof AppendEntries || m instanceof InstallSnapshot) {
      send(new AppendEntriesResponse(selfId, m.from(), term, false, 0, 0, 0, 0, 0));
    } else if (m instanceof RequestVote rv) {
      send(new RequestVoteResponse(selfId, m.from(), term, false, rv.preVote()));
    }
  }

  private boolean inLeaderLease() {
    if (!config.checkQuorum() && !config.preVote()) {
      return false;
    }
    boolean heardRecently = leaderId != null && electionElapsed < config.electionTimeoutMinTicks();
    // After a restart we may have heard from a leader just before crashing; the lease must hold.
    boolean justBooted = config.leaseReads() && ticks < config.electionTimeoutMinTicks();
    return heardRecently || justBooted;
  }

  private void reset(long newTerm) {
    if (newTerm < term) {
      throw new IllegalStateException("term would decrease from " + term + " to " + newTerm);
    }
    if (newTerm != term) {
      term = newTerm;
      votedFor = null;
    }
    leaderId = null;
    electionElapsed = 0;
    heartbeatElapsed = 0;
    randomizedElectionTimeout = config.electionTimeoutMinTicks()
        + random.nextInt(config.electionTimeoutMaxTicks() - config.electionTimeoutMinTicks() + 1);
    votes.clear();
    replicator.clear();
    quorumHeardLastRound = false;
    transferTarget = null;
    timeoutNowSent = false;
    for (long id : reads.clear()) {
      out.rejectRead(new RejectedRead(id, RejectedRead.Reason.LEADERSHIP_LOST, null));
    }
  }

  private void becomeFollower(long newTerm, String leader) {
    reset(newTerm);
    role = Role.FOLLOWER;
    leaderId = leader;
  }

  private void becomePreCandidate() {
    if (role == Role.LEADER) {
      throw new IllegalStateException("leader cannot become pre-candidate");
    }
    reset(term);
    role = Role.PRE_CANDIDATE;
  }

  private void becomeCandidate() {
    if (role == Role.LEADER) {
      throw new IllegalStateException("leader cannot become candidate");
    }
    reset(term + 1);
    setVote(selfId);
    role = Role.CANDIDATE;
  }

  private void becomeLeader() {
    if (role != Role.CANDIDATE) {
      throw new IllegalStateException("only a candidate becomes leader, was " + role);
    }
    reset(term);
    role = Role.LEADER;
    leaderId = selfId;
    syncProgress();
    // Raft §8: commit an entry of our own term at once, so the commit index is current.
    appendAsLeader(EntryType.NOOP, new byte[0]);
  }

  private void setVote(String candidate) {
    if (votedFor != null && !votedFor.equals(candidate)) {
      throw new IllegalStateException(
          "second vote in term " + term + ": " + votedFor + " then " + candidate);
    }
    votedFor = candidate;
  }

  private boolean promotable() {
    return membership.isVoter(selfId);
  }

  private void refreshMembership() {
    membershipIndex = log.lastConfigIndex();
    membership = log.membershipAt(membershipIndex);
    if (role == Role.LEADER) {
      syncProgress();
    }
  }

  /** The leader tracks every member but itself; a fresh peer starts probing at our log end. */
  private void syncProgress() {
    replicator.sync(membership);
    if (transferTarget != null && !membership.isVoter(transferTarget)) {
      transferTarget = null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Elections (Raft §5.2, dissertation §9.6)

  private void tickElection() {
    electionElapsed++;
    if (promotable() && electionElapsed >= randomizedElectionTimeout) {
      campaign(config.preVote(), false);
    }
  }

  private void campaign(boolean preVote, boolean transfer) {
    long voteTerm;
    if (preVote) {
      preVoteCampaigns++;
      becomePreCandidate();
      voteTerm = term + 1;
    } else {
      campaigns++;
      becomeCandidate();
      voteTerm = term;
    }
    votes.put(selfId, true);
    if (tallyVotes()) {
      return;
    }
    for (String voter : membership.voters()) {
      if (!voter.equals(selfId)) {
        send(new RequestVote(selfId, voter, voteTerm, log.lastIndex(), log.lastTerm(), preVote, transfer));
      }
    }
  }

  /** Acts on the votes so far; true if the campaign ended (won or lost). */
  private boolean tallyVotes() {
    List<String> granted = new ArrayList<>();
    int rejected = 0;
    for (Map.Entry<String, Boolean> v : votes.entrySet()) {
      if (!membership.isVoter(v.getKey())) {
        continue;
      }
      if (v.getValue()) {
        granted.add(v.getKey());
      } else {
        rejected++;
      }
    }
    if (membership.hasQuorum(granted)) {
      if (role == Role.PRE_CANDIDATE) {
        campaign(false, false);
      } else {
        becomeLeader();
      }
      return true;
    }
    if (membership.voters().size() - rejected < membership.quorum()) {
      becomeFollower(term, null);
      return true;
    }
    return false;
  }

  /** Raft §5.2, §5.4.1: one vote per term, only for a log at least as up-to-date as ours. */
  private void handleVoteRequest(RequestVote rv) {
    boolean canVote = rv.from().equals(votedFor)
        || (votedFor == null && leaderId == null)
        || (rv.preVote() && rv.term() > term);
    boolean grant = canVote && log.isUpToDate(rv.lastLogIndex(), rv.lastLogTerm());
    if (grant && !rv.preVote()) {
      electionElapsed = 0;
      setVote(rv.from());
    }
    long answerTerm = grant && rv.preVote() ? rv.term() : term;
    send(new RequestVoteResponse(selfId, rv.from(), answerTerm, grant, rv.preVote()));
  }

  private void stepCandidate(RaftMessage m) {
    if (m instanceof AppendEntries || m instanceof InstallSnapshot) {
      becomeFollower(term, m.from()); // Raft §5.2: a leader of our term exists
      stepFollower(m);
    } else if (m instanceof RequestVoteResponse r) {
      boolean mine = r.preVote() == (role == Role.PRE_CANDIDATE)
          && (!r.granted() || r.term() == (r.preVote() ? term + 1 : term));
      if (mine && membership.isVoter(r.from())) {
        votes.put(r.from(), r.granted());
        tallyVotes();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Follower (Raft §5.3, §7)

  private void stepFollower(RaftMessage m) {
    if (m instanceof AppendEntries ae) {
      electionElapsed = 0;
      leaderId = ae.from();
      handleAppend(ae);
    } else if (m instanceof InstallSnapshot is) {
      electionElapsed = 0;
      leaderId = is.from();
      handleSnapshotChunk(is);
    } else if (m instanceof TimeoutNow && promotable()) {
      campaign(false, true); // dissertation §3.10: skip pre-vote, we were asked to take over
    }
  }

  private void handleAppend(AppendEntries ae) {
    long prev = ae.prevLogIndex();
    // Entries up to our commit index match every leader's log (§5.4), so they need no check.
    if (prev > commitIndex && log.term(prev) != ae.prevLogTerm()) {
      rejectAppend(ae);
      return;
    }
    for (Entry e : ae.entries()) {
      appendFromLeader(e);
    }
    long lastNew = prev + ae.entries().size();
    long newCommit = Math.min(ae.leaderCommit(), lastNew);
    if (newCommit > commitIndex) {
      setCommit(newCommit);
    }
    long match = Math.max(lastNew, commitIndex);
    send(new AppendEntriesResponse(selfId, ae.from(), term, true, match, 0, 0, 0, ae.context()));
  }

  private void appendFromLeader(Entry e) {
    long known = log.term(e.index());
    if (e.index() <= commitIndex) {
      if (known != RaftLog.UNKNOWN && known != e.term()) {
        throw new IllegalStateException(
            "leader sent " + e + " conflicting with committed term " + known + " at " + selfId);
      }
      return;
    }
    if (known == e.term()) {
      return; // already have it (duplicate or reordered message): never truncate on a match
    }
    if (e.index() <= log.lastIndex()) {
      truncate(e.index());
    }
    appendEntry(e);
  }

  private void rejectAppend(AppendEntries ae) {
    long prev = ae.prevLogIndex();
    long conflictTerm = 0;
    long conflictIndex = log.lastIndex() + 1;
    if (prev <= log.lastIndex()) {
      conflictTerm = log.term(prev);
      long i = prev;
      while (i - 1 > commitIndex && log.term(i - 1) == conflictTerm) {
        i--;
      }
      conflictIndex = i;
    }
    send(new AppendEntriesResponse(
        selfId, ae.from(), term, false, 0, prev, conflictTerm, conflictIndex, ae.context()));
  }

  private void handleSnapshotChunk(InstallSnapshot is) {
    long index = is.lastIncludedIndex();
    if (index <= commitIndex || log.term(index) == is.lastIncludedTerm()) {
      // We already hold everything the snapshot covers (etcd does the same).
      if (index > commitIndex) {
        setCommit(index);
      }
      assembler = null;
      send(new InstallSnapshotResponse(selfId, is.from(), term, index, 0, true));
      return;
    }
    if (is.offset() == 0 && (assembler == null || !assembler.sameSnapshot(is))) {
      // A new snapshot starts. A late duplicate of the first chunk of the snapshot we are already
      // assembling must not reset it: the follower, not the leader, decides the next offset.
      assembler = new SnapshotAssembler(index, is.lastIncludedTerm(), is.membership());
    }
    if (assembler == null || !assembler.accepts(is)) {
      long expect = assembler != null && assembler.sameSnapshot(is) ? assembler.size() : 0;
      send(new InstallSnapshotResponse(selfId, is.from(), term, index, expect, false));
      return;
    }
    assembler.add(is.chunk());
    if (!is.done()) {
      send(new InstallSnapshotResponse(selfId, is.from(), term, index, assembler.size(), false));
      return;
    }
    installSnapshot(assembler.build());
    assembler = null;
    send(new InstallSnapshotResponse(selfId, is.from(), term, index, 0, true));
  }

  private void installSnapshot(Snapshot s) {
    if (s.index() <= commitIndex) {
      throw new IllegalStateException("installing snapshot " + s + " at or below commit " + commitIndex);
    }
    log.restore(s);
    commitIndex = s.index();
    durableIndex = s.index();
    out.installed(s);
    refreshMembership();
  }

  // ---------------------------------------------------------------------------------------------
  // Log mutation with invariant checks

  private void appendEntry(Entry e) {
    log.append(e);
    if (e.type() == EntryType.CONFIG) {
      // Dissertation §4.1: a server uses the latest configuration in its log, committed or not.
      refreshMembership();
    }
  }

  private void truncate(long from) {
    if (from <= commitIndex) {
      throw new IllegalStateException("truncating committed entry " + from + " (commit " + commitIndex + ")");
    }
    if (role == Role.LEADER) {
      throw new IllegalStateException("a leader never truncates its own log (Raft §5.3)");
    }
    log.truncateFrom(from);
    out.truncated(from);
    durableIndex = Math.min(durableIndex, from - 1);
    if (membershipIndex >= from) {
      refreshMembership();
    }
  }

  private void setCommit(long index) {
    if (index < commitIndex) {
      throw new IllegalStateException("commit index would decrease from " + commitIndex + " to " + index);
    }
    if (index > log.lastIndex()) {
      throw new IllegalStateException("commit index " + index + " beyond last index " + log.lastIndex());
    }
    commitIndex = index;
  }

  // ---------------------------------------------------------------------------------------------
  // Leader (Raft §5.3, §5.4, dissertation §3.10, §4, §6.4)

  private Proposal.Rejected checkCanPropose() {
    if (role != Role.LEADER) {
      return new Proposal.Rejected(Proposal.Reason.NOT_LEADER, leaderId);
    }
    if (transferTarget != null) {
      return new Proposal.Rejected(Proposal.Reason.TRANSFER_IN_PROGRESS, null);
    }
    if (log.lastIndex() - commitIndex >= config.maxUncommittedEntries()) {
      return new Proposal.Rejected(Proposal.Reason.TOO_MANY_UNCOMMITTED, null);
    }
    return null;
  }

  private Proposal.Rejected checkCanChangeConfig() {
    Proposal.Rejected no = checkCanPropose();
    if (no == null && !configChangeAllowed()) {
      return new Proposal.Rejected(Proposal.Reason.CONFIG_CHANGE_PENDING, null);
    }
    return no;
  }

  /**
   * One change at a time: the previous one must be committed. And, since a new leader may not yet
   * know of a change that a previous leader committed in a minority of logs, it first commits an
   * entry of its own term (Ongaro's fix to single-server changes, raft-dev 2015).
   */
  private boolean configChangeAllowed() {
    return membershipIndex <= commitIndex && committedInCurrentTerm();
  }

  private Proposal appendAsLeader(EntryType type, byte[] data) {
    Entry e = new Entry(log.lastIndex() + 1, term, type, data);
    appendEntry(e);
    // Batching: proposals arriving between two ready() calls leave in the same AppendEntries.
    appendsPending = true;
    return new Proposal.Accepted(e.index(), e.term());
  }

  private void flushAppends() {
    if (appendsPending && role == Role.LEADER) {
      replicator.sendAppendsToAll();
    }
    appendsPending = false;
  }

  private void tickLeader() {
    heartbeatElapsed++;
    electionElapsed++;
    if (electionElapsed >= config.electionTimeoutMinTicks()) {
      electionElapsed = 0;
      quorumHeardLastRound = replicator.quorumActive(membership);
      if (config.checkQuorum() && !quorumHeardLastRound) {
        becomeFollower(term, null); // §6.2: we may be partitioned away; let the others elect
        return;
      }
    }
    if (transferTarget != null && ++transferElapsed >= config.electionTimeoutMinTicks()) {
      transferTarget = null; // §3.10: abort a transfer that did not finish in an election timeout
    }
    replicator.tick();
    if (heartbeatElapsed >= config.heartbeatIntervalTicks()) {
      heartbeatElapsed = 0;
      reads.newContext(ticks);
      replicator.heartbeatRound();
    }
    maybePromoteLearner();
  }

  private void sendTimeoutNow(String peer) {
    timeoutNowSent = true;
    send(new TimeoutNow(selfId, peer, term));
  }

  private void stepLeader(RaftMessage m) {
    if (m instanceof AppendEntries || m instanceof InstallSnapshot) {
      throw new IllegalStateException("two leaders in term " + term + ": " + selfId + " and " + m.from());
    }
    String peer = m.from();
    Progress pr = replicator.get(peer);
    if (pr == null) {
      return; // not a member (any more)
    }
    pr.recentActive = true;
    if (m instanceof AppendEntriesResponse r) {
      ackReadContext(peer, pr, r.context());
      if (replicator.onAppendResponse(peer, r)) {
        onMatchAdvanced(peer, pr);
      }
      if (r.success() && role == Role.LEADER) {
        replicator.afterAck(peer);
      }
    } else if (m instanceof InstallSnapshotResponse r && replicator.onSnapshotResponse(peer, r)) {
      onMatchAdvanced(peer, pr);
    }
  }

  private void onMatchAdvanced(String peer, Progress pr) {
    maybeCommit();
    if (role == Role.LEADER && peer.equals(transferTarget) && pr.match == log.lastIndex()
        && !timeoutNowSent) {
      sendTimeoutNow(peer); // dissertation §3.10: the target is up to date, hand over
    }
  }

  /** Raft §5.3, §5.4.2: commit the highest index a majority holds, if it is of our term. */
  private void maybeCommit() {
    List<Long> matches = new ArrayList<>();
    for (String v : membership.voters()) {
      if (v.equals(selfId)) {
        matches.add(durableIndex);
      } else {
        Progress pr = replicator.get(v);
        matches.add(pr == null ? 0 : pr.match);
      }
    }
    if (matches.isEmpty()) {
      return;
    }
    matches.sort((a, b) -> Long.compare(b, a));
    long n = matches.get(membership.quorum() - 1);
    if (n <= commitIndex || (log.term(n) != term && !mutantCommitsEarlierTerms)) {
      return; // Figure 8: entries of earlier terms commit only indirectly
    }
    setCommit(n);
    onLeaderCommit();
  }

  private void onLeaderCommit() {
    if (!membership.isVoter(selfId) && membershipIndex <= commitIndex) {
      becomeFollower(term, null); // dissertation §4.2.2: a removed leader steps down once committed
      return;
    }
    List<Long> waiting = reads.drainWaiting();
    if (!waiting.isEmpty()) {
      startReads(waiting);
    }
    for (String peer : replicator.peers()) {
      replicator.sendAppends(peer);
      replicator.sendCommitIfBehind(peer); // tell followers the new commit index promptly
    }
  }

  private boolean committedInCurrentTerm() {
    return log.term(commitIndex) == term;
  }

  private void maybePromoteLearner() {
    if (!configChangeAllowed() || transferTarget != null) {
      return;
    }
    for (String learner : membership.learners()) {
      Progress pr = replicator.get(learner);
      if (pr != null && pr.match + config.learnerPromotionLagEntries() >= log.lastIndex()) {
        appendAsLeader(EntryType.CONFIG, membership.promoted(learner).encode());
        return;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // ReadIndex and lease (dissertation §6.4)

  private void startReads(List<Long> requestIds) {
    if (membership.voters().equals(List.of(selfId)) || leaseHolds()) {
      for (long id : requestIds) {
        out.readState(new ReadState(id, commitIndex));
      }
      return;
    }
    long ctx = reads.newContext(ticks);
    for (long id : requestIds) {
      reads.add(id, commitIndex, ctx, selfId, membership.isVoter(selfId));
    }
    replicator.heartbeatAll();
  }

  private void ackReadContext(String peer, Progress pr, long context) {
    if (context <= 0 || !membership.isVoter(peer)) {
      return;
    }
    pr.ackedContext = Math.max(pr.ackedContext, context);
    reads.ack(peer, context, membership).forEach(out::readState);
  }

  /**
   * The lease holds while fewer than electionTimeoutMin ticks passed since a message that a
   * majority acknowledged was sent: until then those followers refuse to vote (stickiness), so no
   * other leader can exist. Never during a transfer, which overrides stickiness.
   */
  private boolean leaseHolds() {
    if (!config.leaseReads() || transferTarget != null || timeoutNowSent) {
      return false;
    }
    List<Long> acked = new ArrayList<>();
    for (String v : membership.voters()) {
      if (v.equals(selfId)) {
        acked.add(Long.MAX_VALUE);
      } else {
        Progress pr = replicator.get(v);
        acked.add(pr == null ? 0 : pr.ackedContext);
      }
    }
    acked.sort((a, b) -> Long.compare(b, a));
    long ctx = acked.get(membership.quorum() - 1);
    long sentTick = ctx == Long.MAX_VALUE ? ticks : reads.tickOf(ctx);
    return sentTick >= 0 && ticks < sentTick + config.electionTimeoutMinTicks() - LEASE_MARGIN_TICKS;
  }

  @Override
  public String toString() {
    return selfId + "[" + role + " t=" + term + " lead=" + leaderId + " commit=" + commitIndex
        + " last=" + log.lastIndex() + " snap=" + log.snapshotIndex() + " " + membership + "]";
  }
}
