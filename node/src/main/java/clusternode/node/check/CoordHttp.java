package clusternode.node.check;

import clusternode.node.ctl.NodeClient;
import clusternode.protocols.peers.Peer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The coordination workloads' client of one deployment's nodes: like {@link NodeClient}, plus
 * request headers (a guarded write carries {@code X-Fencing-Lock} and {@code X-Fencing-Token}).
 * HTTPS trusting the deployment CA when {@code tls} is given, as {@code LocalCluster::client}.
 */
final class CoordHttp {
  private final HttpClient http;
  private final Duration timeout;
  private final String scheme;

  CoordHttp(SSLContext tls, Duration timeout) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    this.http = (tls == null ? b : b.sslContext(tls)).build();
    this.timeout = timeout;
    this.scheme = tls == null ? "http" : "https";
  }

  /** {@code headers}: name, value, name, value, ... */
  NodeClient.Answer send(Peer peer, String method, String path, String body, String... headers) throws IOException {
    if (headers.length % 2 != 0) {
      throw new IllegalArgumentException("headers come in name, value pairs");
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(scheme + "://" + peer.host() + ":" + peer.httpPort()
        + path)).timeout(timeout).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    if (body != null && body.startsWith("{")) {
      b.header("Content-Type", "application/json");
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new NodeClient.Answer(r.statusCode(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * Records {@code op}'s invocation by {@code process}, sends it with {@code headers} and records
   * the completion, classified as {@link Ops#run} does: a request that never left certainly failed,
   * any other I/O error is unknown.
   */
  Event run(History history, String process, Peer peer, Op op, Ops.Classifier classifier, String... headers) {
    Event in = history.append(op.invoke(process, peer, history.nowNs()));
    Event done;
    try {
      done = classifier.complete(in, send(peer, op.method(), op.path(), op.body(), headers), history.nowNs());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      done = in.complete(Event.FAIL, null, "not sent: " + e.getClass().getSimpleName(), history.nowNs());
    } catch (IOException e) {
      done = in.complete(Event.INFO, null, "no answer: " + e.getClass().getSimpleName(), history.nowNs());
    } catch (RuntimeException e) {
      done = in.complete(Event.INFO, null, "client error: " + e, history.nowNs());
    }
    return history.append(done);
  }
}
