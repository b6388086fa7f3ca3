package clusternode.gossip;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import clusternode.gossip.core.Versioned;
import clusternode.gossip.crdt.MVRegister;
import clusternode.gossip.crdt.ORSet;
import clusternode.gossip.crdt.PNCounter;
import clusternode.protocols.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * The gossip protocol's HTTP API: membership, convergence, and CRDT counters, sets and
 * registers with tunable consistency. Input is checked before anything reaches the actor: a bad
 * name, body or parameter is a 400 and changes nothing.
 *
 * <p>Consistency: {@code ?consistency=local|majority|all} (default local) sets both R and W for
 * the request; {@code r} and {@code w} override each (1..N). A write waits for W replicas to hold
 * its delta, a read merges the states of R replicas. Every answer says whether R + W > N for that
 * pair, i.e. whether a read at R is sure to see a write at W. Not reaching the number within
 * {@code request-timeout} is a 503 that says how many answered; a write that timed out is still
 * applied where it reached and spreads by anti-entropy.
 */
final class GossipRoutes extends AllDirectives {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Set<String> PARAMS = Set.of("consistency", "r", "w");

  private final ActorRef<Object> actor;
  private final ActorSystem<?> system;
  private final GossipSettings settings;
  private final int replicas;
  private final Duration askTimeout;

  GossipRoutes(ActorRef<Object> actor, ActorSystem<?> system, GossipSettings settings, int replicas) {
    this.actor = actor;
    this.system = system;
    this.settings = settings;
    this.replicas = replicas;
    this.askTimeout = settings.requestTimeout().plusSeconds(3);
  }

  Route route() {
    return concat(
        pathPrefix("gossip", () -> concat(
            path("members", () -> get(() -> completeWithFuture(members().thenApply(Json::ok)))),
            path("convergence", () -> get(() -> completeWithFuture(convergence()))))),
        pathPrefix("crdt", () -> concat(crdt("counters", "counter"), crdt("sets", "set"), crdt("registers", "register"))));
  }

  CompletionStage<Gossip.MembersReport> members() {
    return AskPattern.ask(actor, Gossip.GetMembers::new, askTimeout, system.scheduler());
  }

  private CompletionStage<HttpResponse> convergence() {
    CompletionStage<Gossip.ConvergenceReport> report =
        AskPattern.ask(actor, Gossip.GetConvergence::new, askTimeout, system.scheduler());
    return report.thenApply(r -> {
      Map<String, Object> keys = new LinkedHashMap<>();
      r.holders().forEach((key, holders) -> {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("newestHeldBy", holders);
        k.put("converged", holders.containsAll(r.members()));
        keys.put(key, k);
      });
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("self", r.self());
      body.put("members", r.members());
      body.put("keys", keys);
      body.put("lastConvergenceMs", r.lastConvergenceMs());
      return Json.ok(body);
    });
  }

  private Route crdt(String segment, String type) {
    return path(PathMatchers.segment(segment).slash(PathMatchers.segment()), name -> parameterMap(params -> concat(
        get(() -> complete(type, name, params, null)),
        post(() -> entity(Unmarshaller.entityToByteArray(), body -> complete(type, name, params, body))))));
  }

  /** A read (no body) or a write (body) of {@code type}/{@code name}. */
  private Route complete(String type, String name, Map<String, String> params, byte[] body) {
    Levels levels;
    Gossip.Op op = null;
    try {
      checkName(name);
      levels = levels(params);
      if (body != null) {
        op = parse(type, body);
      }
    } catch (BadRequest e) {
      return complete(Json.error(StatusCodes.BAD_REQUEST, e.getMessage()));
    }
    String key = type + "/" + name;
    Gossip.Op write = op;
    CompletionStage<Gossip.Result> result = write == null
        ? AskPattern.ask(actor, replyTo -> new Gossip.Read(key, levels.r, replyTo), askTimeout, system.scheduler())
        : AskPattern.ask(actor, replyTo -> new Gossip.Write(key, write, levels.w, replyTo), askTimeout, system.scheduler());
    return completeWithFuture(result.thenApply(r -> render(type, name, levels, write != null, r)));
  }

  private HttpResponse render(String type, String name, Levels levels, boolean isWrite, Gossip.Result r) {
    Map<String, Object> consistency = new LinkedHashMap<>();
    consistency.put("n", replicas);
    consistency.put("r", levels.r);
    consistency.put("w", levels.w);
    consistency.put("rPlusWGreaterThanN", levels.r + levels.w > replicas);
    consistency.put(isWrite ? "acks" : "replies", r.answered());
    consistency.put("needed", r.needed());
    if (!r.ok()) {
      // busy: too many requests wait here (429); answered == 0: this replica itself refused (store
      // full, counter overflow: 409); else too few replicas in time (503)
      boolean refused = r.answered() == 0;
      StatusCode status = r.busy() ? StatusCodes.TOO_MANY_REQUESTS
          : refused ? StatusCodes.CONFLICT : StatusCodes.SERVICE_UNAVAILABLE;
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", r.error());
      body.put("status", status.intValue());
      body.put("answered", r.answered());
      body.put("needed", r.needed());
      body.put("consistency", consistency);
      return Json.response(status, body);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    Versioned state = r.state();
    switch (type) {
      case "counter" -> body.put("value", state == null ? 0 : ((PNCounter) state.data()).exactValue());
      case "set" -> body.put("elements", state == null ? List.of() : ((ORSet) state.data()).elements());
      default -> {
        List<Map<String, Object>> siblings = new ArrayList<>();
        if (state != null) {
          for (MVRegister.Sibling s : ((MVRegister) state.data()).siblings()) {
            Map<String, Object> sib = new LinkedHashMap<>();
            sib.put("value", s.value());
            sib.put("clock", s.clock().entries());
            siblings.add(sib);
          }
        }
        body.put("siblings", siblings);
      }
    }
    body.put("version", state == null ? Map.of() : state.version().entries());
    body.put("consistency", consistency);
    return Json.ok(body);
  }

  // ---------------------------------------------------------------- input checks

  private static final class BadRequest extends Exception {
    BadRequest(String message) {
      super(message);
    }
  }

  private record Levels(int r, int w) {}

  private void checkName(String name) throws BadRequest {
    if (name.isEmpty() || name.length() > settings.maxNameLength() || !NAME.matcher(name).matches()) {
      throw new BadRequest("invalid name: use 1 to " + settings.maxNameLength() + " characters of [A-Za-z0-9._-]");
    }
  }

  private Levels levels(Map<String, String> params) throws BadRequest {
    for (String p : params.keySet()) {
      if (!PARAMS.contains(p)) {
        throw new BadRequest("unknown parameter '" + p + "'; known: consistency, r, w");
      }
    }
    int level = switch (params.getOrDefault("consistency", "local")) {
      case "local" -> 1;
      case "majority" -> replicas / 2 + 1;
      case "all" -> replicas;
      default -> throw new BadRequest("consistency must be local, majority or all");
    };
    return new Levels(count(params, "r", level), count(params, "w", level));
  }

  private int count(Map<String, String> params, String name, int fallback) throws BadRequest {
    String v = params.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= replicas) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new BadRequest(name + " must be a whole number from 1 to " + replicas + " (the number of replicas)");
  }

  private Gossip.Op parse(String type, byte[] body) throws BadRequest {
    JsonNode json;
    try {
      json = Json.readTree(body);
    } catch (IOException e) {
      throw new BadRequest("malformed JSON: " + firstLine(e.getMessage()));
    }
    if (json == null || !json.isObject()) {
      throw new BadRequest("the body must be a JSON object");
    }
    switch (type) {
      case "counter" -> {
        only(json, Set.of("delta"), "{\"delta\": <whole number>}");
        JsonNode d = json.get("delta");
        if (d == null || !d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() == Long.MIN_VALUE) {
          throw new BadRequest("delta must be a whole number (a 64-bit integer, may be negative)");
        }
        return new Gossip.CounterAdd(d.asLong());
      }
      case "set" -> {
        only(json, Set.of("add", "remove"), "{\"add\": \"x\"} or {\"remove\": \"x\"}");
        if (json.size() != 1) {
          throw new BadRequest("give exactly one of add or remove");
        }
        String field = json.has("add") ? "add" : "remove";
        String element = text(json.get(field), field);
        return field.equals("add") ? new Gossip.SetAdd(element) : new Gossip.SetRemove(element);
      }
      default -> {
        only(json, Set.of("value"), "{\"value\": \"...\"}");
        return new Gossip.RegisterWrite(text(json.get("value"), "value"));
      }
    }
  }

  private static void only(JsonNode json, Set<String> allowed, String shape) throws BadRequest {
    Iterator<String> names = json.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!allowed.contains(n)) {
        throw new BadRequest("unknown field '" + n + "'; expected " + shape);
      }
    }
    if (json.isEmpty()) {
      throw new BadRequest("expected " + shape);
    }
  }

  private String text(JsonNode node, String field) throws BadRequest {
    if (node == null || !node.isTextual()) {
      throw new BadRequest(field + " must be a string");
    }
    String s = node.textValue();
    if (s.getBytes(StandardCharsets.UTF_8).length > settings.maxValueBytes()) {
      throw new BadRequest(field + " is longer than " + settings.maxValueBytes() + " bytes (max-value-bytes)");
    }
    return s;
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
