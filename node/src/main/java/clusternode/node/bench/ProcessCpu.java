package clusternode.node.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time (user + system) of a process, read from Linux's {@code /proc/<pid>/stat}: the bench
 * divides what the node JVMs spent during the measured window by the requests completed in it,
 * because the CPU of four JVMs on two cores is the ceiling of this machine.
 */
final class ProcessCpu {
  /** Field 14 of /proc/<pid>/stat is utime, 15 stime (proc(5)); fields 1 and 2 are pid and (comm). */
  private static final int UTIME_AFTER_COMM = 14 - 3;

  private ProcessCpu() {}

  /**
   * utime + stime in clock ticks from one {@code /proc/<pid>/stat} line. The command name may hold
   * spaces and parentheses, so the fields are counted from the last ')'.
   *
   * @throws IllegalArgumentException if the line is not in that format
   */
  static long ticks(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0 || stat.indexOf('(') < 0 || stat.indexOf('(') > close) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line (no '(comm)'): " + abbreviate(stat));
    }
    String[] fields = stat.substring(close + 1).strip().split(" +");
    // fields[0] is field 3 (state), so field n is fields[n - 3].
    if (fields.length <= UTIME_AFTER_COMM + 1) {
      throw new IllegalArgumentException("/proc/<pid>/stat line has " + (fields.length + 2)
          + " fields, utime and stime are 14 and 15: " + abbreviate(stat));
    }
    try {
      long utime = Long.parseLong(fields[UTIME_AFTER_COMM]);
      long stime = Long.parseLong(fields[UTIME_AFTER_COMM + 1]);
      if (utime < 0 || stime < 0) {
        throw new IllegalArgumentException("negative CPU ticks in /proc/<pid>/stat: " + abbreviate(stat));
      }
      return utime + stime;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("utime/stime of /proc/<pid>/stat are not numbers: " + abbreviate(stat), e);
    }
  }

  /** The CPU time of {@code pid} in microseconds; IOException if /proc cannot tell (not Linux, gone, denied). */
  static long micros(long pid, long ticksPerSecond) throws IOException {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      return ticks(Files.readString(stat, StandardCharsets.US_ASCII)) * 1_000_000 / ticksPerSecond;
    } catch (IllegalArgumentException e) {
      throw new IOException(stat + ": " + e.getMessage(), e);
    }
  }

  /**
   * The CPU time of {@code pid}'s JIT compiler threads (HotSpot names them {@code C1 CompilerThre..}
   * and {@code C2 CompilerThre..}) in microseconds: the bench warms up until they are quiet. Threads
   * that have exited are not counted, so a later sample can be lower.
   */
  static long compilerMicros(long pid, long ticksPerSecond) throws IOException {
    long ticks = 0;
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
        } catch (IOException gone) {
          continue; // the thread ended between listing and reading
        }
        if (isCompilerThread(stat)) {
          ticks += ticks(stat);
        }
      }
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new IOException("/proc/" + pid + "/task: " + e.getMessage(), e);
    }
    return ticks * 1_000_000 / ticksPerSecond;
  }

  static boolean isCompilerThread(String stat) {
    int open = stat.indexOf('(');
    return open >= 0 && stat.startsWith(" Compiler", open + 3)
        && (stat.startsWith("C1", open + 1) || stat.startsWith("C2", open + 1));
  }

  /** This JVM's CPU time in microseconds, or -1 if the JVM does not report it. */
  static long ownMicros() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      long nanos = os.getProcessCpuTime();
      return nanos < 0 ? -1 : nanos / 1000;
    }
    return -1;
  }

  /**
   * The kernel's clock ticks per second (USER_HZ, the unit of /proc/<pid>/stat), from {@code getconf
   * CLK_TCK}; 100, the value on every mainstream Linux architecture, if getconf cannot be run.
   */
  static long ticksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
      if (p.waitFor() == 0 && out.matches("[1-9][0-9]{0,6}")) {
        return Long.parseLong(out);
      }
    } catch (IOException e) {
      // no getconf: use the common value below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }

  private static String abbreviate(String s) {
    String line = s.strip();
    return line.length() <= 120 ? line : line.substring(0, 120) + "...";
  }
}
