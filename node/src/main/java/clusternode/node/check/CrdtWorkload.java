package clusternode.node.check;

import clusternode.node.check.CrdtCheck.Observation;
import clusternode.node.ctl.NodeClient;
import clusternode.protocols.peers.Peer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Gossip's CRDTs over HTTP on every node: increments and decrements of one PN-counter, adds and
 * removes on one add-wins OR-set, and local reads of both. Each client adds elements of its own
 * ({@code c<client>-<n>}) and now and then removes one it saw added, so most elements must survive
 * and a few may go either way. After the heal every node is polled until all agree with what the
 * clients were told ({@link CrdtCheck}), or a bound passes.
 */
final class CrdtWorkload implements Workload {
  static final String COUNTER = "check-counter";
  static final String SET = "check-set";
  /** The process of the last convergence round's reads in the history. */
  static final String FINAL_PROCESS = "final";
  private static final Duration POLL = Duration.ofMillis(100);

  private final Nodes nodes;
  /** {@code local}, {@code majority} or {@code all}: how many replicas hold a write before it is acknowledged. */
  private final String writeConsistency;
  private final Duration convergeWithin;
  private Facts facts;

  /**
   * What the convergence poll found.
   *
   * @param convergedAfterMs from the end of the heal to the first round in which every node held
   *     the expected state; -1 if none did within the bound
   * @param sinceHealBeganMs the same moment, measured from when the final heal began (restarts of
   *     killed nodes included); -1 if it never came
   */
  record Facts(CrdtCheck.Expectation expectation, List<Observation> last, CrdtCheck.Verdict verdict,
      long convergedAfterMs, long sinceHealBeganMs, int rounds) {}

  CrdtWorkload(Nodes nodes, String writeConsistency, Duration convergeWithin) {
    this.nodes = nodes;
    this.writeConsistency = writeConsistency;
    this.convergeWithin = convergeWithin;
  }

  @Override
  public String name() {
    return "crdt";
  }

  @Override
  public Steps client(Client client) {
    List<String> added = new ArrayList<>();
    return () -> {
      int pick = client.random().nextInt(20);
      if (pick < 7) {
        client.call(counterAdd(client.random()), CrdtWorkload::written);
      } else if (pick < 14) {
        String element = client.unique();
        if (client.call(setUpdate(CrdtCheck.SET_ADD, "add", element), CrdtWorkload::written).type().equals(Event.OK)) {
          added.add(element);
        }
      } else if (pick < 16 && !added.isEmpty()) {
        String element = added.remove(client.random().nextInt(added.size()));
        client.call(setUpdate(CrdtCheck.SET_REMOVE, "remove", element), CrdtWorkload::written);
      } else if (pick < 18) {
        client.call(Op.get(CrdtCheck.COUNTER_READ, COUNTER, "/crdt/counters/" + COUNTER), CrdtWorkload::counterRead);
      } else {
        client.call(Op.get(CrdtCheck.SET_READ, SET, "/crdt/sets/" + SET), CrdtWorkload::setRead);
      }
    };
  }

  /** Mostly increments, a third of the time a decrement. */
  private Op counterAdd(Random random) {
    long delta = random.nextInt(3) == 0 ? -(1 + random.nextInt(5)) : 1 + random.nextInt(10);
    return Op.send(CrdtCheck.COUNTER_ADD, COUNTER, Long.toString(delta), "POST",
        "/crdt/counters/" + COUNTER + "?consistency=" + writeConsistency, "{\"delta\":" + delta + "}");
  }

  private Op setUpdate(String f, String field, String element) {
    return Op.send(f, SET, element, "POST", "/crdt/sets/" + SET + "?consistency=" + writeConsistency,
        "{\"" + field + "\":\"" + element + "\"}");
  }

  private static Event counterRead(Event in, NodeClient.Answer a, long at) {
    return a.status() == 200 ? in.complete(Event.OK, a.json().path("value").asText(), null, at) : Ops.unknown(in, a, at);
  }

  private static Event setRead(Event in, NodeClient.Answer a, long at) {
    return a.status() == 200 ? in.complete(Event.OK, CrdtCheck.record(elements(a.json())), null, at)
        : Ops.unknown(in, a, at);
  }

  /**
   * 200: held by as many replicas as asked. 400: refused as malformed; 409: this replica refused
   * it (store full): neither applied anything. 503: too few replicas held it in time, yet it is
   * applied where it reached and spreads: unknown.
   */
  private static Event written(Event in, NodeClient.Answer a, long at) {
    return switch (a.status()) {
      case 200 -> in.complete(Event.OK, null, null, at);
      case 400, 409 -> in.complete(Event.FAIL, null, "status " + a.status() + " " + a.body(), at);
      default -> Ops.unknown(in, a, at);
    };
  }

  /** After the heal: poll every node until all hold what the history says, or {@code convergeWithin} passes. */
  @Override
  public List<String> finish(History history, List<Peer> live) {
    CrdtCheck.Expectation expected = CrdtCheck.expect(history.operations());
    NodeClient http = nodes.client(Duration.ofSeconds(2));
    long began = System.nanoTime();
    long deadline = began + convergeWithin.toNanos();
    int rounds = 0;
    List<Observation> last;
    CrdtCheck.Verdict verdict;
    long convergedAfterMs = -1;
    long sinceHealBeganMs = -1;
    do {
      rounds++;
      last = new ArrayList<>();
      for (Peer p : live) {
        last.add(observe(http, p));
      }
      verdict = CrdtCheck.judge(expected, last);
      if (verdict.converged()) {
        convergedAfterMs = (System.nanoTime() - began) / 1_000_000;
        sinceHealBeganMs = (history.nowNs() - healBeganNs(history)) / 1_000_000;
        break;
      }
      Ops.sleep(POLL.toMillis());
    } while (System.nanoTime() < deadline);
    recordFinal(history, last);
    facts = new Facts(expected, last, verdict, convergedAfterMs, sinceHealBeganMs, rounds);
    List<String> problems = new ArrayList<>();
    for (Observation o : last) {
      if (!o.complete()) {
        problems.add(o.node() + ": its CRDTs could not be read after the heal");
      }
    }
    return problems;
  }

  /** When the nemesis began its final heal-all; now if it never did. */
  private static long healBeganNs(History history) {
    long at = history.nowNs();
    for (Event e : history.events()) {
      if (e.isInvoke() && e.process().equals(Event.NEMESIS) && "heal-all".equals(e.value())) {
        at = e.timeNs();
      }
    }
    return at;
  }

  Facts facts() {
    return facts;
  }

  private static Observation observe(NodeClient http, Peer p) {
    Long counter = null;
    Set<String> elements = null;
    try {
      NodeClient.Answer c = http.get(p, "/crdt/counters/" + COUNTER + "?consistency=local");
      if (c.status() == 200) {
        counter = c.json().path("value").asLong();
      }
      NodeClient.Answer s = http.get(p, "/crdt/sets/" + SET + "?consistency=local");
      if (s.status() == 200) {
        elements = elements(s.json());
      }
    } catch (IOException | RuntimeException e) {
      // unreadable this round: the fields stay null
    }
    return new Observation(p.id(), counter, elements);
  }

  /** The last round goes into the history as reads of process {@code final}, for the report. */
  private static void recordFinal(History history, List<Observation> last) {
    for (Observation o : last) {
      Event c = history.append(Event.invoke(FINAL_PROCESS, CrdtCheck.COUNTER_READ, COUNTER, null, null, o.node(),
          history.nowNs()));
      history.append(o.counter() == null ? c.complete(Event.INFO, null, "unreadable", history.nowNs())
          : c.complete(Event.OK, Long.toString(o.counter()), null, history.nowNs()));
      Event s = history.append(Event.invoke(FINAL_PROCESS, CrdtCheck.SET_READ, SET, null, null, o.node(),
          history.nowNs()));
      history.append(o.elements() == null ? s.complete(Event.INFO, null, "unreadable", history.nowNs())
          : s.complete(Event.OK, CrdtCheck.record(o.elements()), null, history.nowNs()));
    }
  }

  private static Set<String> elements(JsonNode body) {
    Set<String> out = new TreeSet<>();
    body.path("elements").forEach(e -> out.add(e.asText()));
    return out;
  }
}
