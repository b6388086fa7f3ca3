/**
 * The pure Raft core: one server as a deterministic state machine, with no Akka, no clock, no
 * threads and no I/O (DESIGN.md, "pure core, thin actor shell"; the shape of etcd's raft).
 *
 * <h2>Driving it from a shell</h2>
 *
 * <pre>{@code
 * RaftCore core = new RaftCore(config, selfId, recoveredFromDisk, new Random(seed));
 * // on a private Tick every 10 ms:      core.tick();
 * // on a RaftMessage from a peer:       core.step(m);
 * // on a client command:                Proposal p = core.propose(bytes);   // or forward to p's leader hint
 * // on a linearizable read:             core.readIndex(requestId);
 * // after every input:
 * while (core.hasReady()) {
 *   Ready rd = core.ready();
 *   send(rd.messagesNow());                                   // before the fsync: leader traffic only
 *   disk.write(rd.hardState(), rd.installedSnapshot(), rd.compactedSnapshot(),
 *              rd.truncateFromIndex(), rd.entriesToPersist()); // then fsync (group commit)
 *   send(rd.messagesAfterPersist());                          // votes and acks promise durable state
 *   if (rd.installedSnapshot() != null) stateMachine.restore(rd.installedSnapshot().data());
 *   for (Entry e : rd.committedEntries()) if (e.type() == EntryType.COMMAND) stateMachine.apply(e);
 *   serve(rd.readStates());        // each once the state machine applied >= its index
 *   forwardOrFail(rd.rejectedReads());
 *   core.advance(rd);              // = persisted(last entry) + applied(last committed entry)
 * }
 * // now and then, after a state machine snapshot at applied index i:  core.compact(i, bytes);
 * }</pre>
 *
 * <p>A shell that fsyncs asynchronously calls {@link clusternode.raft.core.RaftCore#persisted} and
 * {@link clusternode.raft.core.RaftCore#applied} itself instead of {@code advance}, keeping the
 * order: the messagesAfterPersist of a Ready go out only after its own fsync.
 *
 * <p>Invariants (commit index never decreases, committed entries are never truncated, log indexes
 * are contiguous and terms never decrease, one vote per term, one leader per term as seen by a
 * leader) are checked with explicit exceptions that stay on in production: an {@link
 * java.lang.IllegalStateException} from the core means the node must stop, not retry.
 */
package clusternode.raft.core;
