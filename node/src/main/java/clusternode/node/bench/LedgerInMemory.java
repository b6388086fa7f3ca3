package clusternode.node.bench;

import clusternode.protocols.ledger.core.Command;
import clusternode.protocols.ledger.core.Ledger;
import clusternode.protocols.ledger.core.Result;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/** The ledger core alone on one thread: transfers per second with no log, network or JSON. */
final class LedgerInMemory {
  /**
   * @param perSecond transfers per second of wall-clock time
   * @param perCpuSecond transfers per second of this thread's CPU time: the "one core" figure, which
   *     other processes on a shared machine cannot lower (garbage collection runs on other threads)
   */
  record Rate(double perSecond, double perCpuSecond) {}

  private LedgerInMemory() {}

  static Rate transfersPerSecond(int accounts, int transfers) {
    Ledger ledger = new Ledger();
    long index = 0;
    for (int a = 0; a < accounts; a++) {
      ledger.execute(++index, new Command.OpenAccount("acct-" + a, 0, 0));
      ledger.execute(++index, new Command.Deposit("dep-" + a, "acct-" + a, 1_000_000_000L, 0));
    }
    // Commands are built before the clock starts: the figure is the ledger's, not the allocator's.
    List<Command> commands = new ArrayList<>(transfers);
    for (int i = 0; i < transfers; i++) {
      commands.add(new Command.Transfer("t-" + i, "acct-" + (i % accounts), "acct-" + ((i * 7L + 1) % accounts),
          1, false, 0, 0));
    }
    int warm = transfers / 5;
    for (int i = 0; i < warm; i++) {
      ledger.execute(++index, commands.get(i));
    }
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long startCpu = cpu.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    for (int i = warm; i < transfers; i++) {
      Result r = ledger.execute(++index, commands.get(i));
      if (!r.ok()) {
        throw new IllegalStateException("bench transfer rejected: " + r);
      }
    }
    double wall = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (cpu.getCurrentThreadCpuTime() - startCpu) / 1e9;
    return new Rate((transfers - warm) / wall, (transfers - warm) / cpuSeconds);
  }
}
