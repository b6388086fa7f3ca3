package clusternode.node.check;

import clusternode.node.ctl.NodeClient;
import clusternode.protocols.http.Json;
import clusternode.protocols.peers.Peer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Reads, writes and compare-and-sets on a few keys through random nodes. Every written value is
 * unique ({@code c<client>-<n>}), so a read names the write it saw. A cas expects the value this
 * client last saw or wrote for the key, so some win and some are refused.
 */
final class RegisterWorkload implements Workload {
  static final List<String> KEYS = List.of("r0", "r1", "r2");

  private final Nodes nodes;

  RegisterWorkload(Nodes nodes) {
    this.nodes = nodes;
  }

  @Override
  public String name() {
    return "register";
  }

  @Override
  public void setup(History history) {
    // Keys start absent: the cluster is fresh.
  }

  @Override
  public void client(int client, History history, Random random, BooleanSupplier running) {
    NodeClient http = nodes.client();
    List<Peer> peers = nodes.peers();
    String process = "c" + client;
    Map<String, String> lastSeen = new HashMap<>();
    long n = 0;
    while (running.getAsBoolean()) {
      String key = KEYS.get(random.nextInt(KEYS.size()));
      Peer peer = peers.get(random.nextInt(peers.size()));
      int pick = random.nextInt(10);
      Event done;
      if (pick < 4) {
        done = read(history, http, process, key, peer);
      } else if (pick < 8) {
        String value = process + "-" + n++;
        done = Ops.run(history, http, peer, Event.invoke(process, "write", key, value, null, peer.id(),
            history.nowNs()), "PUT", "/kv/" + key, value, RegisterWorkload::written);
      } else {
        String value = process + "-" + n++;
        String expected = lastSeen.get(key);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("expected", expected);
        body.put("value", value);
        done = Ops.run(history, http, peer, Event.invoke(process, "cas", key, value, expected, peer.id(),
            history.nowNs()), "POST", "/kv/" + key + "/cas", json(body), RegisterWorkload::swapped);
      }
      if (done.type().equals(Event.OK)) {
        lastSeen.put(key, done.f().equals("read") ? done.result() : done.value());
      } else if (Event.MISMATCH.equals(done.error())) {
        lastSeen.put(key, done.result());
      }
      pause(random);
    }
  }

  /** After the heal: one linearizable read of every key, retried until some node answers. */
  @Override
  public List<String> finish(History history, List<Peer> live) {
    NodeClient http = nodes.client();
    List<String> problems = new java.util.ArrayList<>();
    for (String key : KEYS) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      boolean done = false;
      for (int i = 0; !done && System.nanoTime() < deadline; i++) {
        done = read(history, http, "final", key, live.get(i % live.size())).type().equals(Event.OK);
        if (!done) {
          sleep(200);
        }
      }
      if (!done) {
        problems.add("no node answered a read of " + key + " within 60 s after the heal");
      }
    }
    return problems;
  }

  private static Event read(History history, NodeClient http, String process, String key, Peer peer) {
    return Ops.run(history, http, peer, Event.invoke(process, "read", key, null, null, peer.id(), history.nowNs()),
        "GET", "/kv/" + key, null, (in, a, at) -> switch (a.status()) {
          case 200 -> in.complete(Event.OK, a.body(), null, at);
          case 404 -> in.complete(Event.OK, null, null, at);
          default -> Ops.unknown(in, a, at);
        });
  }

  private static Event written(Event in, NodeClient.Answer a, long at) {
    return switch (a.status()) {
      case 200 -> in.complete(Event.OK, null, null, at);
      case 400 -> in.complete(Event.FAIL, null, "status 400 " + a.body(), at);
      default -> Ops.unknown(in, a, at);
    };
  }

  private static Event swapped(Event in, NodeClient.Answer a, long at) {
    switch (a.status()) {
      case 200:
        return in.complete(Event.OK, null, null, at);
      case 409:
        JsonNode current = a.json().path("current");
        return in.complete(Event.FAIL, current.isNull() || current.isMissingNode() ? null : current.asText(),
            Event.MISMATCH, at);
      case 400:
        return in.complete(Event.FAIL, null, "status 400 " + a.body(), at);
      default:
        return Ops.unknown(in, a, at);
    }
  }

  private static String json(Object o) {
    try {
      return Json.MAPPER.writeValueAsString(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void pause(Random random) {
    sleep(2 + random.nextInt(15));
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
