package clusternode.protocols.metrics;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;

/** Registers the JVM's own gauges: heap, threads, garbage collection, CPU, uptime. */
public final class JvmMetrics {
  private JvmMetrics() {}

  public static void register(Metrics m) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    m.gauge("jvm_memory_heap_used_bytes", "Heap in use", () -> memory.getHeapMemoryUsage().getUsed());
    m.gauge("jvm_memory_heap_max_bytes", "Heap limit", () -> memory.getHeapMemoryUsage().getMax());
    m.gauge("jvm_memory_nonheap_used_bytes", "Non-heap memory in use", () -> memory.getNonHeapMemoryUsage().getUsed());
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    m.gauge("jvm_threads_live", "Live threads", threads::getThreadCount);
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      m.gauge("jvm_gc_collections_total", "Garbage collections", gc::getCollectionCount, "gc", gc.getName());
      m.gauge("jvm_gc_pause_seconds_total", "Time spent in garbage collection",
          () -> gc.getCollectionTime() / 1000.0, "gc", gc.getName());
    }
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    m.gauge("process_cpu_load_ratio", "Recent CPU load of this process (0-1 of all cores)", () -> cpuLoad(os));
    m.gauge("jvm_uptime_seconds", "Time since the JVM started",
        () -> ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
  }

  private static double cpuLoad(OperatingSystemMXBean os) {
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return Math.max(0, sun.getProcessCpuLoad());
    }
    return -1;
  }
}
