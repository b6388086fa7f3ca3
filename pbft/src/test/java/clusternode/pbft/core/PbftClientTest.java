package clusternode.pbft.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.pbft.core.PbftMessage.Replies;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** §4.1 with batched replies: one signed Replies per replica and node counts as a reply for each request in it. */
class PbftClientTest {
  private final PbftConfig config = PbftSimulation.config(4);
  private final Map<String, Long> secrets = SimCrypto.secrets(config.replicas(), 1);
  private final PbftClient client = new PbftClient("n1", config, SimCrypto.of(secrets, "n1"), 30, 0);

  private Replies replies(String replica, String node, List<Replies.Entry> entries) {
    Replies unsigned = new Replies(replica, 0, node, entries, null);
    return new Replies(replica, 0, node, entries, SimCrypto.of(secrets, replica).sign(unsigned.signed()));
  }

  private List<Replies.Entry> entries(long first, long second, String result) {
    byte[] r = result.getBytes(StandardCharsets.UTF_8);
    return List.of(new Replies.Entry("n1/0", first, r), new Replies.Entry("n1/1", second, r));
  }

  @Test
  void fPlusOneMatchingBatchedRepliesCompleteEveryRequestInThem() {
    long h0 = client.submit(new byte[] {1}, false);
    long h1 = client.submit(new byte[] {2}, false);
    long t0 = client.request(h0).timestamp();
    long t1 = client.request(h1).timestamp();
    assertEquals(List.of(), client.onReplies(replies("n2", "n1", entries(t0, t1, "ok"))), "one replica is not enough");
    List<PbftClient.Completed> done = client.onReplies(replies("n3", "n1", entries(t0, t1, "ok")));
    assertEquals(List.of(h0, h1), done.stream().map(PbftClient.Completed::handle).toList());
    assertArrayEquals("ok".getBytes(StandardCharsets.UTF_8), done.get(0).result());
    assertEquals(0, client.busySessions());
  }

  @Test
  void forgedMismatchedOrForeignRepliesCompleteNothing() {
    long h0 = client.submit(new byte[] {1}, false);
    long h1 = client.submit(new byte[] {2}, false);
    long t0 = client.request(h0).timestamp();
    long t1 = client.request(h1).timestamp();
    // A liar's result and an honest one do not match: f+1 = 2 matching are needed.
    assertEquals(List.of(), client.onReplies(replies("n2", "n1", entries(t0, t1, "LIE"))));
    assertEquals(List.of(), client.onReplies(replies("n3", "n1", entries(t0, t1, "ok"))));
    // n4 signs as itself but claims to be n2: the signature does not verify.
    Replies forged = new Replies("n2", 0, "n1", entries(t0, t1, "ok"),
        SimCrypto.of(secrets, "n4").sign(new Replies("n2", 0, "n1", entries(t0, t1, "ok"), null).signed()));
    assertEquals(List.of(), client.onReplies(forged));
    assertEquals(1, client.rejectedReplies());
    // Addressed to another node: ignored.
    assertEquals(List.of(), client.onReplies(replies("n4", "n2", entries(t0, t1, "ok"))));
    List<Replies.Entry> withNull = new ArrayList<>(entries(t0, t1, "ok"));
    withNull.add(null);
    assertEquals(List.of(), client.onReplies(new Replies("n4", 0, "n1", withNull, new byte[8])));
    assertEquals(2, client.busySessions());
    assertTrue(client.onReplies(replies("n4", "n1", entries(t0, t1, "ok"))).size() == 2, "n3 and n4 agree");
  }
}
