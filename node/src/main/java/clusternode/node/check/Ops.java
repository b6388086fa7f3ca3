package clusternode.node.check;

import clusternode.node.ctl.NodeClient;
import clusternode.protocols.peers.Peer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;

/** Runs one recorded client operation: invoke, the request, and its completion classified. */
final class Ops {
  /** How an answer completes an operation. */
  interface Classifier {
    Event complete(Event invoke, NodeClient.Answer answer, long atNs);
  }

  private Ops() {}

  /**
   * Records {@code op}'s invocation by {@code process}, sends it to {@code peer} and records the
   * completion. A request that never left (connection refused, connect timeout) certainly failed;
   * any other I/O error is unknown.
   */
  static Event run(History history, NodeClient client, String process, Peer peer, Op op, Classifier classifier) {
    Event in = history.append(op.invoke(process, peer, history.nowNs()));
    Event done;
    try {
      NodeClient.Answer a = client.send(peer, op.path(), op.method(), op.body());
      done = classifier.complete(in, a, history.nowNs());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      done = in.complete(Event.FAIL, null, "not sent: " + e.getClass().getSimpleName(), history.nowNs());
    } catch (IOException e) {
      done = in.complete(Event.INFO, null, "no answer: " + e.getClass().getSimpleName(), history.nowNs());
    } catch (RuntimeException e) {
      done = in.complete(Event.INFO, null, "client error: " + e, history.nowNs());
    }
    return history.append(done);
  }

  /** 503 (or anything unexpected): the outcome is unknown. */
  static Event unknown(Event in, NodeClient.Answer a, long atNs) {
    return in.complete(Event.INFO, null, "status " + a.status(), atNs);
  }

  /** Sleeps; an interrupt ends it early and is kept set for whoever looks. */
  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
