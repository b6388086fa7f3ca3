package clusternode.node.bench;

import clusternode.protocols.ledger.core.Command;
import clusternode.protocols.ledger.core.Ledger;
import clusternode.protocols.ledger.core.Result;
import java.util.ArrayList;
import java.util.List;

/** The ledger core alone on one thread: transfers per second with no log, network or JSON. */
final class LedgerInMemory {
  private LedgerInMemory() {}

  static double transfersPerSecond(int accounts, int transfers) {
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
    long start = System.nanoTime();
    for (int i = warm; i < transfers; i++) {
      Result r = ledger.execute(++index, commands.get(i));
      if (!r.ok()) {
        throw new IllegalStateException("bench transfer rejected: " + r);
      }
    }
    return (transfers - warm) / ((System.nanoTime() - start) / 1e9);
  }
}
