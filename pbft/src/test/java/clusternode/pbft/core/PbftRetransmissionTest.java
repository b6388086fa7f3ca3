package clusternode.pbft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.pbft.core.PbftMessage.Request;
import clusternode.pbft.core.PbftMessage.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Retransmission costs little when nothing was lost: a replica asks its peers for what it lacks
 * only when its execution stalls, and a message it already took is not checked again.
 */
class PbftRetransmissionTest {
  private static final int STATUS_TICKS = 8;
  private final PbftConfig config = new PbftConfig(List.of("n1", "n2", "n3", "n4"), 4, 8, 40, 4, STATUS_TICKS, 64,
      40, 1 << 20, 64, 2);
  private final Map<String, Long> secrets = SimCrypto.secrets(config.replicas(), 3);
  private CountingCrypto n2Crypto;
  private final Map<String, PbftCore> cores = new LinkedHashMap<>();
  /** Every message delivered to n2, in order. */
  private final List<PbftMessage> deliveredToN2 = new ArrayList<>();
  private final PbftClient client = new PbftClient("n3", config, SimCrypto.of(secrets, "n3"), 1000, 0);

  PbftRetransmissionTest() {
    for (String id : config.replicas()) {
      Crypto crypto = SimCrypto.of(secrets, id);
      if (id.equals("n2")) {
        crypto = n2Crypto = new CountingCrypto(crypto);
      }
      cores.put(id, new PbftCore(config, id, crypto, new SimApp(), new Random(1), Recovered.EMPTY));
    }
  }

  /** Submits one request from n3's client and delivers every message until the cluster is quiet. */
  private void submitAndRun(String op) {
    client.submit(op.getBytes(StandardCharsets.UTF_8), false);
    List<Outbound> inFlight = new ArrayList<>(client.drainOutbox());
    while (!inFlight.isEmpty()) {
      for (Outbound o : inFlight) {
        PbftCore to = cores.get(o.to());
        if (to != null) {
          if (o.to().equals("n2")) {
            deliveredToN2.add(o.message());
          }
          to.step(o.message());
        }
      }
      inFlight.clear();
      cores.values().forEach(c -> inFlight.addAll(c.ready().messages()));
    }
  }

  @Test
  void aMessageTakenAlreadyIsNotCheckedAgain() {
    submitAndRun("a");
    assertEquals(1, cores.get("n2").lastExecuted());
    int checks = n2Crypto.verifies();
    List<PbftMessage> again = deliveredToN2.stream().filter(m -> !(m instanceof PbftMessage.Reply)
        && !(m instanceof PbftMessage.Replies)).toList();
    assertTrue(again.size() >= 5, "a pre-prepare, prepares and commits: " + again);
    again.forEach(cores.get("n2")::step);
    Ready rd = cores.get("n2").ready();
    assertEquals(checks, n2Crypto.verifies(), "retransmissions are recognised without a signature check");
    assertEquals(List.of(), rd.rejected());
    assertEquals(List.of(), rd.records(), "nothing new to log");
  }

  /**
   * The shortcut is for the very message only: the same signed bytes under another signature are
   * verified again and refused, for each pre-prepare, prepare and commit n2 took.
   */
  @Test
  void theSameBytesWithAnotherSignatureAreCheckedAndRefused() {
    submitAndRun("a");
    PbftCore n2 = cores.get("n2");
    List<PbftMessage> taken = deliveredToN2.stream().filter(m -> m instanceof PbftMessage.PrePrepare
        || m instanceof PbftMessage.Prepare || m instanceof PbftMessage.Commit).toList();
    assertTrue(taken.stream().anyMatch(m -> m instanceof PbftMessage.PrePrepare)
        && taken.stream().anyMatch(m -> m instanceof PbftMessage.Prepare)
        && taken.stream().anyMatch(m -> m instanceof PbftMessage.Commit), "one of each kind: " + taken);
    for (PbftMessage m : taken) {
      int checks = n2Crypto.verifies();
      n2.step(withSignature(m, flipped(m.signature())));
      Ready rd = n2.ready();
      assertEquals(checks + 1, n2Crypto.verifies(), "verified again: " + m);
      assertEquals(List.of("bad-signature"), rd.rejected(), "refused: " + m);
      assertEquals(List.of(), rd.records(), "nothing taken: " + m);
    }
    assertEquals(1, n2.lastExecuted());
  }

  /**
   * A pre-prepare with the accepted one's header and signature (which cover the digest, not the
   * requests) but another batch is not a retransmission: it is verified, its digest does not
   * match its batch, and it is refused; the accepted batch stays.
   */
  @Test
  void aPrePrepareWithTheSameHeaderButAnotherBatchIsCheckedAndRefused() {
    submitAndRun("a");
    PbftCore n2 = cores.get("n2");
    PbftMessage.PrePrepare accepted = deliveredToN2.stream().filter(m -> m instanceof PbftMessage.PrePrepare)
        .map(m -> (PbftMessage.PrePrepare) m).findFirst().orElseThrow();
    Request other = new Request("n3/1", 99, false, "b".getBytes(StandardCharsets.UTF_8), null);
    other = PbftCore.signRequest(other, SimCrypto.of(secrets, "n3"));
    PbftMessage.PrePrepare swapped = new PbftMessage.PrePrepare(accepted.from(), accepted.view(), accepted.seq(),
        accepted.digest(), List.of(other), accepted.nonce(), accepted.signature());
    int checks = n2Crypto.verifies();
    n2.step(swapped);
    Ready rd = n2.ready();
    assertTrue(n2Crypto.verifies() > checks, "verified, not taken for a retransmission");
    assertEquals(List.of("bad-digest"), rd.rejected());
    assertEquals(List.of(), rd.records());
    assertEquals(Map.of(accepted.seq(), accepted.digest()), n2.executedDigests());
  }

  private static byte[] flipped(byte[] signature) {
    byte[] out = signature.clone();
    out[0] ^= 0x01;
    return out;
  }

  private static PbftMessage withSignature(PbftMessage m, byte[] sig) {
    if (m instanceof PbftMessage.PrePrepare pp) {
      return new PbftMessage.PrePrepare(pp.from(), pp.view(), pp.seq(), pp.digest(), pp.batch(), pp.nonce(), sig);
    } else if (m instanceof PbftMessage.Prepare p) {
      return new PbftMessage.Prepare(p.from(), p.view(), p.seq(), p.digest(), sig);
    }
    PbftMessage.Commit c = (PbftMessage.Commit) m;
    return new PbftMessage.Commit(c.from(), c.view(), c.seq(), c.digest(), sig);
  }

  @Test
  void aReplicaAsksForWhatItLacksOnlyWhenItsExecutionStalls() {
    PbftCore n2 = cores.get("n2");
    // n2 learns of a request the primary never sees: work waits, nothing executes.
    Request stuck = new Request("n2/0", 1, false, new byte[] {9}, null);
    n2.step(new Request("n2/0", 1, false, new byte[] {9}, SimCrypto.of(secrets, "n2").sign(stuck.signed())));
    n2.ready();
    assertEquals(0, statusesAfterAnInterval(n2), "the first interval is a grace period");
    submitAndRun("a"); // execution advances meanwhile: no need to ask
    assertEquals(1, n2.lastExecuted());
    assertEquals(0, statusesAfterAnInterval(n2), "executed a batch since the last status duty");
    assertEquals(config.n() - 1, statusesAfterAnInterval(n2), "stalled for a whole interval: asks every peer");
  }

  private int statusesAfterAnInterval(PbftCore core) {
    int statuses = 0;
    for (int i = 0; i < STATUS_TICKS; i++) {
      core.tick();
      for (Outbound o : core.ready().messages()) {
        statuses += o.message() instanceof Status ? 1 : 0;
      }
    }
    return statuses;
  }
}
