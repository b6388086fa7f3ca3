package clusternode.raft.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The servers of the cluster: voters elect and count for quorums; learners only receive the log.
 * Lists are kept sorted so that two equal memberships encode to equal bytes.
 */
public record Membership(List<String> voters, List<String> learners) {

  public static final Membership EMPTY = new Membership(List.of(), List.of());

  /** Bound on members, so a corrupt config entry cannot make us allocate without limit. */
  public static final int MAX_MEMBERS = 1024;

  public Membership {
    voters = List.copyOf(new TreeSet<>(voters));
    learners = List.copyOf(new TreeSet<>(learners));
    Set<String> both = new HashSet<>(voters);
    both.retainAll(learners);
    if (!both.isEmpty()) {
      throw new IllegalArgumentException("servers both voter and learner: " + both);
    }
    if (voters.size() + learners.size() > MAX_MEMBERS) {
      throw new IllegalArgumentException("more than " + MAX_MEMBERS + " members");
    }
  }

  public static Membership ofVoters(Collection<String> voters) {
    return new Membership(new ArrayList<>(voters), List.of());
  }

  public boolean isVoter(String id) {
    return voters.contains(id);
  }

  public boolean isLearner(String id) {
    return learners.contains(id);
  }

  public boolean isMember(String id) {
    return isVoter(id) || isLearner(id);
  }

  /** Voters and learners, sorted. */
  public List<String> members() {
    TreeSet<String> all = new TreeSet<>(voters);
    all.addAll(learners);
    return List.copyOf(all);
  }

  /** Votes needed for a majority of the voters. */
  public int quorum() {
    return voters.size() / 2 + 1;
  }

  /** Whether {@code ids} contains a majority of the voters (non-voters in it are ignored). */
  public boolean hasQuorum(Collection<String> ids) {
    if (voters.isEmpty()) {
      return false;
    }
    int n = 0;
    for (String v : voters) {
      if (ids.contains(v)) {
        n++;
      }
    }
    return n >= quorum();
  }

  public Membership withLearner(String id) {
    List<String> l = new ArrayList<>(learners);
    l.add(id);
    return new Membership(voters, l);
  }

  public Membership promoted(String id) {
    if (!isLearner(id)) {
      throw new IllegalArgumentException(id + " is not a learner");
    }
    List<String> v = new ArrayList<>(voters);
    v.add(id);
    List<String> l = new ArrayList<>(learners);
    l.remove(id);
    return new Membership(v, l);
  }

  public Membership without(String id) {
    List<String> v = new ArrayList<>(voters);
    v.remove(id);
    List<String> l = new ArrayList<>(learners);
    l.remove(id);
    return new Membership(v, l);
  }

  /** Layout: voterCount, voters, learnerCount, learners; each id is length-prefixed UTF-8. */
  public byte[] encode() {
    int size = 8;
    for (String id : members()) {
      size += 4 + id.getBytes(StandardCharsets.UTF_8).length;
    }
    ByteBuffer buf = ByteBuffer.allocate(size);
    putIds(buf, voters);
    putIds(buf, learners);
    return buf.array();
  }

  public static Membership decode(byte[] bytes) {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    try {
      List<String> voters = getIds(buf);
      List<String> learners = getIds(buf);
      if (buf.hasRemaining()) {
        throw new IllegalArgumentException("trailing bytes in membership");
      }
      return new Membership(voters, learners);
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("truncated membership encoding", e);
    }
  }

  private static void putIds(ByteBuffer buf, List<String> ids) {
    buf.putInt(ids.size());
    for (String id : ids) {
      byte[] b = id.getBytes(StandardCharsets.UTF_8);
      buf.putInt(b.length);
      buf.put(b);
    }
  }

  private static List<String> getIds(ByteBuffer buf) {
    int n = buf.getInt();
    if (n < 0 || n > MAX_MEMBERS) {
      throw new IllegalArgumentException("bad member count " + n);
    }
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int len = buf.getInt();
      if (len < 0 || len > buf.remaining()) {
        throw new IllegalArgumentException("bad member id length " + len);
      }
      byte[] b = new byte[len];
      buf.get(b);
      ids.add(new String(b, StandardCharsets.UTF_8));
    }
    return ids;
  }
}
