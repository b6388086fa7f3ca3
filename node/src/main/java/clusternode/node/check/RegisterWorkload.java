package clusternode.node.check;

import clusternode.node.ctl.NodeClient;
import clusternode.protocols.http.Json;
import clusternode.protocols.peers.Peer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads, writes and compare-and-sets on a few keys through random nodes. Every written value is
 * unique ({@code c<client>-<n>}), so a read names the write it saw. A cas expects the value this
 * client last saw or wrote for the key, so some win and some are refused.
 */
final class RegisterWorkload implements Workload {
  static final List<String> KEYS = List.of("r0", "r1", "r2");
  private static final Duration FINAL_READ_WITHIN = Duration.ofSeconds(60);

  private final Nodes nodes;

  RegisterWorkload(Nodes nodes) {
    this.nodes = nodes;
  }

  @Override
  public String name() {
    return "register";
  }

  @Override
  public Steps client(Client client) {
    Map<String, String> lastSeen = new HashMap<>();
    return () -> {
      String key = client.pick(KEYS);
      int pick = client.random().nextInt(10);
      Event done = pick < 4 ? client.call(read(key), RegisterWorkload::readOf)
          : pick < 8 ? write(client, key) : cas(client, key, lastSeen.get(key));
      if (done.type().equals(Event.OK)) {
        lastSeen.put(key, done.f().equals("read") ? done.result() : done.value());
      } else if (Event.MISMATCH.equals(done.error())) {
        lastSeen.put(key, done.result()); // the refusal said what is there now
      }
    };
  }

  private static Event write(Client client, String key) {
    String value = client.unique();
    return client.call(Op.send("write", key, value, "PUT", "/kv/" + key, value), RegisterWorkload::written);
  }

  private static Event cas(Client client, String key, String expected) {
    String value = client.unique();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("expected", expected);
    body.put("value", value);
    Op op = Op.send("cas", key, value, "POST", "/kv/" + key + "/cas", json(body)).expecting(expected);
    return client.call(op, RegisterWorkload::swapped);
  }

  /** After the heal: one linearizable read of every key, retried until some node answers. */
  @Override
  public List<String> finish(History history, List<Peer> live) {
    NodeClient http = nodes.client();
    List<String> problems = new ArrayList<>();
    for (String key : KEYS) {
      long deadline = System.nanoTime() + FINAL_READ_WITHIN.toNanos();
      boolean done = false;
      for (int i = 0; !done && System.nanoTime() < deadline; i++) {
        Peer peer = live.get(i % live.size());
        done = Ops.run(history, http, "final", peer, read(key), RegisterWorkload::readOf).type().equals(Event.OK);
        if (!done) {
          Ops.sleep(200);
        }
      }
      if (!done) {
        problems.add("no node answered a read of " + key + " within " + FINAL_READ_WITHIN.toSeconds()
            + " s after the heal");
      }
    }
    return problems;
  }

  private static Op read(String key) {
    return Op.get("read", key, "/kv/" + key);
  }

  private static Event readOf(Event in, NodeClient.Answer a, long at) {
    return switch (a.status()) {
      case 200 -> in.complete(Event.OK, a.body(), null, at);
      case 404 -> in.complete(Event.OK, null, null, at);
      default -> Ops.unknown(in, a, at);
    };
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
}
