package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.node.check.lock.LockCheck;
import clusternode.node.check.lock.LockOps;
import clusternode.node.ctl.NodeClient;
import clusternode.protocols.peers.Peer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The lock workload against a one-node stand-in of the contract: its requests (leases, acquire,
 * guarded writes with the fencing headers, release) are understood, the history it records is
 * judged VALID, and a server that hands out shrinking tokens is caught.
 */
class LockWorkloadTest {
  private static History run(FakeLockServer server, int cyclesPerClient) throws Exception {
    Peer peer = new Peer("n1", "127.0.0.1", 1, server.port());
    Nodes nodes = new Nodes(List.of(peer), (token, timeout) -> new NodeClient(token, timeout), Duration.ofSeconds(8));
    LockWorkload workload = new LockWorkload(nodes, null);
    History history = History.inMemory();
    workload.setup(history);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      Client client = new Client(c, nodes, history, new Random(c));
      Workload.Steps steps = workload.client(client);
      Thread t = new Thread(() -> {
        for (int i = 0; i < cyclesPerClient; i++) {
          steps.next();
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join(60_000);
    }
    assertTrue(workload.finish(history, List.of(peer)).isEmpty());
    return history;
  }

  @Test
  void itsHistoryAgainstAServerThatKeepsTheContractIsValid() throws Exception {
    try (FakeLockServer server = new FakeLockServer(false)) {
      List<History.Operation> ops = run(server, 3).operations();
      LockCheck.Result r = LockCheck.check(ops, LockWorkload.LIVE_WITHIN);
      assertTrue(r.valid(), r.violations().toString());
      assertTrue(((Number) r.stats().get("acquiresAcknowledged")).intValue() >= 4, r.stats().toString());
      assertTrue(((Number) r.stats().get("writesAcknowledged")).intValue() >= 3, r.stats().toString());
      assertTrue(ops.stream().anyMatch(o -> o.invoke().process().equals(LockOps.FINAL)
          && o.invoke().f().equals(LockOps.ACQUIRE) && o.type().equals(Event.OK)), "the lock was taken after the run");
      assertTrue(ops.stream().anyMatch(o -> o.invoke().f().equals(LockOps.KEEPALIVE) && o.type().equals(Event.OK)),
          "keepalives went out and were answered");
    }
  }

  @Test
  void aServerWhoseTokensShrinkIsCaught() throws Exception {
    try (FakeLockServer server = new FakeLockServer(true)) {
      LockCheck.Result r = LockCheck.check(run(server, 1).operations(), LockWorkload.LIVE_WITHIN);
      assertEquals(false, r.valid());
      assertTrue(r.violations().stream().anyMatch(v -> v.startsWith("tokens must only grow")), r.violations().toString());
    }
  }
}
