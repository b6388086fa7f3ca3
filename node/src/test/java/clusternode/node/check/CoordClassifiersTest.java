package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import clusternode.node.check.lock.LockOps;
import clusternode.node.check.watch.WatchOps;
import clusternode.node.ctl.NodeClient.Answer;
import org.junit.jupiter.api.Test;

/**
 * How the lock and watch workloads read the nodes' answers: what is certainly applied, certainly
 * not, or unknown. A wrong class here would make the checkers judge the wrong history.
 */
class CoordClassifiersTest {
  private static final Event IN = Event.invoke("c0", "f", "k", "v", null, "n1", 1);

  @Test
  void anAcquireIsHeldOnlyWithAToken() {
    Event held = LockWorkload.acquired(IN, new Answer(200, "{\"name\":\"L\",\"fencingToken\":42}"), 2);
    assertEquals(Event.OK, held.type());
    assertEquals("42", held.result());
    assertEquals(Event.INFO, LockWorkload.acquired(IN, new Answer(200, "{\"name\":\"L\"}"), 2).type(),
        "held, the node says, but with which token? unknown");
    assertEquals(Event.FAIL, LockWorkload.acquired(IN, new Answer(408, "{\"error\":\"not held\"}"), 2).type());
    assertEquals(Event.INFO, LockWorkload.acquired(IN, new Answer(503, "{\"error\":\"no quorum\"}"), 2).type());
  }

  @Test
  void aGuardedWriteRefusedWith409IsFenced() {
    assertEquals(Event.OK, LockWorkload.written(IN, new Answer(200, "{\"revision\":9}"), 2).type());
    Event fenced = LockWorkload.written(IN, new Answer(409, "{\"error\":\"a newer fencing token\"}"), 2);
    assertEquals(Event.FAIL, fenced.type());
    assertEquals(LockOps.FENCED, fenced.error());
    assertEquals(Event.INFO, LockWorkload.written(IN, new Answer(503, "{}"), 2).type());
  }

  @Test
  void aWatchWriteCarriesItsRevisionAndADeleteOfNothingChangesNothing() {
    Event put = WatchWorkload.put(IN, new Answer(200, "{\"revision\":17}"), 2);
    assertEquals(Event.OK, put.type());
    assertEquals("17", put.result());
    assertNull(WatchWorkload.put(IN, new Answer(200, "OK"), 2).result(), "no revision named: judged by the reference");
    assertEquals(Event.FAIL, WatchWorkload.put(IN, new Answer(404, "{\"error\":\"The requested resource could not "
        + "be found.\"}"), 2).type(), "no such route: nothing applied");
    assertEquals(Event.INFO, WatchWorkload.put(IN, new Answer(503, "{}"), 2).type());
    Event noop = WatchWorkload.deleted(IN, new Answer(404, "{\"error\":\"no such key\",\"status\":404}"), 2);
    assertEquals(Event.OK, noop.type());
    assertEquals(WatchOps.NO_CHANGE, noop.result());
    assertEquals("18", WatchWorkload.deleted(IN, new Answer(200, "{\"deleted\":true,\"revision\":18}"), 2).result());
    assertEquals("watch-x%2Fk1", WatchWorkload.inPath("watch-x/k1"));
  }
}
