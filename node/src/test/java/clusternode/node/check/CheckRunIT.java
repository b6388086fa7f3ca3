package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code cluster check} from the node jar, as a user would, and checks what it leaves behind. */
final class CheckRunIT {
  record Result(int exitCode, String output, Path runDir) {}

  private CheckRunIT() {}

  static Result check(String name, String... args) throws IOException, InterruptedException {
    // Failsafe names the jar; under surefire (a -Dtest pattern matching *IT) there is none yet: skip.
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("clusternode.jar") != null,
        "multi-JVM: runs under failsafe (mvn verify), which builds the jar first");
    Path jar = Path.of(System.getProperty("clusternode.jar", "target/clusternode.jar"));
    Path runDir = Files.createTempDirectory(Path.of("target"), name + "-");
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "cluster", "check", "--out", runDir.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(runDir.resolve("stdout.txt").toFile()).start();
    try {
      // Start-up, the run, the heal and the final reads; a loaded machine makes the first and last slow.
      if (!p.waitFor(480, TimeUnit.SECONDS)) {
        throw new AssertionError("check did not finish within 480 s: " + command);
      }
    } finally {
      p.destroyForcibly();
      killNodesOf(runDir);
    }
    String out = Files.readString(runDir.resolve("stdout.txt"), StandardCharsets.UTF_8);
    return new Result(p.exitValue(), out, runDir);
  }

  /** Every node pid the run started (launcher.log says "started nX (pid N)"). */
  static List<Long> nodePids(Path runDir) throws IOException {
    List<Long> pids = new ArrayList<>();
    Path log = runDir.resolve("launcher.log");
    if (Files.exists(log)) {
      Matcher m = Pattern.compile("started \\S+ \\(pid (\\d+)\\)").matcher(Files.readString(log));
      while (m.find()) {
        pids.add(Long.parseLong(m.group(1)));
      }
    }
    return pids;
  }

  private static void killNodesOf(Path runDir) throws IOException {
    for (long pid : nodePids(runDir)) {
      ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(h -> {
        Nemesis.signal("CONT", pid);
        h.destroyForcibly();
      });
    }
  }

  /** The common assertions: a valid verdict, the files written, and no node left running. */
  static void assertValidRun(Result r) throws IOException {
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("verdict: VALID"), r.output());
    for (String file : List.of("history.jsonl", "results.json", "report.html", "launcher.log")) {
      assertTrue(Files.size(r.runDir().resolve(file)) > 0, file + " missing: " + r.output());
    }
    List<Long> pids = nodePids(r.runDir());
    assertTrue(pids.size() >= 3, "no node starts in launcher.log: " + r.output());
    for (long pid : pids) {
      assertTrue(!clusternode.node.launcher.LocalCluster.isRunning(pid), "node pid " + pid + " outlived the check run");
    }
  }

}
