package clusternode.node.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reading utime + stime (fields 14 and 15, clock ticks) from /proc/<pid>/stat lines (proc(5)), and
 * the bench's CPU-per-request figures made from them.
 */
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
  void knowsHotSpotsCompilerThreadsByName() {
    assertTrue(ProcessCpu.isCompilerThread(stat("C2 CompilerThre", 1, 1)));
    assertTrue(ProcessCpu.isCompilerThread(stat("C1 CompilerThre", 1, 1)));
    assertFalse(ProcessCpu.isCompilerThread(stat("java", 1, 1)));
    assertFalse(ProcessCpu.isCompilerThread(stat("clusternode-akk", 1, 1)));
    assertFalse(ProcessCpu.isCompilerThread("4242 C2 CompilerThre S 1 1"), "the name counts only as (comm)");
  }

  @Test
  void theBenchMeasuresOnlyOnceCompilersAreQuietAndThroughputSteady() {
    assertTrue(Bench.warm(3, 1000, 950, 0.01));
    assertTrue(Bench.warm(3, 1000, 950, -1), "compiler time unknown: throughput decides");
    assertFalse(Bench.warm(2, 1000, 1000, 0), "at least three windows");
    assertFalse(Bench.warm(5, 1000, 1000, 0.17), "compilers still busy (PBFT for 2 minutes on 2 cores)");
    assertFalse(Bench.warm(5, 1000, 850, 0.01), "still climbing by over 10%");
    assertFalse(Bench.warm(5, 700, 850, 0.01), "or falling");
  }

  @Test
  void readsThisJvmsCompilerThreadsOnLinux() throws IOException {
    long pid = ProcessHandle.current().pid();
    if (!java.nio.file.Files.isDirectory(java.nio.file.Path.of("/proc", Long.toString(pid), "task"))) {
      return; // not Linux
    }
    long compiler = ProcessCpu.compilerMicros(pid, ProcessCpu.ticksPerSecond());
    long all = ProcessCpu.micros(pid, ProcessCpu.ticksPerSecond());
    assertTrue(compiler >= 0 && compiler <= all, "compiler threads " + compiler + " us of the process's " + all + " us");
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
  void theBenchReportsCpuPerRequestPerNodeAndInTotal() {
    Bench.CpuSample before = new Bench.CpuSample(Map.of("n1", new long[] {11, 1_000_000}, "n2", new long[] {12, 0}),
        5_000, null);
    Bench.CpuSample after = new Bench.CpuSample(Map.of("n1", new long[] {11, 1_300_000}, "n2", new long[] {12, 100_000}),
        25_000, null);
    Map<String, Object> m = Bench.cpuPerRequest(before, after, 1000, 2.0, "n1");
    assertEquals(Map.of("n1 (leader)", 300.0, "n2", 100.0), m.get("cpuUsPerRequestByNode"));
    assertEquals(400.0, m.get("cpuUsPerRequestNodes"));
    assertEquals(0.2, m.get("nodesCpuCores"), "0.4 CPU seconds in 2 s");
    assertEquals(20.0, m.get("cpuUsPerRequestBench"));
    assertFalse(m.containsKey("cpuProblem"));
  }

  @Test
  void aNodeRestartedInTheWindowOrUnreadableIsNamedNotCounted() {
    Bench.CpuSample before = new Bench.CpuSample(Map.of("n1", new long[] {11, 0}, "n2", new long[] {12, 0}), 0, null);
    Bench.CpuSample restarted = new Bench.CpuSample(Map.of("n1", new long[] {99, 50}, "n2", new long[] {12, 70}), 0, null);
    Map<String, Object> m = Bench.cpuPerRequest(before, restarted, 10, 1.0, null);
    assertEquals(Map.of("n2", 7.0), m.get("cpuUsPerRequestByNode"));
    assertEquals("incomplete", m.get("cpuUsPerRequestNodes"));
    assertTrue(String.valueOf(m.get("cpuProblem")).contains("n1"), String.valueOf(m));

    Bench.CpuSample noProc = new Bench.CpuSample(Map.of(), 0, "cannot read the CPU time of n1: /proc/11/stat");
    Map<String, Object> unreadable = Bench.cpuPerRequest(noProc, noProc, 10, 1.0, null);
    assertEquals("incomplete", unreadable.get("cpuUsPerRequestNodes"));
    assertTrue(String.valueOf(unreadable.get("cpuProblem")).contains("/proc/11/stat"));
  }

  @Test
  void aMissingProcessIsAnIoErrorNotACrash() {
    assertThrows(IOException.class, () -> ProcessCpu.micros(Long.MAX_VALUE, 100));
  }
}
