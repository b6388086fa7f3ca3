package clusternode.node.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a crashed {@code up --hosts} leaves (namespaces with a process still inside, veths, bridge,
 * guard table) is removed by the next {@code up --hosts} from the same directory; and without
 * root the command says so in one line and exits 2.
 */
class HostsLeftoversIT {
  @Test
  void theNextUpRemovesACrashedRunsNetworkAndProcesses() throws Exception {
    assertEquals(0, Root.effectiveUid(), "the --hosts tests create network namespaces: run mvn verify as root (CI does)");
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "hosts-left-");
    Path clusterDir = dir.resolve("cluster");
    String tag = HostNetwork.tagOf(clusterDir);
    Path deployment = dir.resolve("one.conf");
    Files.writeString(deployment, """
        cluster-node {
          protocols = [raft]
          peers { n1 { host = "127.0.0.1", akka-port = 2551, http-port = 8081 } }
        }
        """);
    // The crash: a network of this directory's tag with a process inside, and no record of either.
    HostNetwork crashed = HostNetwork.plan(clusterDir, List.of("n1"));
    crashed.create(new PrintStream(PrintStream.nullOutputStream()));
    Process orphan = new ProcessBuilder("ip", "netns", "exec", crashed.namespace("n1"), "sleep", "600").start();
    HostsLauncher launcher = new HostsLauncher(clusterDir, List.of("n1"));
    try {
      assertTrue(HostNetwork.leftovers(tag).size() >= 3, "the crash left namespace, veth, bridge and table");
      String out = launcher.ok("up", "--hosts", "--config", deployment.toString(), "--timeout", "120");
      assertTrue(out.contains("killing pid " + orphan.pid() + " left in namespace " + crashed.namespace("n1")), out);
      assertTrue(orphan.waitFor(10, TimeUnit.SECONDS), "the process left in the namespace was killed");
      launcher.ok("down");
      assertEquals(List.of(), HostNetwork.leftovers(tag));
      for (long pid : launcher.seenPids()) {
        assertFalse(HostsLauncher.runs(pid), "pid " + pid + " still runs");
      }
    } finally {
      orphan.destroyForcibly();
      launcher.killAllSeen();
      HostNetwork.removeAll(tag, System.out);
    }
  }

  @Test
  void withoutRootUpHostsSaysSoInOneLineAndExits2() throws Exception {
    Path jar = Path.of(System.getProperty("clusternode.jar", "target/clusternode.jar")).toAbsolutePath();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "hosts-noroot-");
    Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString(), "cluster", "--dir",
        dir.resolve("cluster").toString(), "up", "--hosts").redirectErrorStream(true).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(2, p.exitValue(), out);
    assertEquals("error: up --hosts needs root (network namespaces, veths, nftables); run it as root", out);
    assertEquals(List.of(), HostNetwork.leftovers(HostNetwork.tagOf(dir.resolve("cluster"))));
  }
}
