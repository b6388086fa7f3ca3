package clusternode.gossip.core;

import clusternode.gossip.crdt.Crdt;
import clusternode.gossip.crdt.VectorClock;
import clusternode.protocols.CborSerializable;
import java.util.List;
import java.util.Map;

/** What replicas of the CRDT store say to each other: anti-entropy, replicated writes and quorum reads. */
public sealed interface SyncMessage extends CborSerializable {
  String from();

  /** Push-pull, step 1: the sender's version of every key. */
  record Digest(String from, Map<String, VectorClock> versions) implements SyncMessage {}

  /**
   * Push-pull, steps 2 and 3: the states the receiver lacks, the keys the sender wants, and
   * (in step 2) the sender's own digest so the receiver learns what it holds.
   */
  record States(String from, Map<String, Versioned> states, List<String> wanted, Map<String, VectorClock> versions)
      implements SyncMessage {}

  /**
   * A write's delta. It applies only where the receiver's version covers {@code since}, the
   * writer's version before the write; then the receiver's version becomes at least {@code after}.
   */
  record Delta(String from, long requestId, String key, Crdt<?> delta, VectorClock since, VectorClock after)
      implements SyncMessage {}

  /** The whole state of a key, sent when a delta could not apply. */
  record Replicate(String from, long requestId, String key, Versioned state) implements SyncMessage {}

  /** A replica holds write {@code requestId}, or ({@code applied = false}) needs the whole state. */
  record WriteAck(String from, long requestId, String key, VectorClock version, boolean applied)
      implements SyncMessage {}

  /** A quorum read asks for a replica's state of {@code key}. */
  record Read(String from, long requestId, String key) implements SyncMessage {}

  /** The answer to a read; {@code state} is null if the replica has never seen the key. */
  record ReadReply(String from, long requestId, String key, Versioned state) implements SyncMessage {}
}
