package clusternode.node.check.watch;

import clusternode.node.check.Event;
import clusternode.node.check.History;
import clusternode.protocols.peers.Peer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * One watcher of a check run, on a thread of its own: it opens {@code GET /watch?prefix=P&
 * fromRevision=R} on some node, records every message, and when the stream breaks (node killed,
 * paused, partitioned away, idle too long) reconnects to the next node from the last revision it
 * was told about plus one. Everything goes into the history in {@link WatchOps}' words.
 */
public final class Watcher {
  /** Bound on the changes one watcher records; past it the watcher stops (and says so) instead of growing memory. */
  public static final int MAX_EVENTS = 200_000;
  /** Bound on other messages (progress, errors) recorded, for the same reason. */
  static final int MAX_OTHER = 20_000;

  private final String process;
  private final String prefix;
  private final List<Peer> peers;
  private final SSLContext tls;
  private final History history;
  private final int idleMs;
  private final Thread thread;
  private volatile boolean stopped;
  private volatile SseConnection current;
  /** The highest revision this watcher was told everything up to. */
  private volatile long vouched;
  private volatile boolean gaveUp;
  private int nextPeer;
  private int events;
  private int others;

  /**
   * @param fromRevision the first revision to ask for; later connections ask for the last one
   *     vouched for plus one
   * @param firstPeer which node to try first (the rest in turn after it)
   * @param idleMs how long a stream may stay silent before the watcher tries another node
   */
  public Watcher(String process, String prefix, long fromRevision, List<Peer> peers, int firstPeer, SSLContext tls,
      History history, int idleMs) {
    if (fromRevision < 1 || peers.isEmpty() || idleMs < 1) {
      throw new IllegalArgumentException("a watcher needs a revision >= 1, nodes and an idle bound");
    }
    this.process = process;
    this.prefix = prefix;
    this.peers = List.copyOf(peers);
    this.nextPeer = Math.floorMod(firstPeer, peers.size());
    this.tls = tls;
    this.history = history;
    this.idleMs = idleMs;
    this.vouched = fromRevision - 1;
    this.thread = new Thread(this::loop, "check-watcher-" + process);
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  public String process() {
    return process;
  }

  /** The highest revision this watcher was told everything up to. */
  public long vouched() {
    return vouched;
  }

  /**
   * Waits (polling, bounded) until the watcher has been told everything up to {@code target};
   * false when it was not within {@code within}, or when it stopped for good (its own bound, a
   * compacted revision).
   */
  public boolean awaitVouched(long target, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (vouched < target && !gaveUp && System.nanoTime() < deadline) {
      pause(20);
    }
    return vouched >= target;
  }

  /**
   * Records whether the watcher caught up with {@code target} as {@code watch-caught-up} (a failure
   * is a violation: the stream stopped delivering). Only after {@link #stop}: the watcher's own
   * thread records under the same process, and one operation must not open inside another. A
   * watcher that stopped for good claims nothing and records nothing (its end says why).
   */
  public void recordCatchUp(long target, Duration within, boolean reached) {
    if (thread.isAlive()) {
      throw new IllegalStateException("record the catch-up of " + process + " after stopping it");
    }
    if (gaveUp && !reached) {
      return;
    }
    Event in = history.append(Event.invoke(process, WatchOps.CAUGHT_UP, null, Long.toString(target), null, null,
        history.nowNs()));
    history.append(reached ? in.complete(Event.OK, Long.toString(vouched), null, history.nowNs())
        : in.complete(Event.FAIL, Long.toString(vouched), "still at " + vouched + " after " + within.toSeconds() + " s",
            history.nowNs()));
  }

  /** Waits for {@code target}, stops, and records the outcome: for a single watcher. */
  public boolean catchUp(long target, Duration within) throws InterruptedException {
    boolean reached = awaitVouched(target, within);
    stop();
    recordCatchUp(target, within, reached);
    return reached;
  }

  /** Stops the thread: ends a blocked read by closing its connection, then waits for it (bounded). */
  public void stop() throws InterruptedException {
    stopped = true;
    SseConnection c = current;
    if (c != null) {
      c.close();
    }
    thread.join(Duration.ofSeconds(10).toMillis());
  }

  private void loop() {
    while (!stopped && !gaveUp) {
      Peer peer = peers.get(nextPeer);
      nextPeer = (nextPeer + 1) % peers.size();
      long from = vouched + 1;
      String path = "/watch?prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8) + "&fromRevision=" + from;
      Event open = history.append(Event.invoke(process, WatchOps.OPEN, prefix, Long.toString(from), null, peer.id(),
          history.nowNs()));
      SseConnection c;
      try {
        c = SseConnection.open(peer.host(), peer.httpPort(), tls, path, 2000, idleMs);
      } catch (ConnectException e) {
        history.append(open.complete(Event.FAIL, null, "not sent: " + e.getClass().getSimpleName(), history.nowNs()));
        pause(100);
        continue;
      } catch (IOException | RuntimeException e) {
        history.append(open.complete(Event.INFO, null, "no answer: " + e, history.nowNs()));
        pause(100);
        continue;
      }
      if (c.status() != 200) {
        history.append(open.complete(Event.FAIL, c.errorBody(), "status " + c.status(), history.nowNs()));
        if (c.status() == 410) {
          end("revision " + from + " is compacted: this watcher cannot resume without a gap and stops");
          gaveUp = true;
        }
        pause(100);
        continue;
      }
      history.append(open.complete(Event.OK, null, null, history.nowNs()));
      current = c;
      try {
        read(c, peer.id());
      } catch (IOException | RuntimeException e) {
        end(stopped ? "stopped" : e.toString());
      } finally {
        current = null;
        c.close();
      }
    }
  }

  private void read(SseConnection c, String node) throws IOException {
    while (!stopped) {
      SseParser.Message m = c.next();
      var change = WatchEvent.parse(m.data());
      if (change.isPresent()) {
        if (++events > MAX_EVENTS) {
          end("recorded " + MAX_EVENTS + " changes, this watcher's bound; it stops");
          gaveUp = true;
          return;
        }
        instant(node, WatchOps.EVENT, change.get().key(), change.get().value(), m.data());
        vouched = Math.max(vouched, change.get().modRevision());
      } else {
        if (++others <= MAX_OTHER) {
          instant(node, WatchOps.OTHER, null, m.event(), m.data());
        }
        vouched = Math.max(vouched, WatchEvent.progressRevision(m.event(), m.data()));
      }
    }
  }

  /** A message received: recorded as an operation that began and ended when it arrived. */
  private void instant(String node, String f, String key, String value, String result) {
    Event in = history.append(Event.invoke(process, f, key, value, null, node, history.nowNs()));
    history.append(in.complete(Event.OK, result, null, history.nowNs()));
  }

  private void end(String why) {
    Event in = history.append(Event.invoke(process, WatchOps.END, null, null, null, null, history.nowNs()));
    history.append(in.complete(Event.INFO, null, why, history.nowNs()));
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
