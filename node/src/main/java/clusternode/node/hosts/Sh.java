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
      // Both pipes drained while the command runs: a long listing (routes of a busy host) must not
      // fill a pipe and stall the command until the deadline.
      java.util.concurrent.CompletableFuture<byte[]> out = drain(p.getInputStream());
      java.util.concurrent.CompletableFuture<byte[]> err = drain(p.getErrorStream());
      if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("did not finish within " + TIMEOUT_S + " s: " + String.join(" ", command));
      }
      return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
          new String(err.join(), StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", command));
    }
  }

  private static java.util.concurrent.CompletableFuture<byte[]> drain(java.io.InputStream in) {
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try (in) {
        return in.readAllBytes();
      } catch (IOException e) {
        return new byte[0];
      }
    });
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
