package clusternode.protocols.ledger.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The workload of {@code bin/cluster bench --workload ledger-transfer}'s in-memory figure (the
 * node's {@code LedgerInMemory}): 1000 accounts with 1e9 each, then 2M transfers built before the
 * clock starts, the first 20% as warm-up. Prints transfers per second and bytes allocated per
 * transfer (this thread's allocation, which does not depend on the machine's load).
 *
 * <p>Opt-in: {@code mvn -B -o test -pl protocols -Dtest=LedgerBenchmarkTest -Dledger.bench=true}
 * ({@code -Dledger.bench.n=...} transfers, {@code -Dledger.bench.runs=...} repetitions).
 */
class LedgerBenchmarkTest {
  /** One run's figures. */
  record Figures(double transfersPerSecond, double transfersPerCpuSecond, double bytesPerTransfer, long gcCount,
      long gcMs) {}

  @Test
  @EnabledIfSystemProperty(named = "ledger.bench", matches = "true")
  void transfersPerSecondAndBytesPerTransfer() {
    int n = Integer.getInteger("ledger.bench.n", 2_000_000);
    int runs = Integer.getInteger("ledger.bench.runs", 3);
    for (int r = 0; r < runs; r++) {
      Figures f = run(1000, n);
      System.out.printf("ledger bench run %d: %,d transfers: %,.0f/s (%,.0f per CPU second of this thread), "
          + "%.1f bytes allocated per transfer, %d GCs %d ms%n", r + 1, n, f.transfersPerSecond(),
          f.transfersPerCpuSecond(), f.bytesPerTransfer(), f.gcCount(), f.gcMs());
    }
  }

  /** The workload on a small scale, always run: it must pass every check and stay consistent. */
  @Test
  void theBenchmarkWorkloadIsAcceptedAndAudits() {
    Ledger ledger = new Ledger(1000);
    long index = workload(ledger, 50, 20_000);
    assertEquals(100 + 20_000, index);
    Views.Audit audit = ledger.audit();
    assertTrue(audit.ok(), audit.problems().toString());
    assertEquals(50 * 1_000_000_000L, audit.totalBalance());
  }

  static Figures run(int accounts, int transfers) {
    Ledger ledger = new Ledger();
    long index = setUp(ledger, accounts);
    List<Command> commands = commands(accounts, transfers);
    int warm = transfers / 5;
    for (int i = 0; i < warm; i++) {
      ledger.execute(++index, commands.get(i));
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long gcCount = gcCount();
    long gcMs = gcMs();
    long bytes = threads.getThreadAllocatedBytes(thread);
    long cpuNs = threads.getCurrentThreadCpuTime(); // unlike wall time, not stretched by other processes
    long start = System.nanoTime();
    for (int i = warm; i < transfers; i++) {
      Result r = ledger.execute(++index, commands.get(i));
      if (!r.ok()) {
        throw new IllegalStateException("bench transfer rejected: " + r);
      }
    }
    long elapsedNs = System.nanoTime() - start;
    cpuNs = threads.getCurrentThreadCpuTime() - cpuNs;
    bytes = threads.getThreadAllocatedBytes(thread) - bytes;
    int measured = transfers - warm;
    return new Figures(measured / (elapsedNs / 1e9), measured / (cpuNs / 1e9), (double) bytes / measured,
        gcCount() - gcCount, gcMs() - gcMs);
  }

  private static long workload(Ledger ledger, int accounts, int transfers) {
    long index = setUp(ledger, accounts);
    List<Command> commands = commands(accounts, transfers);
    for (Command c : commands) {
      Result r = ledger.execute(++index, c);
      assertTrue(r.ok(), r.toString());
    }
    return index;
  }

  private static long setUp(Ledger ledger, int accounts) {
    long index = 0;
    for (int a = 0; a < accounts; a++) {
      ledger.execute(++index, new Command.OpenAccount("acct-" + a, 0, 0));
      ledger.execute(++index, new Command.Deposit("dep-" + a, "acct-" + a, 1_000_000_000L, 0));
    }
    return index;
  }

  /** As LedgerInMemory builds them. */
  private static List<Command> commands(int accounts, int transfers) {
    List<Command> commands = new ArrayList<>(transfers);
    for (int i = 0; i < transfers; i++) {
      commands.add(new Command.Transfer("t-" + i, "acct-" + (i % accounts), "acct-" + ((i * 7L + 1) % accounts),
          1, false, 0, 0));
    }
    return commands;
  }

  private static long gcCount() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  private static long gcMs() {
    long ms = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, gc.getCollectionTime());
    }
    return ms;
  }
}
