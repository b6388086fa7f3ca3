package clusternode.pbft.core;

import clusternode.pbft.core.PbftMessage.Checkpoint;
import clusternode.pbft.core.PbftMessage.Commit;
import clusternode.pbft.core.PbftMessage.PrePrepare;
import clusternode.pbft.core.PbftMessage.Prepare;
import clusternode.pbft.core.PbftMessage.PreparedProof;
import clusternode.pbft.core.PbftMessage.Request;
import clusternode.pbft.core.PbftMessage.ViewChange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rules of PBFT as pure functions over messages, so tests can check each one alone. Section
 * numbers refer to Castro and Liskov, "Practical Byzantine Fault Tolerance", OSDI '99.
 */
public final class PbftRules {
  public static final String NULL_DIGEST = Canon.sha256(new Canon("null-request").bytes());
  /** A digest's length: SHA-256 in hex. */
  public static final int DIGEST_CHARS = 64;

  private PbftRules() {}

  /** The digest of a batch: over its requests' digests in order; the empty batch is the null request (§4.4). */
  public static String batchDigest(List<Request> batch) {
    return batchDigest(batch, 0);
  }

  public static String batchDigest(List<Request> batch, long nonce) {
    if (batch.isEmpty() && nonce == 0) {
      return NULL_DIGEST;
    }
    Canon c = new Canon("batch").num(nonce).num(batch.size());
    for (Request r : batch) {
      c.str(r.digest());
    }
    return Canon.sha256(c.bytes());
  }

  /**
   * Whether {@code pp} travels without its batch (inside view changes and new-views, as in §4.4,
   * which carry pre-prepares "without m"): empty, yet its digest is not the null request's.
   */
  public static boolean stripped(PrePrepare pp) {
    return pp.batch().isEmpty() && !pp.digest().equals(batchDigest(List.of(), pp.nonce()));
  }

  /** The pre-prepare without its requests; the signature still holds, since it covers the digest only. */
  public static PrePrepare strip(PrePrepare pp) {
    return pp.batch().isEmpty() ? pp
        : new PrePrepare(pp.from(), pp.view(), pp.seq(), pp.digest(), List.of(), pp.nonce(), pp.signature());
  }

  /** How a NEW-VIEW names {@code vc}: its sender and the digest of its signed bytes. */
  public static PbftMessage.ViewChangeRef ref(ViewChange vc) {
    return new PbftMessage.ViewChangeRef(vc.from(), Canon.sha256(vc.signed()));
  }

  /** §4.2: sequence numbers are accepted between the low water mark h (exclusive) and H = h + L. */
  public static boolean inWindow(long seq, long lowWater, int logWindow) {
    return seq > lowWater && seq <= lowWater + logWindow;
  }

  /**
   * §4.2 prepared(m, v, n, i): the pre-prepare and 2f prepares from distinct backups (not the
   * primary) that match its view, sequence number and digest. Returns those prepares, or null.
   * Signatures are assumed checked.
   */
  public static List<Prepare> preparedCertificate(PrePrepare pp, Collection<Prepare> prepares, PbftConfig config) {
    if (pp == null) {
      return null;
    }
    String primary = config.primary(pp.view());
    List<Prepare> matching = new ArrayList<>();
    Set<String> senders = new HashSet<>();
    for (Prepare p : prepares) {
      if (p.view() == pp.view() && p.seq() == pp.seq() && p.digest().equals(pp.digest())
          && !p.from().equals(primary) && config.replicas().contains(p.from()) && senders.add(p.from())) {
        matching.add(p);
      }
    }
    if (matching.size() < 2 * config.f()) {
      return null;
    }
    matching.sort(java.util.Comparator.comparing(Prepare::from));
    return List.copyOf(matching.subList(0, 2 * config.f()));
  }

  /** §4.2 committed-local: prepared, and 2f+1 matching commits from distinct replicas (possibly its own). */
  public static boolean committedLocal(PrePrepare pp, Collection<Prepare> prepares, Collection<Commit> commits,
      PbftConfig config) {
    if (preparedCertificate(pp, prepares, config) == null) {
      return false;
    }
    Set<String> senders = new HashSet<>();
    for (Commit c : commits) {
      if (c.view() == pp.view() && c.seq() == pp.seq() && c.digest().equals(pp.digest())
          && config.replicas().contains(c.from())) {
        senders.add(c.from());
      }
    }
    return senders.size() >= 2 * config.f() + 1;
  }

  /**
   * §4.3: 2f+1 checkpoint messages from distinct replicas for the same sequence number and
   * digest make a checkpoint stable. Returns the proof for {@code seq}, or null.
   */
  public static List<Checkpoint> stableProof(long seq, Collection<Checkpoint> checkpoints, PbftConfig config) {
    TreeMap<String, List<Checkpoint>> byDigest = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (Checkpoint c : checkpoints) {
      if (c.seq() == seq && config.replicas().contains(c.from()) && seen.add(c.from() + "|" + c.digest())) {
        byDigest.computeIfAbsent(c.digest(), d -> new ArrayList<>()).add(c);
      }
    }
    for (List<Checkpoint> group : byDigest.values()) {
      long distinct = group.stream().map(Checkpoint::from).distinct().count();
      if (distinct >= 2 * config.f() + 1) {
        group.sort(java.util.Comparator.comparing(Checkpoint::from));
        return List.copyOf(group.subList(0, 2 * config.f() + 1));
      }
    }
    return null;
  }

  /** Null when {@code proof} (signatures included) proves a stable checkpoint at {@code seq}, else why not. */
  public static String checkStableProof(long seq, List<Checkpoint> proof, PbftConfig config, Crypto crypto) {
    if (seq == 0) {
      return proof.isEmpty() ? null : "a proof for checkpoint 0";
    }
    if (seq % config.checkpointInterval() != 0) {
      return "checkpoint " + seq + " is not a multiple of " + config.checkpointInterval();
    }
    for (Checkpoint c : proof) {
      if (!crypto.verify(c.from(), c.signed(), c.signature())) {
        return "bad signature on the checkpoint of " + c.from();
      }
    }
    List<Checkpoint> stable = stableProof(seq, proof, config);
    return stable == null ? "fewer than 2f+1 matching checkpoints for " + seq : null;
  }

  /** Null when the pre-prepare is well formed: signed by its view's primary, digest of its batch, requests signed. */
  public static String checkPrePrepare(PrePrepare pp, PbftConfig config, Crypto crypto,
      java.util.function.Predicate<Request> requestValid) {
    return checkPrePrepare(pp, config, crypto, requestValid, false);
  }

  /** As above; {@code allowStripped}: a pre-prepare without its batch passes on its signature alone. */
  public static String checkPrePrepare(PrePrepare pp, PbftConfig config, Crypto crypto,
      java.util.function.Predicate<Request> requestValid, boolean allowStripped) {
    if (!pp.from().equals(config.primary(pp.view()))) {
      return "pre-prepare from " + pp.from() + ", not the primary of view " + pp.view();
    }
    if (!crypto.verify(pp.from(), pp.signed(), pp.signature())) {
      return "bad-signature";
    }
    if (pp.batch().size() > config.maxBatch()) {
      return "batch of " + pp.batch().size();
    }
    if (allowStripped && stripped(pp)) {
      return null;
    }
    if (!batchDigest(pp.batch(), pp.nonce()).equals(pp.digest())) {
      return "bad-digest";
    }
    Set<String> keys = new HashSet<>();
    for (Request r : pp.batch()) {
      if (!requestValid.test(r)) {
        return "bad-request";
      }
      if (!keys.add(r.key())) {
        return "request twice in a batch";
      }
    }
    return null;
  }

  /**
   * §4.4: null when the view change is valid: signed; its checkpoint proof proves its stable
   * sequence number; every prepared certificate is a signed pre-prepare of an earlier view plus 2f
   * matching signed prepares, within the window above the checkpoint, one per sequence number.
   */
  public static String checkViewChange(ViewChange vc, PbftConfig config, Crypto crypto,
      java.util.function.Predicate<Request> requestValid) {
    if (!config.replicas().contains(vc.from())) {
      return "non-member";
    }
    if (!crypto.verify(vc.from(), vc.signed(), vc.signature())) {
      return "bad-signature";
    }
    if (vc.stableSeq() < 0) {
      return "negative checkpoint";
    }
    // No larger than an honest replica's (LargestMessages): a padded one would make the new-view
    // primary's relay of it, or its start-up size bound, wrong.
    if (vc.stableProof().size() > 2 * config.f() + 1) {
      return "checkpoint proof of " + vc.stableProof().size() + " messages";
    }
    String proof = checkStableProof(vc.stableSeq(), vc.stableProof(), config, crypto);
    if (proof != null) {
      return proof;
    }
    Set<Long> seqs = new HashSet<>();
    for (PreparedProof p : vc.prepared()) {
      PrePrepare pp = p.prePrepare();
      if (pp.view() >= vc.newView() || !inWindow(pp.seq(), vc.stableSeq(), config.logWindow()) || !seqs.add(pp.seq())) {
        return "prepared certificate for view " + pp.view() + ", seq " + pp.seq() + " out of place";
      }
      if (!pp.batch().isEmpty() || pp.digest().length() != DIGEST_CHARS || p.prepares().size() != 2 * config.f()) {
        return "prepared certificate for seq " + pp.seq() + " not in its compact form (digest only, 2f prepares)";
      }
      String bad = checkPrePrepare(pp, config, crypto, requestValid, true);
      if (bad != null) {
        return "prepared certificate: " + bad;
      }
      for (Prepare q : p.prepares()) {
        if (!crypto.verify(q.from(), q.signed(), q.signature())) {
          return "prepared certificate: bad prepare signature";
        }
      }
      if (preparedCertificate(pp, p.prepares(), config) == null) {
        return "prepared certificate without 2f matching prepares";
      }
    }
    return null;
  }

  /** What a new-view re-proposes (§4.4): min-s, and for each n in (min-s, max-s] a batch and its digest. */
  public record Reproposal(long minS, StableCheckpointRef checkpoint, List<Slot> slots) {
    public record Slot(long seq, String digest, List<Request> batch, long nonce) {}
  }

  /** The view change carrying the highest stable checkpoint: its sequence number, digest and proof. */
  public record StableCheckpointRef(long seq, String digest, List<Checkpoint> proof) {}

  /**
   * §4.4 computes O: min-s is the highest stable checkpoint among the view changes; every sequence
   * number above it up to the highest prepared one gets the batch of the certificate with the
   * highest view, or the null request where none prepared. Deterministic, so backups recompute it.
   */
  public static Reproposal reproposal(List<ViewChange> viewChanges) {
    ViewChange best = viewChanges.get(0);
    for (ViewChange vc : viewChanges) {
      if (vc.stableSeq() > best.stableSeq()) {
        best = vc;
      }
    }
    long minS = best.stableSeq();
    StableCheckpointRef ref = minS == 0 ? null
        : new StableCheckpointRef(minS, best.stableProof().get(0).digest(), best.stableProof());
    TreeMap<Long, PrePrepare> chosen = new TreeMap<>();
    for (ViewChange vc : viewChanges) {
      for (PreparedProof p : vc.prepared()) {
        PrePrepare pp = p.prePrepare();
        if (pp.seq() <= minS) {
          continue;
        }
        PrePrepare current = chosen.get(pp.seq());
        if (current == null || pp.view() > current.view()
            || (pp.view() == current.view() && pp.digest().compareTo(current.digest()) < 0)) {
          chosen.put(pp.seq(), pp);
        }
      }
    }
    long maxS = chosen.isEmpty() ? minS : chosen.lastKey();
    List<Reproposal.Slot> slots = new ArrayList<>();
    for (long n = minS + 1; n <= maxS; n++) {
      PrePrepare pp = chosen.get(n);
      slots.add(pp == null ? new Reproposal.Slot(n, NULL_DIGEST, List.of(), 0)
          : new Reproposal.Slot(n, pp.digest(), pp.batch(), pp.nonce()));
    }
    return new Reproposal(minS, ref, slots);
  }
}
