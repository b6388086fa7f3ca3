package clusternode.node.check.watch;

/**
 * The watch workload's words in {@code history.jsonl}, shared by the workload that records them and
 * the checker that reads them back, so the history alone is enough to judge a run again.
 *
 * <ul>
 *   <li>{@code put} / {@code delete} (writers): key, value; ok's result is the revision the node
 *       answered ({@link #NO_CHANGE} for a delete of an absent key).
 *   <li>{@code watch-open}: value is the {@code fromRevision} asked for; ok once the stream's
 *       headers came with 200.
 *   <li>{@code watch-event}: one change received; result is the raw {@code data} payload.
 *   <li>{@code watch-other}: any other message (progress, error); value is its SSE event name,
 *       result its data.
 *   <li>{@code watch-end}: the stream ended; error says why.
 *   <li>{@code watch-caught-up}: value is a revision up to which the watcher is known to have been
 *       sent everything (it received an event or progress at or past it).
 *   <li>{@code range} (process {@code final}): the final {@code GET /kv?prefix=}; result is the
 *       answer's JSON.
 * </ul>
 * The reference stream (a final watch from the first revision on a healthy node) is recorded by
 * process {@link #REFERENCE}.
 */
public final class WatchOps {
  public static final String PUT = "put";
  public static final String DELETE = "delete";
  public static final String OPEN = "watch-open";
  public static final String EVENT = "watch-event";
  public static final String OTHER = "watch-other";
  public static final String END = "watch-end";
  public static final String CAUGHT_UP = "watch-caught-up";
  public static final String RANGE = "range";
  public static final String REFERENCE = "final-watch";
  public static final String NO_CHANGE = "none";
  public static final String SETUP = "setup";

  private WatchOps() {}

  public static boolean isStreamOp(String f) {
    return f.startsWith("watch-");
  }
}
