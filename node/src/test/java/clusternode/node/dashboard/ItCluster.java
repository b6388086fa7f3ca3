package clusternode.node.dashboard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard ITs' handle on the project's own launcher ({@code java -jar clusternode.jar cluster
 * --dir DIR ...}): every node pid it ever saw is remembered so none outlives the test.
 */
final class ItCluster {
  record Result(int exitCode, String output) {}

  static final Path JAR = Path.of(System.getProperty("clusternode.jar", "target/clusternode.jar"));

  private final Path dir;
  private final List<String> ids;
  private final List<Long> seenPids = new ArrayList<>();

  ItCluster(Path dir, List<String> ids) {
    this.dir = dir;
    this.ids = ids;
  }

  Path dir() {
    return dir;
  }

  Result cluster(long timeoutSeconds, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString(), "cluster"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    Thread reader = new Thread(() -> {
      try {
        out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException ignored) {
        // the process died; what was read is kept
      }
    });
    reader.start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        reader.join(5000);
        throw new AssertionError("launcher did not finish within " + timeoutSeconds + " s: " + command + "\n" + out);
      }
      reader.join(5000);
      return new Result(p.exitValue(), out.toString());
    } finally {
      rememberPids();
    }
  }

  String token() throws IOException {
    return Files.readString(dir.resolve("admin-token")).strip();
  }

  /** Last resort: kill -9 every node pid seen. */
  void killAllSeen() {
    try {
      rememberPids();
    } catch (IOException ignored) {
      // use what we have
    }
    seenPids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  private void rememberPids() throws IOException {
    for (String id : ids) {
      Path file = dir.resolve(id).resolve("pid");
      if (Files.exists(file)) {
        long pid = Long.parseLong(Files.readString(file).strip().split(" ")[0]);
        if (!seenPids.contains(pid)) {
          seenPids.add(pid);
        }
      }
    }
  }

  private static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }
}
