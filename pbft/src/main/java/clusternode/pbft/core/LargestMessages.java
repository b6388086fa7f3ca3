package clusternode.pbft.core;

import clusternode.pbft.core.PbftMessage.Checkpoint;
import clusternode.pbft.core.PbftMessage.NewView;
import clusternode.pbft.core.PbftMessage.PrePrepare;
import clusternode.pbft.core.PbftMessage.Prepare;
import clusternode.pbft.core.PbftMessage.PreparedProof;
import clusternode.pbft.core.PbftMessage.ViewChange;
import clusternode.pbft.core.PbftMessage.ViewChangeRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The largest VIEW-CHANGE and NEW-VIEW that {@link PbftRules#checkViewChange} lets through for a
 * configuration, so start-up can check that they fit one transport frame. Their size grows with
 * the log window L and with f: a view change holds up to L prepared certificates of 1 + 2f signed
 * messages, and a new-view 2f+1 view change digests plus up to L pre-prepares. Every field is at
 * its widest: the longest replica id, numbers that need 8 bytes, {@code signatureBytes} signatures.
 */
public final class LargestMessages {
  private static final long WIDE = Long.MAX_VALUE / 2;
  private static final String DIGEST = "f".repeat(PbftRules.DIGEST_CHARS);

  private LargestMessages() {}

  /** With {@code slots} prepared certificates; {@code config.logWindow()} is the most a valid one holds. */
  public static ViewChange viewChange(PbftConfig config, int signatureBytes, int slots) {
    String id = longestId(config);
    byte[] sig = new byte[signatureBytes];
    List<Checkpoint> proof = new ArrayList<>();
    for (int i = 0; i < 2 * config.f() + 1; i++) {
      proof.add(new Checkpoint(id, WIDE, DIGEST, sig));
    }
    List<PreparedProof> prepared = new ArrayList<>();
    for (int i = 1; i <= slots; i++) {
      List<Prepare> prepares = new ArrayList<>();
      for (int j = 0; j < 2 * config.f(); j++) {
        prepares.add(new Prepare(id, WIDE, WIDE + i, DIGEST, sig));
      }
      prepared.add(new PreparedProof(prePrepare(id, i, sig), prepares));
    }
    return new ViewChange(id, WIDE, WIDE, proof, prepared, sig);
  }

  /** With {@code slots} re-proposed pre-prepares; {@code config.logWindow()} is the most a valid one holds. */
  public static NewView newView(PbftConfig config, int signatureBytes, int slots) {
    String id = longestId(config);
    byte[] sig = new byte[signatureBytes];
    List<ViewChangeRef> votes = new ArrayList<>();
    for (int i = 0; i < 2 * config.f() + 1; i++) {
      votes.add(new ViewChangeRef(id, DIGEST));
    }
    List<PrePrepare> prePrepares = new ArrayList<>();
    for (int i = 1; i <= slots; i++) {
      prePrepares.add(prePrepare(id, i, sig));
    }
    return new NewView(id, WIDE, votes, prePrepares, sig);
  }

  /** Stripped, as view changes and new-views carry them (their batches are fetched separately). */
  private static PrePrepare prePrepare(String id, long i, byte[] sig) {
    return new PrePrepare(id, WIDE, WIDE + i, DIGEST, List.of(), WIDE, sig);
  }

  private static String longestId(PbftConfig config) {
    return config.replicas().stream()
        .max(Comparator.comparingInt(r -> r.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)).orElseThrow();
  }
}
