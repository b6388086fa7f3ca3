package clusternode.pbft.core;

import clusternode.pbft.core.PbftMessage.Reply;
import clusternode.pbft.core.PbftMessage.Request;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The client side of PBFT for one node (§4.1): a fixed number of sessions ({@code NODE/0} ..),
 * each with at most one request outstanding. Requests are signed with the node's key, the ones
 * submitted since the last {@link #drainOutbox} under one signature. A new request goes to the
 * primary the client believes in, and to the local replica (free, and it starts that backup's
 * timer); the primary's pre-prepare carries it to the others. Unanswered, it goes to every replica
 * every {@code retransmitTicks}, so a faulty or unknown primary costs one interval (§4.1). A
 * request completes once f+1 replicas sent the same result (at least one is correct). Pure: time is ticks.
 */
public final class PbftClient {
  /** A finished request: {@code handle} from {@link #submit}, its client and timestamp, and the result f+1 replicas agreed on. */
  public record Completed(long handle, byte[] result, String client, long timestamp) {}

  private final String node;
  private final PbftConfig config;
  private final Crypto crypto;
  private final int retransmitTicks;
  private final Session[] sessions;
  private final List<Outbound> outbox = new ArrayList<>();
  /** Sessions whose new request is not signed yet: {@link #drainOutbox} signs them together. */
  private final List<Session> unsigned = new ArrayList<>();
  /** The newest view each replica's verified replies named; see {@link #believedView}. */
  private final Map<String, Long> replicaViews = new HashMap<>();
  private long localView;
  private long nextTimestamp;
  private long nextHandle = 1;
  private long ticks;
  private int rejectedReplies;

  private static final class Session {
    final String clientId;
    Request current;
    long handle;
    long sentAtTick;
    /** Each replica's result for {@code current}. */
    final Map<String, byte[]> replies = new HashMap<>();

    Session(String clientId) {
      this.clientId = clientId;
    }
  }

  /**
   * @param firstTimestamp timestamps start above it; the shell passes the wall clock in microseconds
   *     so a restarted node never reuses one (replicas ignore requests at or below a client's last)
   */
  public PbftClient(String node, PbftConfig config, Crypto crypto, int retransmitTicks, long firstTimestamp) {
    if (!config.replicas().contains(node)) {
      throw new IllegalArgumentException("client node " + node + " is not a replica");
    }
    this.node = node;
    this.config = config;
    this.crypto = crypto;
    this.retransmitTicks = retransmitTicks;
    this.nextTimestamp = firstTimestamp;
    this.sessions = new Session[config.clientSessions()];
    for (int i = 0; i < sessions.length; i++) {
      sessions[i] = new Session(node + "/" + i);
    }
  }

  /** Sends {@code operation} through a free session; returns its handle, or -1 when every session is busy. */
  public long submit(byte[] operation, boolean readOnly) {
    for (Session s : sessions) {
      if (s.current == null) {
        s.current = new Request(s.clientId, ++nextTimestamp, readOnly, operation, null);
        s.handle = nextHandle++;
        s.replies.clear();
        unsigned.add(s);
        return s.handle;
      }
    }
    return -1;
  }

  /** Gives up on {@code handle} (its deadline passed); it may still be executed, at most once. */
  public void cancel(long handle) {
    for (Session s : sessions) {
      if (s.current != null && s.handle == handle) {
        s.current = null;
        s.replies.clear();
      }
    }
  }

  /** Counts a reply; returns the completion once f+1 replicas agree on the result, else null. */
  public Completed onReply(Reply r) {
    Session s = find(r.client());
    if (s == null || s.current == null || r.timestamp() != s.current.timestamp()) {
      return null;
    }
    if (!config.replicas().contains(r.from()) || r.result() == null
        || !crypto.verify(r.from(), r.signed(), r.signature())) {
      rejectedReplies++;
      return null;
    }
    sawView(r.from(), r.view());
    return count(s, r.from(), r.result());
  }

  /**
   * Counts a replica's results for this node's clients (one signature for all of them); returns
   * the requests they complete, in order. Entries for other nodes or stale timestamps are ignored.
   */
  public List<Completed> onReplies(PbftMessage.Replies r) {
    if (!node.equals(r.node()) || r.entries() == null || r.entries().stream().anyMatch(e -> e == null)) {
      return List.of(); // (List.contains(null) throws for immutable lists)
    }
    boolean wanted = false;
    for (PbftMessage.Replies.Entry e : r.entries()) {
      Session s = find(e.client());
      wanted |= s != null && s.current != null && e.timestamp() == s.current.timestamp();
    }
    if (!wanted) {
      return List.of(); // nothing outstanding: skip the signature check
    }
    if (!config.replicas().contains(r.from()) || !crypto.verify(r.from(), r.signed(), r.signature())) {
      rejectedReplies++;
      return List.of();
    }
    sawView(r.from(), r.view());
    List<Completed> done = new ArrayList<>();
    for (PbftMessage.Replies.Entry e : r.entries()) {
      Session s = find(e.client());
      if (s != null && s.current != null && e.timestamp() == s.current.timestamp() && e.result() != null) {
        Completed c = count(s, r.from(), e.result());
        if (c != null) {
          done.add(c);
        }
      }
    }
    return done;
  }

  private Completed count(Session s, String replica, byte[] result) {
    s.replies.put(replica, result);
    int matching = 0;
    for (byte[] other : s.replies.values()) {
      if (Arrays.equals(other, result)) {
        matching++;
      }
    }
    if (matching < config.f() + 1) {
      return null;
    }
    Completed done = new Completed(s.handle, result, s.clientId, s.current.timestamp());
    s.current = null;
    s.replies.clear();
    return done;
  }

  private void sawView(String replica, long view) {
    replicaViews.merge(replica, view, Math::max);
  }

  /**
   * Tells the client its own node's replica's view: the shell calls it before each drain, so after
   * a view change new requests go to the new primary before any reply names it (else each session
   * would wait a retransmission interval). That replica is this node's own, so it is trusted.
   */
  public void localReplicaView(long view) {
    localView = view;
  }

  /**
   * The local replica's view, or a higher one that at least f+1 replicas have named in their
   * replies: one of them is correct and has reached it, so f liars cannot steer requests to the
   * primary of a view nobody is in.
   */
  long believedView() {
    List<Long> views = new ArrayList<>(replicaViews.values());
    if (views.size() < config.f() + 1) {
      return localView;
    }
    views.sort(java.util.Comparator.reverseOrder());
    return Math.max(localView, views.get(config.f()));
  }

  public void tick() {
    ticks++;
    for (Session s : sessions) {
      if (s.current != null && s.current.signature() != null && ticks - s.sentAtTick >= retransmitTicks) {
        send(s, config.replicas());
      }
    }
  }

  /**
   * What to send. New requests are signed here, all together ({@link RequestBundle}): the shell
   * drains once per mailbox pass, so the requests that arrived meanwhile share one signature.
   */
  public List<Outbound> drainOutbox() {
    signNewRequests();
    List<Outbound> out = new ArrayList<>(outbox);
    outbox.clear();
    return out;
  }

  private void signNewRequests() {
    unsigned.removeIf(s -> s.current == null || s.current.signature() != null); // cancelled meanwhile
    if (unsigned.isEmpty()) {
      return;
    }
    List<Request> signed = RequestBundle.sign(node, unsigned.stream().map(s -> s.current).toList(), crypto);
    List<String> recipients = firstRecipients();
    for (int i = 0; i < signed.size(); i++) {
      Session s = unsigned.get(i);
      s.current = signed.get(i);
      send(s, recipients);
    }
    unsigned.clear();
  }

  public int busySessions() {
    int busy = 0;
    for (Session s : sessions) {
      busy += s.current == null ? 0 : 1;
    }
    return busy;
  }

  public int rejectedReplies() {
    return rejectedReplies;
  }

  /** The request outstanding under {@code handle} (unsigned until the next {@link #drainOutbox}), or null. */
  public Request request(long handle) {
    for (Session s : sessions) {
      if (s.current != null && s.handle == handle) {
        return s.current;
      }
    }
    return null;
  }

  public String node() {
    return node;
  }

  /** The believed primary and the local replica (one message when they are the same). */
  private List<String> firstRecipients() {
    String primary = config.primary(believedView());
    return primary.equals(node) ? List.of(node) : List.of(primary, node);
  }

  private void send(Session s, List<String> replicas) {
    s.sentAtTick = ticks;
    for (String replica : replicas) {
      outbox.add(new Outbound(replica, s.current));
    }
  }

  private Session find(String clientId) {
    String owner = config.clientNode(clientId);
    if (!node.equals(owner)) {
      return null;
    }
    int index = Integer.parseInt(clientId.substring(clientId.indexOf('/') + 1));
    return sessions[index];
  }
}
