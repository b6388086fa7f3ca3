package clusternode.node.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Reading utime + stime (fields 14 and 15, clock ticks) from /proc/<pid>/stat lines, see proc(5). */
class ProcessCpuTest {
  // Fields 4-13 (ppid, pgrp, session, tty_nr, tpgid, flags, minflt, cminflt, majflt, cmajflt), 14-15, then 16-24.
  private static final String REST = " 1 1 0 -1 -1 4194560 2361 0 0 0 %d %d 0 0 20 0 31 0 1234 4096 99 0";

  private static String stat(String comm, long utime, long stime) {
    return "4242 (" + comm + ") S" + String.format(REST, utime, stime) + "\n";
  }

  @Test
  void sumsUserAndSystemTicks() {
    assertEquals(1234 + 56, ProcessCpu.ticks(stat("java", 1234, 56)));
  }

  @Test
  void countsFieldsFromTheLastParenthesisSoACommWithSpacesAndParenthesesParses() {
    assertEquals(7 + 9, ProcessCpu.ticks(stat("a b) c (d", 7, 9)));
    assertEquals(300 + 20, ProcessCpu.ticks(stat(") 1 2 3 4 5 6 7 8 9 10 11 12 13 )", 300, 20)));
  }

  @Test
  void refusesLinesThatAreNotStatLines() {
    assertThrows(IllegalArgumentException.class, () -> ProcessCpu.ticks("4242 java S 1 1"));
    assertThrows(IllegalArgumentException.class, () -> ProcessCpu.ticks("4242 (java) S 1 1 0 -1"));
    assertThrows(IllegalArgumentException.class, () -> ProcessCpu.ticks(stat("java", 1, 2).replace(" 1 2 0 0 20", " x 2 0 0 20")));
    assertThrows(IllegalArgumentException.class, () -> ProcessCpu.ticks(stat("java", -1, 2)));
  }

  @Test
  void readsThisJvmsOwnStatOnLinux() throws IOException {
    long pid = ProcessHandle.current().pid();
    if (!java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"))) {
      return; // not Linux: nothing to compare with
    }
    // Burn some CPU so the tick counter is surely above zero, then compare with the JVM's own figure.
    long sink = 0;
    long until = System.nanoTime() + 200_000_000L;
    while (System.nanoTime() < until) {
      sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
    }
    long procMicros = ProcessCpu.micros(pid, ProcessCpu.ticksPerSecond());
    long jvmMicros = ProcessCpu.ownMicros();
    assertTrue(procMicros > 0 && sink >= 0, "CPU from /proc/" + pid + "/stat: " + procMicros + " us");
    // Both count the whole process; /proc has a resolution of one tick (10 ms at 100 Hz).
    assertTrue(Math.abs(procMicros - jvmMicros) < 100_000 + jvmMicros / 10,
        "/proc says " + procMicros + " us, the JVM " + jvmMicros + " us");
  }

  @Test
  void aMissingProcessIsAnIoErrorNotACrash() {
    assertThrows(IOException.class, () -> ProcessCpu.micros(Long.MAX_VALUE, 100));
  }
}
