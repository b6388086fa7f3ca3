package clusternode.node.check.lock;

/**
 * The lock workload's words in {@code history.jsonl}, shared by the workload that records them and
 * the checker that reads them back (the history alone is enough to judge a run again).
 *
 * <ul>
 *   <li>{@code lease-grant}: ok's result is the lease id.
 *   <li>{@code acquire}: key is the lock, value the lease; ok's result is the fencing token; fail
 *       (408) means not held within the wait.
 *   <li>{@code guarded-write}: key is the guarded key, value the (unique) value written, expected
 *       the fencing token it carried; fail with error {@link #FENCED} is a 409.
 *   <li>{@code release}: key is the lock, value the token.
 *   <li>{@code lease-revoke}, {@code lease-abandon} (keepalives stopped on purpose: the lease is
 *       left to expire): value is the lease.
 *   <li>{@code keepalive} (process {@code k<n>}, beside client {@code c<n>}): value is the lease.
 *   <li>process {@link #FINAL}: after the heal, an {@code acquire} that must succeed within the
 *       bound, and a {@code read} of the guarded key.
 * </ul>
 */
public final class LockOps {
  public static final String LEASE_GRANT = "lease-grant";
  public static final String ACQUIRE = "acquire";
  public static final String WRITE = "guarded-write";
  public static final String RELEASE = "release";
  public static final String REVOKE = "lease-revoke";
  public static final String ABANDON = "lease-abandon";
  public static final String KEEPALIVE = "keepalive";
  public static final String READ = "read";
  public static final String FINAL = "final";
  /** The error of a guarded write refused with 409: a newer token exists (or the lock is not held by it). */
  public static final String FENCED = "fenced";

  private LockOps() {}
}
