package clusternode.pbft.core;

import clusternode.pbft.core.PbftMessage.PrePrepare;
import clusternode.pbft.core.PbftMessage.PreparedProof;

/**
 * What a replica persists before it sends what depends on it: the view it is in (or trying to
 * enter), each pre-prepare it accepted (before its prepare), each prepared certificate (before its
 * commit) and each sequence number committed. After a crash of every replica these let the
 * cluster keep every promise a client saw. {@link Committed} only spares a recovering replica the
 * re-collection of commits: it backs no message, so the shell may send a Ready's messages before a
 * Ready holding nothing but Committed records is durable (see {@code PbftReplica}).
 */
public sealed interface LogRecord {
  /** The sequence number this record is about; 0 for view records (never garbage collected by seq). */
  long seq();

  /** {@code active} false: the replica sent a view change for {@code view} and awaits its new-view. */
  record ViewEntered(long view, boolean active) implements LogRecord {
    @Override
    public long seq() {
      return 0;
    }
  }

  record PrePrepared(PrePrepare prePrepare) implements LogRecord {
    @Override
    public long seq() {
      return prePrepare.seq();
    }
  }

  record Prepared(PreparedProof proof) implements LogRecord {
    @Override
    public long seq() {
      return proof.prePrepare().seq();
    }
  }

  record Committed(long view, long seq, String digest) implements LogRecord {}
}
