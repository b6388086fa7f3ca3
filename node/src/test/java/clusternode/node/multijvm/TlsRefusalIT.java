package clusternode.node.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.ctl.NodeClient;
import clusternode.node.launcher.LocalCluster;
import clusternode.protocols.peers.Peer;
import clusternode.protocols.testing.TestPorts;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mutual TLS between nodes, as shipped: a three-node cluster started by the launcher runs Artery
 * over TLS with keys it made. Two intruders name the cluster's members as their peers and Akka
 * seeds: n4 with a certificate of its own CA, n5 over plain TCP. Neither joins nor delivers a single
 * message (no Akka join, no envelope seen by any member's Transport, no probe answered), every
 * member logs the refused handshakes, and the cluster goes on committing writes.
 */
class TlsRefusalIT {
  private static final List<String> MEMBERS = List.of("n1", "n2", "n3");
  private static final Map<String, Peer> NODES = new TreeMap<>();
  private static final Peer FOREIGN = new Peer("n4", "127.0.0.1", TestPorts.port(27704), TestPorts.port(28204));
  private static final Peer PLAIN = new Peer("n5", "127.0.0.1", TestPorts.port(27705), TestPorts.port(28205));
  private static final NodeClient http = new NodeClient(null, Duration.ofSeconds(5));
  private static final Path JAR = Path.of(System.getProperty("clusternode.jar", "target/clusternode.jar"));
  private static final List<Process> intruders = new ArrayList<>();
  private static LauncherProcess launcher;
  private static Path dir;
  private static Path foreignDir;

  static {
    for (int i = 0; i < MEMBERS.size(); i++) {
      NODES.put(MEMBERS.get(i), new Peer(MEMBERS.get(i), "127.0.0.1", TestPorts.port(27701 + i), TestPorts.port(28201 + i)));
    }
  }

  @BeforeAll
  static void up() throws Exception {
    dir = Files.createTempDirectory(Path.of("target"), "it-tls-");
    foreignDir = Files.createTempDirectory(Path.of("target"), "it-tls-foreign-");
    launcher = new LauncherProcess(dir, MEMBERS);
    LauncherProcess.Result up = launcher.run("up", "--config", conf("it-tls-3.conf").toString(), "--timeout", "100");
    assertEquals(0, up.exitCode(), up.output());
    assertTrue(up.output().contains("TLS keys for [n1, n2, n3]"), "up made the deployment's TLS keys: " + up.output());
    for (String id : MEMBERS) {
      assertTrue(Files.readString(dir.resolve(id).resolve("node.log")).contains("over tls-tcp"), id + " runs Artery over TLS");
    }
  }

  @AfterAll
  static void down() throws Exception {
    try {
      for (Process p : intruders) {
        p.destroy();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        assertFalse(LocalCluster.isRunning(p.pid()), "intruder pid " + p.pid() + " outlived the test");
      }
      LauncherProcess.Result down = launcher.run("down");
      assertEquals(0, down.exitCode(), down.output());
      for (long pid : launcher.seenPids()) {
        assertFalse(LocalCluster.isRunning(pid), "pid " + pid + " outlived down");
      }
    } finally {
      intruders.forEach(Process::destroyForcibly);
      launcher.killAllSeen();
    }
  }

  private static Path conf(String name) {
    return TestPorts.deployment(Path.of("src/test/resources", name));
  }

  /** Starts one node the way bin/node does, with its own log and data under {@code home}. */
  private static void startIntruder(Peer peer, Path deployment, Path home, List<String> options) throws IOException {
    Path nodeDir = Files.createDirectories(home.resolve(peer.id()));
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx256m", "-XX:+UseSerialGC", "-Dcluster-node.data-dir=" + nodeDir.resolve("data")));
    command.addAll(options);
    command.addAll(List.of("-jar", JAR.toString(), "node", "--config", deployment.toString(), "--id", peer.id()));
    intruders.add(new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(nodeDir.resolve("node.log").toFile()).start());
  }

  @Test
  void aForeignCaAndPlainTcpNeitherJoinNorDeliverAndTheClusterGoesOn() throws Exception {
    assertEquals(200, definitelyPut("before", "1").status());

    // n4's deployment has a CA of its own: bin/cluster keys in another directory makes one.
    LauncherProcess.Result keys = new LauncherProcess(foreignDir, List.of())
        .run("keys", "--config", conf("it-tls-foreign.conf").toString());
    assertEquals(0, keys.exitCode(), keys.output());
    assertNotEquals(-1L, Files.mismatch(foreignDir.resolve("tls/trust.p12"), dir.resolve("tls/trust.p12")));
    startIntruder(FOREIGN, conf("it-tls-foreign.conf"), foreignDir,
        List.of("-Dcluster-node.transport.tls.dir=" + foreignDir.resolve("tls")));
    startIntruder(PLAIN, conf("it-tls-plain.conf"), foreignDir, List.of());

    // Every member logs both kinds of refusal: a certificate it does not trust, and no TLS at all.
    await("every member logs refused TLS handshakes of both intruders", Duration.ofSeconds(120), () ->
        MEMBERS.stream().allMatch(id -> {
          String log = memberLog(id);
          return log.contains("refused an inbound TLS connection") && log.contains("plaintext connection?")
              && log.contains("certificate_unknown");
        }));
    await("n4 logs that the members' certificates are not of its CA", Duration.ofSeconds(30),
        () -> log(foreignDir.resolve("n4/node.log")).contains("SSLHandshakeException: PKIX path building failed"));
    // Both intruders have been up and trying for a while (Akka retries the join every few seconds).
    await("both intruders answer HTTP and keep failing to join", Duration.ofSeconds(60),
        () -> http.healthStatus(FOREIGN) != null && http.healthStatus(PLAIN) != null
            && count(log(foreignDir.resolve("n4/node.log")), "Couldn't join seed nodes") >= 2
            && count(log(foreignDir.resolve("n5/node.log")), "Couldn't join seed nodes") >= 2);

    // Nothing they sent arrived: no probe of theirs was answered ...
    for (Peer intruder : List.of(FOREIGN, PLAIN)) {
      JsonNode peers = http.get(intruder, "/health/peers").json().get("peers");
      for (JsonNode p : peers) {
        assertNotEquals("reachable", p.get("status").asText(), intruder.id() + " sees " + p);
        assertEquals(0, p.get("acksReceived").asLong(), intruder.id() + " got an answer: " + p);
      }
      assertFalse(log(foreignDir.resolve(intruder.id() + "/node.log")).contains("Welcome from"),
          intruder.id() + " joined the Akka cluster");
    }
    // ... no member's Transport saw an envelope from them, and no member saw them join Akka Cluster,
    // while the members did see each other join (so the pattern is the right one).
    for (String id : MEMBERS) {
      String metrics = http.get(NODES.get(id), "/metrics").body();
      assertFalse(metrics.contains("peer=\"n4\"") || metrics.contains("peer=\"n5\""), id + " counted intruder traffic");
      String log = memberLog(id);
      assertFalse(log.contains("from n4") || log.contains("from n5"), id + " received an intruder's envelope");
      assertFalse(log.contains("127.0.0.1:" + FOREIGN.akkaPort() + "] is JOINING") || log.contains("127.0.0.1:" + PLAIN.akkaPort() + "] is JOINING"),
          id + " saw an intruder join");
    }
    assertTrue(MEMBERS.stream().anyMatch(id -> memberLog(id).contains("127.0.0.1:" + TestPorts.port(27702) + "] is JOINING")
            || memberLog(id).contains("127.0.0.1:" + TestPorts.port(27703) + "] is JOINING")),
        "the members' own join shows in their logs");

    // The cluster is as it was: its three voters, all reachable from each other, a leader among
    // them, and writes commit.
    for (String id : MEMBERS) {
      assertEquals(others(id), reachable(id), id + "'s /health/peers");
      JsonNode consensus = http.get(NODES.get(id), "/health/consensus").json();
      Set<String> voters = new TreeSet<>();
      consensus.get("voters").forEach(v -> voters.add(v.asText()));
      assertEquals(Set.copyOf(MEMBERS), voters, id + "'s voters");
    }
    assertEquals(200, definitelyPut("after", "2").status());
    NodeClient.Answer read = http.get(NODES.get("n2"), "/kv/after");
    assertEquals("2", read.body());
  }

  private static Set<String> others(String id) {
    Set<String> out = new TreeSet<>(MEMBERS);
    out.remove(id);
    return out;
  }

  private static Set<String> reachable(String id) {
    Set<String> out = new TreeSet<>();
    try {
      http.get(NODES.get(id), "/health/peers").json().get("peers").forEach(p -> {
        if (p.get("status").asText().equals("reachable")) {
          out.add(p.get("id").asText());
        }
      });
    } catch (IOException e) {
      // not answering: nothing reachable
    }
    return out;
  }

  /** PUT through n1 until an answer that is not a 503 (the machine may be slow to elect). */
  private static NodeClient.Answer definitelyPut(String key, String value) throws InterruptedException {
    NodeClient.Answer[] last = new NodeClient.Answer[1];
    await("PUT /kv/" + key + " answered", Duration.ofSeconds(60), () -> {
      try {
        last[0] = http.send(NODES.get("n1"), "/kv/" + key, "PUT", value);
        return last[0].status() != 503;
      } catch (IOException e) {
        return false;
      }
    });
    return last[0];
  }

  private static String memberLog(String id) {
    return log(dir.resolve(id).resolve("node.log"));
  }

  private static String log(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
      n++;
    }
    return n;
  }

  private static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within.toSeconds() + " s: " + what);
      }
      Thread.sleep(250);
    }
  }
}
