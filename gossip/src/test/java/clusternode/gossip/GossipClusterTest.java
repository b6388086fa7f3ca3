package clusternode.gossip;

import static clusternode.protocols.testing.LoopbackCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import clusternode.protocols.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import akka.actor.typed.javadsl.AskPattern;
import clusternode.gossip.crdt.PNCounter;
import clusternode.protocols.spi.ProtocolContext;
import clusternode.protocols.testing.LoopbackCluster;
import clusternode.protocols.transport.FaultPlan;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three ActorSystems on loopback, each running the gossip protocol through its provider: members
 * become alive, counters converge, quorum writes need their acks, and a partition made with the
 * Transport's fault plan makes the isolated member suspect then dead, and alive again after the
 * heal with a higher incarnation.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GossipClusterTest {
  static final List<String> IDS = List.of("n1", "n2", "n3");
  static final Config FAST = ConfigFactory.parseString("""
      cluster-node.gossip {
        tick-interval = 20ms
        probe-interval = 200ms
        probe-timeout = 80ms
        gossip-interval = 40ms
        sync-interval = 1s
        join-retry-interval = 200ms
        anti-entropy-interval = 200ms
        request-timeout = 1s
      }
      """);
  static final Map<String, GossipProvider.Instance> instances = new ConcurrentHashMap<>();
  static LoopbackCluster cluster;

  @BeforeAll
  static void start() {
    cluster = LoopbackCluster.start(IDS, FAST, (ctx, node) -> {
      ProtocolContext context = new ProtocolContext(ctx, ctx.getSystem().settings().config(), node.transport(),
          node.metrics(), Path.of("target"), new HashMap<>());
      instances.put(node.transport().selfId(), (GossipProvider.Instance) new GossipProvider().start(context));
    });
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  static ActorRef<Object> actor(String id) {
    return instances.get(id).actor();
  }

  static Gossip.MembersReport members(String id) {
    return AskPattern.<Object, Gossip.MembersReport>ask(actor(id), Gossip.GetMembers::new, Duration.ofSeconds(3),
        cluster.node(id).system().scheduler()).toCompletableFuture().join();
  }

  static Map<String, String> statuses(String id) {
    return members(id).members().stream().collect(Collectors.toMap(Gossip.Member::id, Gossip.Member::status));
  }

  static long incarnationSeenBy(String viewer, String id) {
    return members(viewer).members().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow().incarnation();
  }

  static Gossip.Result write(String id, String key, Gossip.Op op, int w) {
    return AskPattern.<Object, Gossip.Result>ask(actor(id), r -> new Gossip.Write(key, op, w, r), Duration.ofSeconds(5),
        cluster.node(id).system().scheduler()).toCompletableFuture().join();
  }

  static Gossip.Result read(String id, String key, int r) {
    return AskPattern.<Object, Gossip.Result>ask(actor(id), x -> new Gossip.Read(key, r, x), Duration.ofSeconds(5),
        cluster.node(id).system().scheduler()).toCompletableFuture().join();
  }

  static long counter(String id, String key) {
    Gossip.Result r = read(id, key, 1);
    return r.state() == null ? 0 : ((PNCounter) r.state().data()).value();
  }

  static boolean allAlive() {
    Map<String, String> alive = Map.of("n1", "alive", "n2", "alive", "n3", "alive");
    return IDS.stream().allMatch(id -> statuses(id).equals(alive));
  }

  static void setPlanEverywhere(FaultPlan plan) {
    cluster.nodes().values().forEach(n -> n.transport().setFaultPlan(plan));
  }

  @Test
  @Order(1)
  void membersJoinThroughTheSeedsAndBecomeAlive() {
    await("every node sees every node alive", 20, GossipClusterTest::allAlive);
  }

  @Test
  @Order(2)
  void aCounterIncrementedOnEachNodeConvergesToTheSumEverywhere() {
    await("alive", 20, GossipClusterTest::allAlive);
    write("n1", "counter/c", new Gossip.CounterAdd(5), 1);
    write("n2", "counter/c", new Gossip.CounterAdd(7), 1);
    write("n3", "counter/c", new Gossip.CounterAdd(-2), 1);
    await("every replica holds 10", 10, () -> IDS.stream().allMatch(id -> counter(id, "counter/c") == 10));

    Gossip.Result all = write("n1", "counter/q", new Gossip.CounterAdd(1), 3);
    assertTrue(all.ok(), "a write at w=3 is acked by all three: " + all);
    assertEquals(3, all.answered());
    Gossip.Result readAll = read("n3", "counter/q", 3);
    assertTrue(readAll.ok());
    assertEquals(1, ((PNCounter) readAll.state().data()).value(), "w=3 then r=3 sees the write");
    await("convergence time measured", 10, () -> cluster.node("n1").metrics().renderPrometheus()
        .lines().anyMatch(l -> l.startsWith("gossip_convergence_last_ms ") && !l.endsWith(" -1")));
  }

  @Test
  @Order(3)
  void anIsolatedMemberBecomesSuspectThenDeadAndComesBackAliveAfterTheHeal() {
    await("alive", 20, GossipClusterTest::allAlive);
    long before = incarnationSeenBy("n1", "n3");
    setPlanEverywhere(FaultPlan.partitioned(List.of(Set.of("n3"))));
    try {
      await("n1 and n2 suspect n3", 10, () -> !statuses("n1").get("n3").equals("alive")
          && !statuses("n2").get("n3").equals("alive"));
      await("n1 and n2 declare n3 dead, n3 declares them dead", 15, () -> statuses("n1").get("n3").equals("dead")
          && statuses("n2").get("n3").equals("dead") && statuses("n3").get("n1").equals("dead")
          && statuses("n3").get("n2").equals("dead") && statuses("n1").get("n2").equals("alive"));
      Gossip.Result cut = write("n1", "counter/p", new Gossip.CounterAdd(1), 3);
      assertFalse(cut.ok(), "w=3 cannot be reached with n3 cut off");
      assertTrue(cut.error().contains("replicas answered"), cut.error());
      write("n3", "counter/p", new Gossip.CounterAdd(10), 1);
    } finally {
      setPlanEverywhere(FaultPlan.NONE);
    }
    await("healed: all alive again", 20, GossipClusterTest::allAlive);
    assertTrue(incarnationSeenBy("n1", "n3") > before, "n3 refuted its death with a higher incarnation");
    await("both sides' writes merged", 10, () -> IDS.stream().allMatch(id -> counter(id, "counter/p") == 11));
    String metrics = cluster.node("n1").metrics().renderPrometheus();
    assertTrue(metrics.contains("gossip_dead_declarations_total"), metrics);
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("gossip_bytes_sent_total{peer=\"n2\"}") && !l.endsWith(" 0")),
        metrics);
  }

  // ---------------------------------------------------------------- HTTP

  record Reply(int status, JsonNode body) {}

  static final HttpClient HTTP = HttpClient.newHttpClient();

  static Reply call(String base, String method, String path, String body) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
      b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
          : b.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), Json.MAPPER.readTree(r.body()));
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + ": " + e, e);
    }
  }

  @Test
  @Order(4)
  void httpRoutesServeMembersCrdtsConsistencyAndRejectBadInput() throws Exception {
    await("alive", 20, GossipClusterTest::allAlive);
    ServerBinding binding = Http.get(cluster.node("n1").system()).newServerAt("127.0.0.1", 0)
        .bind(instances.get("n1").routes().orElseThrow()).toCompletableFuture().join();
    String base = "http://127.0.0.1:" + binding.localAddress().getPort();
    try {
      Reply members = call(base, "GET", "/gossip/members", null);
      assertEquals(200, members.status());
      assertEquals(3, members.body().get("members").size());
      for (JsonNode m : members.body().get("members")) {
        assertEquals("alive", m.get("status").asText(), m.toString());
        assertTrue(m.has("id") && m.has("incarnation") && m.get("lastHeardMsAgo").asLong() >= 0, m.toString());
      }

      assertEquals(5, call(base, "POST", "/crdt/counters/hits", "{\"delta\": 5}").body().get("value").asLong());
      assertEquals(3, call(base, "POST", "/crdt/counters/hits", "{\"delta\": -2}").body().get("value").asLong());
      Reply strong = call(base, "POST", "/crdt/counters/hits?consistency=majority", "{\"delta\": 1}");
      assertEquals(200, strong.status(), strong.body().toString());
      assertEquals(2, strong.body().get("consistency").get("w").asInt());
      assertTrue(strong.body().get("consistency").get("acks").asInt() >= 2);
      assertTrue(strong.body().get("consistency").get("rPlusWGreaterThanN").asBoolean());
      Reply readAll = call(base, "GET", "/crdt/counters/hits?consistency=all", null);
      assertEquals(4, readAll.body().get("value").asLong());
      assertEquals(3, readAll.body().get("consistency").get("replies").asInt());
      Reply weak = call(base, "GET", "/crdt/counters/hits?r=1&w=2", null);
      assertFalse(weak.body().get("consistency").get("rPlusWGreaterThanN").asBoolean(), "1 + 2 is not > 3");
      assertEquals(0, call(base, "GET", "/crdt/counters/never-written", null).body().get("value").asLong());
      assertEquals(200, call(base, "POST", "/crdt/counters/huge", "{\"delta\": " + Long.MAX_VALUE + "}").status());
      Reply overflow = call(base, "POST", "/crdt/counters/huge", "{\"delta\": 1}");
      assertEquals(409, overflow.status(), overflow.body().toString());
      assertEquals(Long.MAX_VALUE, call(base, "GET", "/crdt/counters/huge", null).body().get("value").asLong());

      String longName = "x".repeat(129);
      String longValue = "\"" + "v".repeat(4097) + "\"";
      List<String[]> bad = List.of(
          new String[] {"POST", "/crdt/counters/bad%20name", "{\"delta\": 1}"},
          new String[] {"POST", "/crdt/counters/" + longName, "{\"delta\": 1}"},
          new String[] {"GET", "/crdt/counters/" + longName, null},
          new String[] {"POST", "/crdt/counters/hits", "{\"delta\": "},
          new String[] {"POST", "/crdt/counters/hits", "{\"delta\": \"5\"}"},
          new String[] {"POST", "/crdt/counters/hits", "{\"delta\": 1.5}"},
          new String[] {"POST", "/crdt/counters/hits", "{\"delta\": 99999999999999999999}"},
          new String[] {"POST", "/crdt/counters/hits", "{\"delta\": 1, \"extra\": 2}"},
          new String[] {"POST", "/crdt/counters/hits", "[1]"},
          new String[] {"POST", "/crdt/counters/hits?consistency=bogus", "{\"delta\": 1}"},
          new String[] {"POST", "/crdt/counters/hits?w=4", "{\"delta\": 1}"},
          new String[] {"POST", "/crdt/counters/hits?w=0", "{\"delta\": 1}"},
          new String[] {"POST", "/crdt/counters/hits?foo=1", "{\"delta\": 1}"},
          new String[] {"POST", "/crdt/sets/s", "{\"add\": \"a\", \"remove\": \"b\"}"},
          new String[] {"POST", "/crdt/sets/s", "{\"add\": 5}"},
          new String[] {"POST", "/crdt/sets/s", "{}"},
          new String[] {"POST", "/crdt/sets/s", "{\"add\": " + longValue + "}"},
          new String[] {"POST", "/crdt/registers/r", "{\"value\": null}"},
          new String[] {"POST", "/crdt/registers/r", "{\"val\": \"x\"}"});
      for (String[] b : bad) {
        Reply r = call(base, b[0], b[1].length() > 60 ? b[1] : b[1], b[2]);
        assertEquals(400, r.status(), b[0] + " " + b[1] + " " + b[2] + " -> " + r.body());
        assertEquals(400, r.body().get("status").asInt());
        assertTrue(r.body().get("error").asText().length() > 0);
      }
      assertEquals(4, call(base, "GET", "/crdt/counters/hits", null).body().get("value").asLong(), "nothing changed");
      assertEquals(0, call(base, "GET", "/crdt/sets/s", null).body().get("elements").size(), "nothing changed");

      call(base, "POST", "/crdt/sets/cart", "{\"add\": \"x\"}");
      call(base, "POST", "/crdt/sets/cart", "{\"add\": \"y\"}");
      Reply set = call(base, "POST", "/crdt/sets/cart", "{\"remove\": \"x\"}");
      assertEquals("[\"y\"]", set.body().get("elements").toString());

      Reply reg = call(base, "POST", "/crdt/registers/color", "{\"value\": \"red\"}");
      assertEquals(200, reg.status(), reg.body().toString());
      JsonNode sib = reg.body().get("siblings").get(0);
      assertEquals("red", sib.get("value").asText());
      assertEquals(1, sib.get("clock").size());
      await("the register reaches n2", 10, () -> {
        Gossip.Result r = read("n2", "register/color", 1);
        return r.state() != null;
      });

      Reply convergence = call(base, "GET", "/gossip/convergence", null);
      assertEquals(200, convergence.status());
      assertTrue(convergence.body().get("keys").has("counter/hits"), convergence.body().toString());
      await("n1 knows every member holds the newest counter/hits", 10, () -> call(base, "GET", "/gossip/convergence",
          null).body().get("keys").get("counter/hits").get("converged").asBoolean());

      cluster.node("n1").transport().setFaultPlan(FaultPlan.partitioned(List.of(Set.of("n1"))));
      try {
        Reply unavailable = call(base, "POST", "/crdt/counters/hits?w=3", "{\"delta\": 1}");
        assertEquals(503, unavailable.status(), unavailable.body().toString());
        assertEquals(1, unavailable.body().get("answered").asInt(), unavailable.body().toString());
        assertEquals(3, unavailable.body().get("needed").asInt());
        Reply unavailableRead = call(base, "GET", "/crdt/counters/hits?consistency=all", null);
        assertEquals(503, unavailableRead.status());
        assertEquals(200, call(base, "GET", "/crdt/counters/hits", null).status(), "a local read still works");
      } finally {
        cluster.node("n1").transport().setFaultPlan(FaultPlan.NONE);
      }
    } finally {
      binding.unbind().toCompletableFuture().join();
    }
  }
}
