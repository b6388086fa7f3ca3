package clusternode.node.multijvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the project's own launcher ({@code java -jar clusternode.jar cluster ...}) as a user would,
 * against a cluster directory of the test's own, and remembers every node pid it ever saw so
 * the test can make sure none outlives it.
 */
final class LauncherProcess {
  /**
   * How long {@code up} may wait for health in these tests: nodes are healthy within seconds on
   * a quiet machine, but a 2-core machine with other builds running took 35-40 s to start a JVM
   * (twice past the launcher's default 60 s in one run). A slow start is not what these tests check.
   */
  static final String UP_TIMEOUT_S = "120";

  record Result(int exitCode, String output) {}

  private final Path jar = Path.of(System.getProperty("clusternode.jar", "target/clusternode.jar"));
  private final Path clusterDir;
  private final List<Long> seenPids = new ArrayList<>();
  private final List<String> ids;

  LauncherProcess(Path clusterDir, List<String> ids) {
    this.clusterDir = clusterDir;
    this.ids = ids;
  }

  Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", jar.toString(), "cluster", "--dir",
        clusterDir.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("launcher did not finish within 120 s: " + command);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    rememberPids();
    return new Result(p.exitValue(), out);
  }

  Optional<Long> pid(String id) throws IOException {
    Path file = clusterDir.resolve(id).resolve("pid");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(Files.readString(file).strip().split(" ")[0]));
  }

  List<Long> seenPids() {
    return List.copyOf(seenPids);
  }

  /** Last resort after a failed test: kill -9 every node pid this test saw. */
  void killAllSeen() {
    for (long pid : seenPids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private void rememberPids() throws IOException {
    for (String id : ids) {
      pid(id).filter(p -> !seenPids.contains(p)).ifPresent(seenPids::add);
    }
  }

  private static String javaBinary() {
    return ProcessHandle.current().info().command().orElse("java");
  }
}
