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
