package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clusternode.node.check.lock.LockOps;
import clusternode.node.check.watch.WatchOps;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A lock or watch run that acknowledged nothing proves nothing: no verdict, not VALID. */
class CoordJudgementTest {
  private final List<Event> events = new ArrayList<>();
  private long now;

  private void op(String process, String f, String key, String value, String expected, String type, String result,
      String error) {
    Event in = Event.invoke(process, f, key, value, expected, "n1", now++);
    events.add(in);
    events.add(in.complete(type, result, error, now++));
  }

  @Test
  void aLockRunWithoutAnAcknowledgedWriteHasNoVerdict() {
    op("c0", LockOps.ACQUIRE, "L", "1", null, Event.OK, "10", null);
    op("c0", LockOps.WRITE, "K", "c0-0", "10", Event.FAIL, null, "status 404");
    assertEquals("UNKNOWN", CoordJudgement.lock(History.of(events).operations()).verdict());
    op("c0", LockOps.WRITE, "K", "c0-1", "10", Event.OK, null, null);
    assertEquals("VALID", CoordJudgement.lock(History.of(events).operations()).verdict());
    op("c1", LockOps.ACQUIRE, "L", "2", null, Event.OK, "9", null); // a token that went down
    assertEquals("INVALID", CoordJudgement.lock(History.of(events).operations()).verdict());
  }

  @Test
  void aWatchRunWhoseWritesAllFailedHasNoVerdict() {
    op("c0", WatchOps.PUT, "w/a", "c0-0", null, Event.FAIL, null, "status 404");
    op("c5", WatchOps.OPEN, "w/", "1", null, Event.OK, null, null);
    assertEquals("UNKNOWN", CoordJudgement.watch(History.of(events).operations()).verdict());
    op("c0", WatchOps.PUT, "w/a", "c0-1", null, Event.OK, "3", null);
    op("c5", WatchOps.EVENT, "w/a", "c0-1", null, Event.OK,
        "{\"type\":\"put\",\"key\":\"w/a\",\"value\":\"c0-1\",\"modRevision\":3}", null);
    assertEquals("VALID", CoordJudgement.watch(History.of(events).operations()).verdict());
    op("c5", WatchOps.EVENT, "w/a", "c0-1", null, Event.OK,
        "{\"type\":\"put\",\"key\":\"w/a\",\"value\":\"c0-1\",\"modRevision\":3}", null); // again: a duplicate
    assertEquals("INVALID", CoordJudgement.watch(History.of(events).operations()).verdict());
  }
}
