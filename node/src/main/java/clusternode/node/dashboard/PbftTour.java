package clusternode.node.dashboard;

import clusternode.node.ctl.NodeClient;
import clusternode.node.launcher.LocalCluster;
import clusternode.protocols.peers.Peer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The demo's PBFT tour on four replicas (f = 1): writes, one replica that lies in every reply, a
 * primary that goes silent, and the ledger's audit on the honest replicas.
 */
final class PbftTour {
  /** How the demo speaks: a step title, what happened, the lesson, the figure, and checks. */
  interface Narration {
    void step(String title);

    void what(String format, Object... args);

    void lesson(String text);

    void figure(String format, Object... args);

    void expect(boolean held, String expectation);
  }

  private static final long WAIT_MS = 60_000;

  private final LocalCluster cluster;
  private final NodeClient http;
  private final String run;
  private final Narration say;
  private final List<String> ids;

  PbftTour(LocalCluster cluster, NodeClient http, String run, Narration say) {
    this.cluster = cluster;
    this.http = http;
    this.run = run;
    this.say = say;
    this.ids = cluster.peers().ids();
  }

  void run() throws InterruptedException {
    writes();
    liar();
    silentPrimary();
    audit();
  }

  private void writes() throws InterruptedException {
    say.step("Writes ordered by PBFT");
    int ok = 0;
    for (int i = 0; i < 10; i++) {
      ok += status(ids.get(i % ids.size()), "PUT", "/kv/pbft-" + run + "-" + i, "v" + i) == 200 ? 1 : 0;
    }
    send(ids.get(0), "/ledger/accounts", "{\"id\":\"carol-" + run + "\"}");
    send(ids.get(0), "/ledger/deposits", "{\"id\":\"dep-c-" + run + "\",\"account\":\"carol-" + run + "\",\"amount\":500}");
    say.what("Four replicas tolerate one Byzantine one (n = 3f + 1, f = 1). Each write went to a different node; the "
        + "primary ordered it, 2f + 1 = 3 replicas prepared and committed it, and the client took the result once "
        + "f + 1 = 2 replicas sent the same one. Every message is signed with Ed25519.");
    say.figure("%d of 10 writes acknowledged, view %d, primary %s", ok, consensus(ids.get(0)).path("view").asLong(),
        consensus(ids.get(0)).path("primary").asText());
    say.expect(ok == 10, "every write through every replica is acknowledged");
  }

  private void liar() throws InterruptedException {
    String liar = ids.get(ids.size() - 1);
    say.step("One replica lies in every reply");
    byzantine(liar, "lie");
    int correct = 0;
    for (int i = 0; i < 5; i++) {
      String key = "/kv/lie-" + run + "-" + i;
      if (status(ids.get(0), "PUT", key, "truth" + i) == 200 && body(ids.get(0), key).equals("truth" + i)) {
        correct++;
      }
    }
    byzantine(liar, "honest");
    say.what("%s answered every client with a made-up result. Clients wait for f + 1 = 2 matching replies: the "
        + "three honest replicas agree, one liar cannot make two.", liar);
    say.lesson("Byzantine fault tolerance is arithmetic: with 3f + 1 replicas and quorums of 2f + 1, any two quorums "
        + "share an honest replica, and f liars can never outvote the truth.");
    say.figure("%d of 5 reads returned exactly what was written while %s lied", correct, liar);
    say.expect(correct == 5, "a lying replica changes no result a client accepts");
  }

  private void silentPrimary() throws InterruptedException {
    JsonNode before = consensus(ids.get(0));
    String primary = before.path("primary").asText();
    long view = before.path("view").asLong();
    String backup = ids.stream().filter(id -> !id.equals(primary)).findFirst().orElseThrow();
    say.step("The primary goes silent");
    byzantine(primary, "silent");
    long started = System.nanoTime();
    boolean written = status(backup, "PUT", "/kv/silent-" + run, "still-here") == 200;
    long ms = (System.nanoTime() - started) / 1_000_000;
    JsonNode after = consensus(backup);
    byzantine(primary, "honest");
    say.what("%s stopped ordering requests. The backups' request timers expired, they voted for a view change, and "
        + "the next primary (%s) re-proposed what was prepared and went on.", primary, after.path("primary").asText());
    say.lesson("A faulty primary can stall PBFT only until the timers fire: liveness comes back with a new view.");
    say.figure("a write through %s completed %d ms after the primary went silent; view %d -> %d", backup, ms, view,
        after.path("view").asLong());
    say.expect(written, "writes continue after the primary goes silent");
    say.expect(after.path("view").asLong() > view, "a view change replaced the silent primary");
  }

  private void audit() throws InterruptedException {
    say.step("The ledger on every replica");
    Set<String> digests = new HashSet<>();
    boolean allOk = true;
    long deadline = System.currentTimeMillis() + WAIT_MS;
    do {
      digests.clear();
      allOk = true;
      for (String id : ids) {
        JsonNode a = json(id, "/ledger/audit?consistency=local");
        digests.add(a.path("digest").asText("?"));
        allOk &= a.path("ok").asBoolean(false);
      }
    } while ((digests.size() != 1 || !allOk) && System.currentTimeMillis() < deadline && pause());
    say.what("Every replica executed the same requests in the same order, so the ledger's state digest is the same "
        + "on all four.");
    say.figure("%d distinct digest(s) over %d replicas; audits ok: %s", digests.size(), ids.size(), allOk);
    say.expect(digests.size() == 1 && allOk, "all replicas audit ok with one state digest");
  }

  private static boolean pause() {
    try {
      Thread.sleep(300);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void byzantine(String id, String mode) {
    send(id, "/admin/byzantine", "{\"mode\":\"" + mode + "\"}");
  }

  private JsonNode consensus(String id) {
    return json(id, "/health/consensus");
  }

  private JsonNode json(String id, String path) {
    try {
      return http.get(peer(id), path).json();
    } catch (IOException | RuntimeException e) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
  }

  private String body(String id, String path) {
    try {
      return http.get(peer(id), path).body();
    } catch (IOException e) {
      return "";
    }
  }

  /** The status of a request retried while PBFT answers 503 (no f + 1 matching replies yet). */
  private int status(String id, String method, String path, String body) throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    int status;
    do {
      try {
        status = http.send(peer(id), path, method, body).status();
      } catch (IOException e) {
        status = -1;
      }
    } while ((status == 503 || status == -1) && System.currentTimeMillis() < deadline && pause());
    return status;
  }

  private int send(String id, String path, String body) {
    try {
      return http.send(peer(id), path, "POST", body).status();
    } catch (IOException e) {
      return -1;
    }
  }

  private Peer peer(String id) {
    return cluster.peers().get(id);
  }
}
