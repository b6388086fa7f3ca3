package clusternode.raft.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Client sessions (dissertation §6.3): at-most-once application of retried commands. */
class ClientSessionsTest {

  @Test
  void retriedCommandGetsStoredResultAndIsNotAppliedTwice() {
    // Dissertation §6.3: "If it receives a command whose serial number has already been executed,
    // it responds immediately without re-executing the request."
    ClientSessions s = new ClientSessions(100);
    assertEquals(ClientSessions.Status.NEW, s.lookup("c1", 1).status());
    s.record("c1", 1, "r1".getBytes(), 10);
    ClientSessions.Lookup again = s.lookup("c1", 1);
    assertEquals(ClientSessions.Status.DUPLICATE, again.status());
    assertArrayEquals("r1".getBytes(), again.result());
    assertEquals(ClientSessions.Status.STALE, s.lookup("c1", 0).status());
    assertEquals(ClientSessions.Status.NEW, s.lookup("c1", 2).status());
    assertEquals(ClientSessions.Status.NEW, s.lookup("c2", 1).status());
  }

  @Test
  void recordingOutOfOrderIsABug() {
    ClientSessions s = new ClientSessions(100);
    s.record("c1", 5, new byte[0], 10);
    assertThrows(IllegalStateException.class, () -> s.record("c1", 5, new byte[0], 11));
  }

  @Test
  void idleSessionsAreEvictedDeterministically() {
    ClientSessions s = new ClientSessions(10);
    s.record("old", 1, new byte[0], 1);
    s.record("busy", 1, new byte[0], 5);
    s.record("busy", 2, new byte[0], 11);
    assertEquals(2, s.size(), "old is exactly 10 entries idle: kept");
    s.record("busy", 3, new byte[0], 12);
    assertEquals(1, s.size(), "old is 11 entries idle: evicted");
    assertEquals(ClientSessions.Status.NEW, s.lookup("old", 1).status(), "the price of eviction");
  }

  @Test
  void snapshotRoundTripKeepsResultsAndEvictionOrder() {
    ClientSessions s = new ClientSessions(10);
    s.record("a", 1, "x".getBytes(), 1);
    s.record("b", 7, "y".getBytes(), 2);
    s.record("a", 2, "z".getBytes(), 3);
    ClientSessions r = ClientSessions.fromBytes(s.toBytes(), 10);
    assertArrayEquals(s.toBytes(), r.toBytes());
    assertArrayEquals("z".getBytes(), r.lookup("a", 2).result());
    r.evictIdle(13);
    assertEquals(ClientSessions.Status.NEW, r.lookup("b", 7).status(), "b (index 2) evicted first");
    assertEquals(ClientSessions.Status.DUPLICATE, r.lookup("a", 2).status());
    assertThrows(IllegalArgumentException.class, () -> ClientSessions.fromBytes(new byte[] {0, 0, 0, 1}, 10));
  }
}
