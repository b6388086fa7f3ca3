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
    return replies(replica, 0, node, entries);
  }

  private Replies replies(String replica, long view, String node, List<Replies.Entry> entries) {
    Replies unsigned = new Replies(replica, view, node, entries, null);
    return new Replies(replica, view, node, entries, SimCrypto.of(secrets, replica).sign(unsigned.signed()));
  }

  private static List<String> recipients(List<Outbound> sent) {
    return sent.stream().map(Outbound::to).sorted().toList();
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

  @Test
  void aNewRequestGoesToThePrimaryAndTheLocalReplicaAndARetransmissionToAll() {
    PbftClient backupNode = new PbftClient("n3", config, SimCrypto.of(secrets, "n3"), 30, 0);
    backupNode.submit(new byte[] {1}, false);
    assertEquals(List.of("n1", "n3"), recipients(backupNode.drainOutbox()), "primary of view 0, and n3 itself");
    for (int i = 0; i < 29; i++) {
      backupNode.tick();
    }
    assertEquals(List.of(), backupNode.drainOutbox(), "not yet due");
    backupNode.tick();
    assertEquals(config.replicas(), recipients(backupNode.drainOutbox()), "unanswered: to every replica");

    client.submit(new byte[] {2}, false);
    assertEquals(List.of("n1"), recipients(client.drainOutbox()), "n1 is the primary: one message");
  }

  @Test
  void theBelievedPrimaryFollowsTheViewThatFPlusOneRepliesName() {
    long h0 = client.submit(new byte[] {1}, false);
    long h1 = client.submit(new byte[] {2}, false);
    List<Replies.Entry> first = entries(client.request(h0).timestamp(), client.request(h1).timestamp(), "ok");
    client.drainOutbox();
    // One replica (possibly lying) names view 9: not enough to steer requests to its primary.
    client.onReplies(replies("n4", 9, "n1", first));
    assertEquals(0, client.believedView());
    client.onReplies(replies("n2", 1, "n1", first));
    assertEquals(1, client.believedView(), "n2 and n4 are both in view 1 or later; one of them is correct");
    client.submit(new byte[] {3}, false);
    assertEquals(List.of("n1", "n2"), recipients(client.drainOutbox()), "the primary of view 1 is n2");
  }

  @Test
  void theLocalReplicasViewNamesThePrimaryBeforeAnyReplyDoes() {
    client.localReplicaView(2);
    client.submit(new byte[] {1}, false);
    assertEquals(List.of("n1", "n3"), recipients(client.drainOutbox()), "n3 is the primary of view 2");
  }
}
