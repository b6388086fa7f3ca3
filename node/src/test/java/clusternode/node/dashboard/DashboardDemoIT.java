package clusternode.node.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.testing.TestPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bin/cluster demo --short} (CI mode) via the jar, on a 5-node config of its own: runs to the end, exits 0. */
class DashboardDemoIT {
  @Test
  void theShortDemoRunsToTheEndAndExitsZero() throws Exception {
    // Failsafe names the jar; under surefire (a -Dtest pattern matching *IT) there is none yet: skip.
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("clusternode.jar") != null,
        "multi-JVM test: runs under failsafe (mvn verify)");
    List<String> ids = List.of("n1", "n2", "n3", "n4", "n5");
    ItCluster cluster = new ItCluster(Files.createTempDirectory(Path.of("target"), "it-demo-"), ids);
    Path conf = TestPorts.deployment(Path.of("src/test/resources/it-demo-5.conf"));
    long t0 = System.nanoTime();
    try {
      ItCluster.Result r = cluster.cluster(300, "demo", "--short", "--config", conf.toString(), "--dir",
          cluster.dir().toString(), "--timeout", "150");
      System.out.println(r.output());
      assertEquals(0, r.exitCode(), r.output());
      assertTrue(r.output().contains("demo passed: 0 expectation(s) failed"), r.output());
      for (String step : List.of("Step 1: Writes", "Step 2: A 2|3 partition", "Step 3: Heal", "Step 4: kill -9 the leader",
          "Step 5: The ledger", "Step 6: Verdict")) {
        assertTrue(r.output().contains(step), "missing '" + step + "'");
      }
      assertTrue(r.output().contains("stopped 5 node(s)"), "--short stops the cluster");
      for (String id : ids) {
        assertTrue(!Files.exists(cluster.dir().resolve(id).resolve("pid")), id + " left running");
      }
      System.out.printf("demo --short took %.1f s%n", (System.nanoTime() - t0) / 1e9);
    } finally {
      cluster.killAllSeen();
    }
  }

  @Test
  void thePbftDemoShowsALiarAndASilentPrimaryChangingNothing() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("clusternode.jar") != null,
        "multi-JVM test: runs under failsafe (mvn verify)");
    List<String> ids = List.of("n1", "n2", "n3", "n4");
    ItCluster cluster = new ItCluster(Files.createTempDirectory(Path.of("target"), "it-demo-pbft-"), ids);
    Path conf = TestPorts.deployment(Path.of("src/test/resources/it-pbft-4.conf"));
    try {
      ItCluster.Result r = cluster.cluster(300, "demo", "--protocol", "pbft", "--short", "--config", conf.toString(),
          "--dir", cluster.dir().toString(), "--timeout", "150");
      assertEquals(0, r.exitCode(), r.output());
      assertTrue(r.output().contains("demo passed: 0 expectation(s) failed"), r.output());
      for (String step : List.of("One replica lies", "The primary goes silent", "The ledger on every replica")) {
        assertTrue(r.output().contains(step), "missing '" + step + "'");
      }
      for (String id : ids) {
        assertTrue(!Files.exists(cluster.dir().resolve(id).resolve("pid")), id + " left running");
      }
    } finally {
      cluster.killAllSeen();
    }
  }
}
