package clusternode.pbft.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.pbft.core.PbftMessage.Request;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Validity (§4.2: a replica runs only requests their client signed) with one signature per bundle
 * of a client node's requests: every request of a bundle passes on its own, a changed, misplaced or
 * mis-attributed one does not, and a replica checks a bundle's signature once.
 */
class RequestBundleTest {
  private final PbftConfig config = new PbftConfig(List.of("n1", "n2", "n3", "n4"), 4, 8, 40, 4, 8, 64, 40, 1 << 20,
      64, 2);
  private final Map<String, Long> secrets = SimCrypto.secrets(config.replicas(), 7);

  private List<Request> submitAndDrain(PbftClient client, int count) {
    for (int i = 0; i < count; i++) {
      client.submit(("op-" + i).getBytes(StandardCharsets.UTF_8), false);
    }
    List<Request> sent = new ArrayList<>();
    for (Outbound o : client.drainOutbox()) {
      if (o.to().equals(config.primary(0))) { // a new request goes to the primary (and the local replica)
        sent.add((Request) o.message());
      }
    }
    return sent;
  }

  private PbftCore replica(String id, Crypto crypto) {
    return new PbftCore(config, id, crypto, new SimApp(), new Random(1), Recovered.EMPTY);
  }

  /** What {@code replica} rejected after taking {@code requests}. */
  private static List<String> rejectedAfter(PbftCore replica, List<Request> requests) {
    requests.forEach(replica::step);
    return replica.ready().rejected();
  }

  @Test
  void requestsSubmittedTogetherShareOneSignatureAndEachPassesAlone() {
    PbftClient client = new PbftClient("n1", config, SimCrypto.of(secrets, "n1"), 30, 0);
    List<Request> sent = submitAndDrain(client, 3);
    assertEquals(3, sent.size());
    byte[] proof = sent.get(0).signature();
    assertTrue(RequestBundle.isProof(proof));
    sent.forEach(r -> assertArrayEquals(proof, r.signature(), "one proof for the bundle"));
    byte[][] digests = RequestBundle.digests(proof);
    assertNotNull(digests);
    assertEquals(3, digests.length);
    for (Request r : sent) {
      assertEquals(List.of(), rejectedAfter(replica("n2", SimCrypto.of(secrets, "n2")), List.of(r)),
          "a request of a bundle is valid alone, as a pre-prepare relays it");
    }
  }

  @Test
  void aRequestSubmittedAloneKeepsAPlainSignature() {
    PbftClient client = new PbftClient("n1", config, SimCrypto.of(secrets, "n1"), 30, 0);
    Request r = submitAndDrain(client, 1).get(0);
    assertFalse(RequestBundle.isProof(r.signature()));
    assertTrue(SimCrypto.of(secrets, "n2").verify("n1", r.signed(), r.signature()));
  }

  @Test
  void moreRequestsThanABundleHoldsAreSplit() {
    PbftClient client = new PbftClient("n1", config, SimCrypto.of(secrets, "n1"), 30, 0);
    List<Request> sent = submitAndDrain(client, RequestBundle.MAX_REQUESTS + 3);
    assertEquals(RequestBundle.MAX_REQUESTS, RequestBundle.digests(sent.get(0).signature()).length);
    assertEquals(3, RequestBundle.digests(sent.get(RequestBundle.MAX_REQUESTS).signature()).length);
    assertTrue(sent.get(0).signature().length <= RequestBundle.MAX_PROOF_BYTES);
    assertEquals(List.of(), rejectedAfter(replica("n3", SimCrypto.of(secrets, "n3")), sent));
  }

  @Test
  void aReplicaChecksABundlesSignatureOnce() {
    PbftClient client = new PbftClient("n1", config, SimCrypto.of(secrets, "n1"), 30, 0);
    List<Request> sent = submitAndDrain(client, 10);
    CountingCrypto counting = new CountingCrypto(SimCrypto.of(secrets, "n2"));
    assertEquals(List.of(), rejectedAfter(replica("n2", counting), sent));
    assertEquals(1, counting.verifies(), "ten requests, one signature check");
  }

  @Test
  void aChangedMisplacedOrMisattributedRequestIsRejected() {
    PbftClient client = new PbftClient("n1", config, SimCrypto.of(secrets, "n1"), 30, 0);
    List<Request> sent = submitAndDrain(client, 2);
    Request r = sent.get(0);
    byte[] proof = r.signature();
    // Another operation under the bundle's proof: its digest is not in the list.
    Request changed = new Request(r.from(), r.timestamp(), r.readOnly(), "other".getBytes(StandardCharsets.UTF_8), proof);
    // The proof of n1's bundle on a request of an n2 client: n2's key did not sign it.
    Request misattributed = new Request("n2/0", r.timestamp(), r.readOnly(), r.operation(), proof);
    byte[] flipped = proof.clone();
    flipped[flipped.length - 1] ^= 1;
    Request badSignature = new Request(r.from(), r.timestamp(), r.readOnly(), r.operation(), flipped);
    byte[] badCount = proof.clone();
    badCount[0] = 3;
    Request malformed = new Request(r.from(), r.timestamp(), r.readOnly(), r.operation(), badCount);
    for (Request bad : List.of(changed, misattributed, badSignature, malformed)) {
      assertEquals(List.of("bad-request"), rejectedAfter(replica("n3", SimCrypto.of(secrets, "n3")), List.of(bad)));
    }
    assertNull(RequestBundle.digests(badCount));
    // A Byzantine replica signing as itself cannot make a bundle pass for n1's.
    List<Request> forgedByN4 = RequestBundle.sign("n1", List.of(unsigned(r), unsigned(sent.get(1))),
        SimCrypto.of(secrets, "n4"));
    assertEquals(List.of("bad-request", "bad-request"), rejectedAfter(replica("n3", SimCrypto.of(secrets, "n3")),
        forgedByN4));
  }

  private static Request unsigned(Request r) {
    return new Request(r.from(), r.timestamp(), r.readOnly(), r.operation(), null);
  }
}
