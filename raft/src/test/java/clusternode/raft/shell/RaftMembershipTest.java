package clusternode.raft.shell;

import static clusternode.protocols.testing.LoopbackCluster.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.kv.KvResult;
import clusternode.protocols.statemachine.Replicated.ReadConsistency;
import clusternode.protocols.testing.LoopbackCluster;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Membership change through the actor shell, one server at a time (dissertation §4.1, §4.2.1): a
 * fourth server of the deployment joins as a learner, catches up and is promoted to voter; then a
 * voter is removed and the smaller group still commits. The calls are the ones behind
 * {@code POST /admin/raft/members} and {@code DELETE /admin/raft/members/{id}}.
 */
class RaftMembershipTest {
  private static final List<String> IDS = List.of("m1", "m2", "m3", "m4");
  private static final List<String> FIRST_VOTERS = IDS.subList(0, 3);
  private static final String JOINER = "m4";
  private static final Map<String, RaftReplicated> servers = new ConcurrentHashMap<>();
  private static final RaftClients clients = new RaftClients(servers);
  private static LoopbackCluster cluster;

  @BeforeAll
  static void start() throws IOException {
    Config raftConf = ConfigFactory.parseString("""
        cluster-node.raft {
          voters = [m1, m2, m3]
          election-timeout-min = 200ms
          election-timeout-max = 400ms
          heartbeat-interval = 30ms
          request-timeout = 3s
        }
        """);
    cluster = ThreeRaftServers.start(IDS, raftConf, servers);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }


  @Test
  void aLearnerCatchesUpIsPromotedThenARemovedVoterLeavesAndWritesStillCommit() {
    await("a leader among the first voters", 20, () -> clients.leader(FIRST_VOTERS).isPresent());
    String leader = clients.leader(FIRST_VOTERS).orElseThrow();
    for (int i = 0; i < 50; i++) {
      assertEquals(KvResult.Status.OK, clients.put(leader, "k" + i, "v" + i).status());
    }
    assertEquals(FIRST_VOTERS, clients.status(leader).voters());
    assertFalse(clients.status(JOINER).voters().contains(JOINER), "the fourth server is not a member yet");

    // Bad requests are refused and change nothing.
    CompletionException unknown = assertThrows(CompletionException.class,
        () -> servers.get(leader).changeMembership("m9", null).toCompletableFuture().join());
    assertTrue(unknown.getCause() instanceof IllegalArgumentException, unknown.toString());
    assertEquals(FIRST_VOTERS, clients.status(leader).voters());

    // Joins as a learner (no vote while it catches up, §4.2.1), then the leader promotes it.
    servers.get(leader).changeMembership(JOINER, null).toCompletableFuture().join();
    long leaderCommit = clients.status(leader).commitIndex();
    await(JOINER + " applies up to the leader's commit index " + leaderCommit, 20,
        () -> clients.status(JOINER).lastApplied() >= leaderCommit);
    assertArrayEquals(RaftClients.bytes("v49"), clients.get(JOINER, "k49", ReadConsistency.LOCAL).value());
    await(JOINER + " is promoted to voter", 20, () -> {
      RaftStatus s = clients.status(leader);
      return s.voters().contains(JOINER) && s.learners().isEmpty();
    });
    assertEquals(4, clients.status(leader).voters().size());
    await("every server sees four voters", 10, () -> IDS.stream().allMatch(id -> clients.status(id).voters().size() == 4));
    assertEquals(KvResult.Status.OK, clients.put(JOINER, "with-four", "4").status());

    // Remove one of the first voters (not the leader): three voters are left, and they commit.
    String removed = FIRST_VOTERS.stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    servers.get(leader).changeMembership(null, removed).toCompletableFuture().join();
    List<String> rest = IDS.stream().filter(id -> !id.equals(removed)).toList();
    await("the voters shrink to " + rest, 10, () -> rest.stream().allMatch(id -> clients.status(id).voters().equals(rest)));
    assertEquals(KvResult.Status.OK, clients.put(leader, "after-remove", "3").status());
    for (String id : rest) {
      assertArrayEquals(RaftClients.bytes("3"), clients.get(id, "after-remove", ReadConsistency.LINEARIZABLE).value(), id);
    }
    assertEquals(leader, clients.leader(rest).orElseThrow(), "removing a follower keeps the leader");
  }
}
