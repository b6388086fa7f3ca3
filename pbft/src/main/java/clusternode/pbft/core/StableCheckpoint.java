package clusternode.pbft.core;

import clusternode.pbft.core.PbftMessage.Checkpoint;
import java.util.List;

/** A checkpoint proven by 2f+1 matching checkpoint messages: the state bytes, their digest, and the proof. */
public record StableCheckpoint(long seq, String digest, byte[] state, List<Checkpoint> proof) {
  public StableCheckpoint {
    if (!Canon.sha256(state).equals(digest)) {
      throw new IllegalStateException("checkpoint " + seq + ": state does not match its digest " + digest);
    }
  }
}
