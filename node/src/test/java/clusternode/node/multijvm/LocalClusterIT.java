package clusternode.node.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three real node JVMs started by the project's launcher: health everywhere, a partition seen
 * within 2 s and healed, a kill -9 seen by the survivors, and {@code down} leaving no process.
 */
class LocalClusterIT {
  private static final Map<String, Peer> NODES = Map.of(
      "n1", new Peer("n1", "127.0.0.1", TestPorts.port(27551), TestPorts.port(28081)),
      "n2", new Peer("n2", "127.0.0.1", TestPorts.port(27552), TestPorts.port(28082)),
      "n3", new Peer("n3", "127.0.0.1", TestPorts.port(27553), TestPorts.port(28083)));
  private static final NodeClient http = new NodeClient(null, Duration.ofSeconds(3));
  private static LauncherProcess launcher;

  @BeforeAll
  static void up() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "it-cluster-");
    launcher = new LauncherProcess(dir, List.of("n1", "n2", "n3"));
    Path conf = TestPorts.deployment(Path.of("src/test/resources/it-3.conf"));
    // TLS keys first (up would make them too), so the 30 s below measure only the nodes' start.
    LauncherProcess.Result keys = launcher.run("keys", "--config", conf.toString());
    assertEquals(0, keys.exitCode(), keys.output());
    assertTrue(Files.exists(dir.resolve("tls/n3.p12")), keys.output());
    long began = System.nanoTime();
    LauncherProcess.Result up = launcher.run("up", "--config", conf.toString());
    assertEquals(0, up.exitCode(), up.output());
    assertTrue(System.nanoTime() - began < TimeUnit.SECONDS.toNanos(30), "3 healthy nodes within 30 s: " + up.output());
  }

  @AfterAll
  static void down() throws Exception {
    try {
      LauncherProcess.Result down = launcher.run("down");
      assertEquals(0, down.exitCode(), down.output());
      for (long pid : launcher.seenPids()) {
        assertFalse(LocalCluster.isRunning(pid), "pid " + pid + " outlived down");
      }
    } finally {
      launcher.killAllSeen();
    }
  }

  private static Map<String, String> statuses(String id) {
    try {
      JsonNode peers = http.get(NODES.get(id), "/health/peers").json().get("peers");
      Map<String, String> out = new TreeMap<>();
      peers.forEach(p -> out.put(p.get("id").asText(), p.get("status").asText()));
      return out;
    } catch (IOException | RuntimeException e) {
      return Map.of("error", String.valueOf(e.getMessage()));
    }
  }

  private static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within.toMillis() + " ms: " + what + "; n1 sees " + statuses("n1")
            + ", n2 sees " + statuses("n2") + ", n3 sees " + statuses("n3"));
      }
      Thread.sleep(50);
    }
  }

  @Test
  void partitionKillAndRestartAsAUserSeesThem() throws Exception {
    for (Peer p : NODES.values()) {
      NodeClient.Answer health = http.get(p, "/health");
      assertEquals(200, health.status());
      assertEquals(p.id(), health.json().get("id").asText());
    }
    await("everyone reachable", Duration.ofSeconds(10), () -> statuses("n1").equals(Map.of("n2", "reachable", "n3", "reachable")));

    LauncherProcess.Result partition = launcher.run("partition", "n1", "n2,n3");
    assertEquals(0, partition.exitCode(), partition.output());
    await("the partition shows in /health/peers", Duration.ofSeconds(2),
        () -> statuses("n1").equals(Map.of("n2", "unreachable", "n3", "unreachable"))
            && statuses("n2").equals(Map.of("n1", "unreachable", "n3", "reachable")));

    LauncherProcess.Result heal = launcher.run("heal");
    assertEquals(0, heal.exitCode(), heal.output());
    await("healed", Duration.ofSeconds(3),
        () -> statuses("n1").equals(Map.of("n2", "reachable", "n3", "reachable")));

    long n2 = launcher.pid("n2").orElseThrow();
    LauncherProcess.Result kill = launcher.run("kill", "n2");
    assertEquals(0, kill.exitCode(), kill.output());
    assertFalse(LocalCluster.isRunning(n2), "n2 was killed");
    await("the survivors see n2 gone", Duration.ofSeconds(3),
        () -> statuses("n1").get("n2").equals("unreachable") && statuses("n3").get("n2").equals("unreachable"));

    LauncherProcess.Result start = launcher.run("start", "n2");
    assertEquals(0, start.exitCode(), start.output());
    await("n2 is back", Duration.ofSeconds(10),
        () -> statuses("n1").get("n2").equals("reachable") && statuses("n3").get("n2").equals("reachable"));
  }

  @Test
  void aBadDeploymentEndsWithExitCode2AndOneLine() throws Exception {
    Path bad = Files.createTempFile(Path.of("target"), "bad-", ".conf");
    Files.writeString(bad, "cluster-node { protocols = [paxos], peers { n1 { host = \"127.0.0.1\", akka-port = " + TestPorts.port(27651)
        + ", http-port = " + TestPorts.port(28181) + " } } }");
    LauncherProcess.Result r = new LauncherProcess(Files.createTempDirectory(Path.of("target"), "bad-cluster-"), List.of("n1"))
        .run("up", "--config", bad.toString());
    assertEquals(2, r.exitCode(), r.output());
    assertEquals(1, r.output().strip().lines().count(), r.output());
    assertTrue(r.output().contains("unknown protocol 'paxos'"), r.output());
  }
}
