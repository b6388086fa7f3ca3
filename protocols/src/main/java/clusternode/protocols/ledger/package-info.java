/**
 * The event-sourced, double-entry ledger (DESIGN.md, "The ledger"), run as a state machine of
 * the ordering protocol named in {@code cluster-node.ledger.ordering} (raft or pbft).
 *
 * <ul>
 *   <li>{@code core}: the pure ledger. {@link clusternode.protocols.ledger.core.Command}s are
 *       validated into {@link clusternode.protocols.ledger.core.Event}s (or rejected with a
 *       {@link clusternode.protocols.ledger.core.Reasons reason}); the state is their fold, and
 *       its invariants are checked after every event, in production too: no account's available
 *       balance ({@code balance - pending}) below {@code -limit}; the sum of all balances equals
 *       deposits minus withdrawals; pending transfers, reserved amounts and incoming amounts agree.
 *   <li>{@link clusternode.protocols.ledger.LedgerStateMachine}: the core behind the
 *       {@code StateMachine} contract, JSON in and out.
 *   <li>{@link clusternode.protocols.ledger.LedgerRoutes}: the HTTP API, through
 *       {@code Replicated}; {@link clusternode.protocols.ledger.LedgerProvider}: the protocol.
 * </ul>
 *
 * <p><b>History and snapshots.</b> Each replica keeps the newest
 * {@code Ledger.DEFAULT_RETAIN_EVENTS} (100,000) events in memory, with each account's state
 * after each of them; older events are dropped (a count-based, deterministic bound, the same on
 * every replica). {@code asOf} reads work for any index or time at or after the newest dropped
 * event (older ones answer 410 {@code history_truncated}); history pages list the retained events
 * ({@code truncated: true} when older ones were dropped). A snapshot holds the whole state
 * including the retained events and every idempotency key with its first result, so a replica
 * restored from a snapshot answers every read and retry exactly as one that replayed the whole
 * log; the state digest (SHA-256 of the canonical snapshot) proves it. Idempotency keys are kept
 * forever (about 200 bytes each), like TigerBeetle's transfer ids.
 *
 * <p><b>Time.</b> The proposer (the HTTP route) stamps its wall clock into each command; ledger
 * time is the largest stamp seen, so it never goes back. Pending transfers with a timeout expire
 * when a command (any command, or a {@code tick}) carries a time at or after their deadline.
 */
package clusternode.protocols.ledger;
