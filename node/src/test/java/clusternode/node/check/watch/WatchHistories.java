package clusternode.node.check.watch;

import clusternode.node.check.Event;
import clusternode.node.check.History;
import java.util.ArrayList;
import java.util.List;

/** Builds watch-run histories by hand for the checker's tests: every call happens after the one before. */
final class WatchHistories {
  private final List<Event> events = new ArrayList<>();
  private long now;

  private WatchHistories op(String process, String f, String key, String value, String type, String result,
      String error) {
    Event in = Event.invoke(process, f, key, value, null, "n1", now++);
    events.add(in);
    events.add(in.complete(type, result, error, now++));
    return this;
  }

  WatchHistories setupRange(long revision) {
    return op(WatchOps.SETUP, WatchOps.RANGE, "w/", null, Event.OK, "{\"revision\":" + revision + ",\"kvs\":[]}", null);
  }

  WatchHistories put(String process, String key, String value, long revision) {
    return op(process, WatchOps.PUT, key, value, Event.OK, Long.toString(revision), null);
  }

  WatchHistories delete(String process, String key, long revision) {
    return op(process, WatchOps.DELETE, key, null, Event.OK, Long.toString(revision), null);
  }

  WatchHistories putFailed(String process, String key, String value) {
    return op(process, WatchOps.PUT, key, value, Event.FAIL, null, "not sent: ConnectException");
  }

  WatchHistories putUnknown(String process, String key, String value) {
    return op(process, WatchOps.PUT, key, value, Event.INFO, null, "no answer: HttpTimeoutException");
  }

  WatchHistories open(String watcher, long fromRevision) {
    return op(watcher, WatchOps.OPEN, "w/", Long.toString(fromRevision), Event.OK, null, null);
  }

  WatchHistories event(String watcher, String type, String key, String value, long revision) {
    String data = "{\"type\":\"" + type + "\",\"key\":\"" + key + "\""
        + (value == null ? "" : ",\"value\":\"" + value + "\"") + ",\"modRevision\":" + revision + "}";
    return op(watcher, WatchOps.EVENT, key, value, Event.OK, data, null);
  }

  WatchHistories progress(String watcher, long revision) {
    return op(watcher, WatchOps.OTHER, null, "progress", Event.OK, "{\"revision\":" + revision + "}", null);
  }

  WatchHistories end(String watcher, String why) {
    return op(watcher, WatchOps.END, null, null, Event.INFO, null, why);
  }

  WatchHistories caughtUp(String watcher, long revision) {
    return op(watcher, WatchOps.CAUGHT_UP, null, Long.toString(revision), Event.OK, null, null);
  }

  WatchHistories stuck(String watcher, long target) {
    return op(watcher, WatchOps.CAUGHT_UP, null, Long.toString(target), Event.FAIL, null, "still at 13 after 30 s");
  }

  WatchHistories finalRange(long revision, String... keyValues) {
    StringBuilder kvs = new StringBuilder();
    for (int i = 0; i < keyValues.length; i += 2) {
      kvs.append(i == 0 ? "" : ",").append("{\"key\":\"").append(keyValues[i]).append("\",\"value\":\"")
          .append(keyValues[i + 1]).append("\"}");
    }
    return op("final", WatchOps.RANGE, "w/", null, Event.OK, "{\"revision\":" + revision + ",\"kvs\":[" + kvs + "]}",
        null);
  }

  History history() {
    return History.of(events);
  }
}
