package clusternode.pbft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.pbft.core.PbftMessage.Checkpoint;
import clusternode.pbft.core.PbftMessage.Commit;
import clusternode.pbft.core.PbftMessage.PrePrepare;
import clusternode.pbft.core.PbftMessage.Prepare;
import clusternode.pbft.core.PbftMessage.PreparedProof;
import clusternode.pbft.core.PbftMessage.Request;
import clusternode.pbft.core.PbftMessage.ViewChange;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules of PBFT one at a time; section numbers are Castro and Liskov, OSDI '99. */
class PbftRulesTest {
  private final PbftConfig config = PbftSimulation.config(4);
  private final Map<String, Long> secrets = SimCrypto.secrets(config.replicas(), 1);

  private SimCrypto as(String id) {
    return SimCrypto.of(secrets, id);
  }

  private Request request(String client, long ts) {
    return PbftCore.signRequest(new Request(client, ts, false, ("op" + ts).getBytes(StandardCharsets.UTF_8), null),
        as(config.clientNode(client)));
  }

  private PrePrepare prePrepare(long view, long seq, List<Request> batch) {
    String primary = config.primary(view);
    PrePrepare pp = new PrePrepare(primary, view, seq, PbftRules.batchDigest(batch), batch, 0, null);
    return new PrePrepare(primary, view, seq, pp.digest(), batch, 0, as(primary).sign(pp.signed()));
  }

  private Prepare prepare(String from, PrePrepare pp) {
    Prepare p = new Prepare(from, pp.view(), pp.seq(), pp.digest(), null);
    return new Prepare(from, p.view(), p.seq(), p.digest(), as(from).sign(p.signed()));
  }

  private Commit commit(String from, PrePrepare pp) {
    Commit c = new Commit(from, pp.view(), pp.seq(), pp.digest(), null);
    return new Commit(from, c.view(), c.seq(), c.digest(), as(from).sign(c.signed()));
  }

  private Checkpoint checkpoint(String from, long seq, String digest) {
    Checkpoint c = new Checkpoint(from, seq, digest, null);
    return new Checkpoint(from, seq, digest, as(from).sign(c.signed()));
  }

  private ViewChange viewChange(String from, long newView, long stableSeq, List<Checkpoint> proof,
      List<PreparedProof> prepared) {
    ViewChange vc = new ViewChange(from, newView, stableSeq, proof, prepared, null);
    return new ViewChange(from, newView, stableSeq, proof, prepared, as(from).sign(vc.signed()));
  }

  @Test
  void preparedNeedsThePrePrepareAnd2fPreparesFromDistinctBackups() {
    // §4.2: prepared(m, v, n, i) needs the pre-prepare and 2f matching prepares from different backups.
    PrePrepare pp = prePrepare(0, 1, List.of(request("n2/0", 1)));
    assertNull(PbftRules.preparedCertificate(pp, List.of(prepare("n2", pp)), config));
    assertNull(PbftRules.preparedCertificate(pp, List.of(prepare("n2", pp), prepare("n2", pp)), config),
        "the same backup twice is one prepare");
    assertNull(PbftRules.preparedCertificate(pp, List.of(prepare("n2", pp), prepare("n1", pp)), config),
        "the primary's prepare does not count");
    PrePrepare other = prePrepare(0, 1, List.of(request("n3/0", 1)));
    assertNull(PbftRules.preparedCertificate(pp, List.of(prepare("n2", pp), prepare("n3", other)), config),
        "prepares must match the digest");
    assertNull(PbftRules.preparedCertificate(null, List.of(prepare("n2", pp), prepare("n3", pp)), config));
    assertEquals(2, PbftRules.preparedCertificate(pp, List.of(prepare("n2", pp), prepare("n3", pp)), config).size());
  }

  @Test
  void committedLocalNeedsPreparedAnd2fPlusOneCommits() {
    // §4.2: committed-local(m, v, n, i) iff prepared and 2f+1 matching commits from distinct replicas.
    PrePrepare pp = prePrepare(0, 1, List.of(request("n2/0", 1)));
    List<Prepare> prepares = List.of(prepare("n2", pp), prepare("n3", pp));
    List<Commit> two = List.of(commit("n1", pp), commit("n2", pp));
    assertFalse(PbftRules.committedLocal(pp, prepares, two, config));
    List<Commit> three = List.of(commit("n1", pp), commit("n2", pp), commit("n3", pp));
    assertTrue(PbftRules.committedLocal(pp, prepares, three, config));
    assertFalse(PbftRules.committedLocal(pp, List.of(prepare("n2", pp)), three, config), "not without prepared");
  }

  @Test
  void waterMarksBoundTheAcceptedSequenceNumbers() {
    // §4.2: h < n <= H = h + L.
    assertFalse(PbftRules.inWindow(8, 8, 8));
    assertTrue(PbftRules.inWindow(9, 8, 8));
    assertTrue(PbftRules.inWindow(16, 8, 8));
    assertFalse(PbftRules.inWindow(17, 8, 8));
  }

  @Test
  void aCheckpointIsStableWith2fPlusOneMatchingMessages() {
    // §4.3: 2f+1 checkpoint messages with the same sequence number and digest prove it.
    String d = Canon.sha256(new byte[] {1});
    List<Checkpoint> two = List.of(checkpoint("n1", 4, d), checkpoint("n2", 4, d));
    assertNull(PbftRules.stableProof(4, two, config));
    List<Checkpoint> mixed = new ArrayList<>(two);
    mixed.add(checkpoint("n3", 4, Canon.sha256(new byte[] {2})));
    assertNull(PbftRules.stableProof(4, mixed, config), "a different digest does not count");
    mixed.add(checkpoint("n4", 4, d));
    assertEquals(3, PbftRules.stableProof(4, mixed, config).size());
    assertNull(PbftRules.checkStableProof(4, PbftRules.stableProof(4, mixed, config), config, as("n1")));
    List<Checkpoint> forged = List.of(checkpoint("n1", 4, d), checkpoint("n2", 4, d),
        new Checkpoint("n3", 4, d, new byte[8]));
    assertNotNull(PbftRules.checkStableProof(4, forged, config, as("n1")), "a bad signature breaks the proof");
  }

  @Test
  void aViewChangeIsValidOnlyWithAProvenCheckpointAndPreparedCertificates() {
    // §4.4: a view change carries the proof of its stable checkpoint and a prepared certificate per sequence number.
    PrePrepare full = prePrepare(0, 1, List.of(request("n2/0", 1)));
    PrePrepare pp = PbftRules.strip(full);
    PreparedProof proof = new PreparedProof(pp, List.of(prepare("n2", pp), prepare("n3", pp)));
    assertNull(PbftRules.checkViewChange(viewChange("n2", 1, 0, List.of(), List.of(proof)), config, as("n4"), r -> true));
    PreparedProof weak = new PreparedProof(pp, List.of(prepare("n2", pp)));
    assertNotNull(PbftRules.checkViewChange(viewChange("n2", 1, 0, List.of(), List.of(weak)), config, as("n4"), r -> true));
    assertNotNull(PbftRules.checkViewChange(viewChange("n2", 0, 0, List.of(), List.of(proof)), config, as("n4"), r -> true),
        "a certificate must come from an earlier view");
    ViewChange unsigned = new ViewChange("n2", 1, 0, List.of(), List.of(proof), new byte[8]);
    assertNotNull(PbftRules.checkViewChange(unsigned, config, as("n4"), r -> true));
    assertNotNull(PbftRules.checkViewChange(viewChange("n2", 1, 4, List.of(), List.of()), config, as("n4"), r -> true),
        "a checkpoint above 0 needs its proof");
    PreparedProof withBatch = new PreparedProof(full, proof.prepares());
    assertNotNull(PbftRules.checkViewChange(viewChange("n2", 1, 0, List.of(), List.of(withBatch)), config, as("n4"),
        r -> true), "a certificate carries the batch's digest, not the batch (keeps view changes within a frame)");
    PreparedProof padded = new PreparedProof(pp, List.of(prepare("n2", pp), prepare("n3", pp), prepare("n4", pp)));
    assertNotNull(PbftRules.checkViewChange(viewChange("n2", 1, 0, List.of(), List.of(padded)), config, as("n4"),
        r -> true), "exactly 2f prepares, as an honest replica sends");
  }

  @Test
  void theNewViewReproposesTheHighestViewCertificateAndNullRequestsInGaps() {
    // §4.4: O holds, for each n in (min-s, max-s], the certificate with the highest view, or a null request.
    PrePrepare old = prePrepare(0, 3, List.of(request("n2/0", 1)));
    PrePrepare newer = prePrepare(1, 3, List.of(request("n3/0", 1)));
    PrePrepare first = prePrepare(0, 1, List.of(request("n4/0", 1)));
    ViewChange a = viewChange("n1", 2, 0, List.of(), List.of(new PreparedProof(first, List.of()),
        new PreparedProof(old, List.of())));
    ViewChange b = viewChange("n3", 2, 0, List.of(), List.of(new PreparedProof(newer, List.of())));
    PbftRules.Reproposal o = PbftRules.reproposal(List.of(a, b));
    assertEquals(0, o.minS());
    assertEquals(3, o.slots().size());
    assertEquals(first.digest(), o.slots().get(0).digest());
    assertEquals(PbftRules.NULL_DIGEST, o.slots().get(1).digest());
    assertEquals(newer.digest(), o.slots().get(2).digest());
  }

  @Test
  void aBackupDropsMessagesForTheWrongViewBadSignaturesAndNonMembers() {
    PbftCore backup = new PbftCore(config, "n2", as("n2"), new SimApp(), new java.util.Random(1), Recovered.EMPTY);
    PrePrepare wrongView = prePrepare(2, 1, List.of(request("n2/0", 1)));
    backup.step(wrongView);
    Prepare forged = new Prepare("n3", 0, 1, wrongView.digest(), new byte[8]);
    backup.step(forged);
    backup.step(new Prepare("mallory", 0, 1, wrongView.digest(), new byte[8]));
    backup.step(new Request("n9/0", 1, false, new byte[1], new byte[8]));
    assertEquals(List.of("wrong-view", "bad-signature", "non-member", "bad-request"), backup.ready().rejected());
  }

  @Test
  void aDuplicateRequestIsAnsweredFromTheLastReplyNotExecutedAgain() {
    // §4.1: a replica remembers the last reply per client and re-sends it for the same timestamp.
    List<PbftCore> cores = new ArrayList<>();
    for (String id : config.replicas()) {
      cores.add(new PbftCore(config, id, as(id), new SimApp(), new java.util.Random(1), Recovered.EMPTY));
    }
    Request r = request("n1/0", 5);
    for (int round = 0; round < 2; round++) {
      cores.forEach(c -> c.step(r));
      int executed = 0;
      for (int i = 0; i < 10; i++) {
        List<Outbound> flight = new ArrayList<>();
        for (PbftCore c : cores) {
          Ready rd = c.ready();
          flight.addAll(rd.messages());
          executed += rd.executed().stream().mapToInt(e -> (int) e.results().stream().filter(x -> x != null).count()).sum();
        }
        for (Outbound o : flight) {
          cores.stream().filter(c -> c.id().equals(o.to())).forEach(c -> c.step(o.message()));
        }
      }
      assertEquals(round == 0 ? 4 : 0, executed, "round " + round);
    }
    cores.forEach(c -> assertEquals(1, c.lastExecuted()));
  }

  @Test
  void configRefusesTooFewReplicasAndAnInconsistentWindow() {
    assertThrows(IllegalArgumentException.class, () -> new PbftConfig(List.of("a", "b", "c"), 4, 8, 40, 4, 8, 4, 2, 1024, 1024));
    assertThrows(IllegalArgumentException.class, () -> new PbftConfig(config.replicas(), 4, 6, 40, 4, 8, 4, 2, 1024, 1024));
    assertThrows(IllegalArgumentException.class, () -> new PbftConfig(config.replicas(), 4, 8, 10, 4, 8, 4, 2, 1024, 1024));
    assertEquals(2, PbftSimulation.config(7).f());
    assertNull(config.clientNode("n1/2"));
    assertEquals("n1", config.clientNode("n1/1"));
  }
}
