package clusternode.protocols.ledger.core;

/** An account's state right after {@code event}: one point of its history and of as-of reads. */
record Touch(Event event, long balance, long pendingOut, long pendingIn) {}
