package clusternode.node.hosts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The project's launcher ({@code java -jar clusternode.jar cluster --dir DIR ...}) run as a user
 * would, remembering every node pid it ever saw so that the test can prove none outlives it.
 */
final class HostsLauncher {
  record Result(int exitCode, String output) {}

  private final Path jar = Path.of(System.getProperty("clusternode.jar", "target/clusternode.jar"));
  private final Path clusterDir;
  private final List<String> ids;
  private final Set<Long> seenPids = new LinkedHashSet<>();

  HostsLauncher(Path clusterDir, List<String> ids) {
    this.clusterDir = clusterDir;
    this.ids = ids;
  }

  Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "cluster", "--dir", clusterDir.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("launcher did not finish within 180 s: " + command);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    for (String id : ids) {
      pid(id).ifPresent(seenPids::add);
    }
    return new Result(p.exitValue(), out);
  }

  /** Runs and requires exit 0, printing the output either way (it is the test's log). */
  String ok(String... args) throws IOException, InterruptedException {
    Result r = run(args);
    System.out.println("$ cluster " + String.join(" ", args) + "\n" + r.output());
    if (r.exitCode() != 0) {
      throw new AssertionError("cluster " + String.join(" ", args) + " exited " + r.exitCode() + ":\n" + r.output());
    }
    return r.output();
  }

  Optional<Long> pid(String id) throws IOException {
    Path file = clusterDir.resolve(id).resolve("pid");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(Files.readString(file).strip().split(" ")[0]));
  }

  /** Whether {@code pid} still runs; a zombie waiting for init to reap it (its launcher has exited) does not. */
  static boolean runs(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
          && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  Set<Long> seenPids() {
    return Set.copyOf(seenPids);
  }

  /** Last resort after a failed test: SIGCONT and SIGKILL, by pid, every node this test saw. */
  void killAllSeen() {
    for (long pid : seenPids) {
      ProcessHandle.of(pid).ifPresent(h -> {
        Sh.status(List.of("kill", "-CONT", Long.toString(pid)), null);
        h.destroyForcibly();
      });
    }
  }
}
