package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The lock and watch workloads are known to the check, and refused in one line (exit 2) where Raft is not run. */
class CoordWorkloadArgumentsTest {
  private static final Path RAFT = Path.of("src/test/resources/check/it-check-register.conf").toAbsolutePath();
  private static final Path PBFT = Path.of("src/test/resources/it-pbft-4.conf").toAbsolutePath();

  private static CheckRunner.Options options(String workload, Path deployment) {
    return new CheckRunner.Options(workload, "pause,partition-halves,kill", Duration.ofSeconds(10), deployment, 1, 3,
        Duration.ofSeconds(5), Path.of("target/unused"), Path.of("no-such.jar"), Linearizability.Limits.DEFAULT,
        new CheckRunner.Crdt("majority", Duration.ofSeconds(30)));
  }

  @Test
  void lockAndWatchAreWorkloadsOfARaftDeployment() {
    assertEquals("lock", options("lock", RAFT).workload());
    assertEquals("watch", options("watch", RAFT).workload());
  }

  @Test
  void aPbftDeploymentIsRefusedWithOneLineAndExitTwo() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> options("lock", PBFT));
    assertTrue(e.getMessage().contains("the lock workload needs raft (PBFT answers 501"), e.getMessage());
    for (String workload : new String[] {"lock", "watch"}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream before = System.err;
      String jarBefore = System.getProperty("clusternode.jar");
      System.setProperty("clusternode.jar", "no-such.jar"); // refused before the jar is ever needed
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code;
      try {
        code = new CommandLine(new CheckCommand()).execute("--config", PBFT.toString(), "--workload", workload);
      } finally {
        System.setErr(before);
        if (jarBefore == null) {
          System.clearProperty("clusternode.jar");
        } else {
          System.setProperty("clusternode.jar", jarBefore);
        }
      }
      String said = err.toString(StandardCharsets.UTF_8);
      assertEquals(2, code, said);
      assertEquals(1, said.strip().lines().count(), said);
      assertTrue(said.startsWith("error: the " + workload + " workload needs raft"), said);
    }
  }
}
