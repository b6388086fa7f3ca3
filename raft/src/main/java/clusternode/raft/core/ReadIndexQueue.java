package clusternode.raft.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The leader's ReadIndex bookkeeping (Raft dissertation §6.4). Each read records the commit index
 * at arrival and a fresh context number; heartbeats carry the latest context and followers echo it.
 * A follower echoing context c has heard from us after every read with context <= c was
 * registered, so once a majority echoed c those reads are safe to serve.
 *
 * <p>It also remembers at which tick recent contexts were sent, for the leader lease.
 */
final class ReadIndexQueue {
  private record Pending(long requestId, long index, long context, Set<String> acks) {}

  /** How many recent (context, tick) pairs the lease computation can look back on. */
  private static final int MAX_ROUNDS = 64;

  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final ArrayDeque<Long> waitingForTermCommit = new ArrayDeque<>();
  private final ArrayDeque<long[]> rounds = new ArrayDeque<>();
  private long lastContext;

  /** A fresh context, remembered with the tick it was created at. */
  long newContext(long tick) {
    lastContext++;
    rounds.addLast(new long[] {lastContext, tick});
    if (rounds.size() > MAX_ROUNDS) {
      rounds.pollFirst();
    }
    return lastContext;
  }

  long lastContext() {
    return lastContext;
  }

  /** The tick at which {@code context} was created, or -1 if it is too old to remember. */
  long tickOf(long context) {
    for (long[] r : rounds) {
      if (r[0] == context) {
        return r[1];
      }
    }
    return -1;
  }

  int size() {
    return pending.size() + waitingForTermCommit.size();
  }

  void waitForTermCommit(long requestId) {
    waitingForTermCommit.addLast(requestId);
  }

  List<Long> drainWaiting() {
    List<Long> ids = new ArrayList<>(waitingForTermCommit);
    waitingForTermCommit.clear();
    return ids;
  }

  void add(long requestId, long index, long context, String self, boolean selfVotes) {
    Set<String> acks = new HashSet<>();
    if (selfVotes) {
      acks.add(self);
    }
    pending.addLast(new Pending(requestId, index, context, acks));
  }

  /** Records that {@code from} echoed {@code context}; returns the reads now confirmed. */
  List<ReadState> ack(String from, long context, Membership membership) {
    for (Pending p : pending) {
      if (p.context() > context) {
        break;
      }
      p.acks().add(from);
    }
    return release(membership);
  }

  /** Confirmed reads from the front; acks only grow towards the front, so stop at the first miss. */
  List<ReadState> release(Membership membership) {
    List<ReadState> out = new ArrayList<>();
    while (!pending.isEmpty() && membership.hasQuorum(pending.peekFirst().acks())) {
      Pending p = pending.pollFirst();
      out.add(new ReadState(p.requestId(), p.index()));
    }
    return out;
  }

  /** Forgets every read (leadership lost) and returns their request ids. */
  List<Long> clear() {
    List<Long> ids = new ArrayList<>();
    for (Pending p : pending) {
      ids.add(p.requestId());
    }
    ids.addAll(waitingForTermCommit);
    pending.clear();
    waitingForTermCommit.clear();
    rounds.clear();
    return ids;
  }
}
