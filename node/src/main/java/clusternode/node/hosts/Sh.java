package clusternode.node.hosts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the system tools the host network is made with (ip, nft, kill), one short command at a
 * time, with a deadline: a hung tool must not hang the launcher.
 */
public final class Sh {
  private static final long TIMEOUT_S = 20;

  /** What a command printed and how it ended. */
  public record Result(int exitCode, String out, String err) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  private Sh() {}

  /** Runs {@code command}; its exit code is the caller's to judge. */
  public static Result status(List<String> command, String stdin) {
    try {
      Process p = new ProcessBuilder(command).start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      // Short outputs only (listings, errors): read after exit cannot dead-lock on a full pipe of this size.
      if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("did not finish within " + TIMEOUT_S + " s: " + String.join(" ", command));
      }
      return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
          new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", command));
    }
  }

  /** Runs {@code command} and returns its output; a failure is one line naming the command. */
  public static String run(String... command) {
    return runWithInput(null, command);
  }

  /** As {@link #run}, with {@code stdin} given to the command (nft -f -). */
  public static String runWithInput(String stdin, String... command) {
    Result r = status(List.of(command), stdin);
    if (!r.ok()) {
      throw new IllegalStateException(String.join(" ", command) + " failed (exit " + r.exitCode() + "): "
          + r.err().replace('\n', ' '));
    }
    return r.out();
  }
}
