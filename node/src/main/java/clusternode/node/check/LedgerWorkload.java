package clusternode.node.check;

import clusternode.node.ctl.NodeClient;
import clusternode.node.check.LedgerCheck.Replica;
import clusternode.node.check.LedgerCheck.Retry;
import clusternode.node.check.LedgerCheck.Transfer;
import clusternode.protocols.peers.Peer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Transfers between a few accounts through random nodes. Afterwards every transfer whose outcome
 * was unknown is retried with its id (the ledger applies an id at most once and says whether it
 * had), every acknowledged one too (it must answer "duplicate"), and every replica is read
 * locally once all have applied the same log prefix: the facts {@link LedgerCheck} judges.
 */
final class LedgerWorkload implements Workload {
  static final List<String> ACCOUNTS = List.of("a", "b", "c", "d", "e");
  static final long INITIAL = 10_000;
  /**
   * How long, after the heal, a retry may go unanswered. PBFT after an equivocating primary on a
   * loaded machine (2 cores, load 45) took over 60 s to finish its view change (exponential
   * back-off), which left unknown transfers unresolved; 120 s covers that.
   */
  private static final Duration SETTLE = Duration.ofSeconds(120);

  private final Nodes nodes;
  private final String runTag;
  private final Map<String, Transfer> acknowledged = new ConcurrentHashMap<>();
  private final Map<String, Transfer> unknown = new ConcurrentHashMap<>();
  private LedgerCheck.Facts facts;

  LedgerWorkload(Nodes nodes, String runTag) {
    this.nodes = nodes;
    this.runTag = runTag;
  }

  @Override
  public String name() {
    return "ledger";
  }

  @Override
  public void setup(History history) throws Exception {
    NodeClient http = nodes.client();
    List<Peer> peers = nodes.peers();
    for (String account : ACCOUNTS) {
      definitely(history, http, "setup", "open", account, "/ledger/accounts", "{\"id\":\"" + account + "\"}", peers);
      definitely(history, http, "setup", "deposit", account, "/ledger/deposits", "{\"id\":\"dep-" + runTag + "-"
          + account + "\",\"account\":\"" + account + "\",\"amount\":" + INITIAL + "}", peers);
    }
  }

  @Override
  public Steps client(Client client) {
    return () -> {
      String from = client.pick(ACCOUNTS);
      String to = client.pick(ACCOUNTS.stream().filter(a -> !a.equals(from)).toList());
      Transfer t = new Transfer("t-" + runTag + "-" + client.unique(), from, to, 1 + client.random().nextInt(50));
      Op op = Op.send("transfer", t.id(), t.describe(), "POST", "/ledger/transfers", json(t));
      Event done = client.call(op, LedgerWorkload::classify);
      if (done.type().equals(Event.OK)) {
        acknowledged.put(t.id(), t);
      } else if (done.type().equals(Event.INFO)) {
        unknown.put(t.id(), t);
      }
    };
  }

  private static Event classify(Event in, NodeClient.Answer a, long at) {
    return switch (a.status()) {
      case 200, 201 -> in.complete(Event.OK, a.body().contains("\"duplicate\":true") ? "duplicate" : null, null, at);
      case 400, 404, 409 -> in.complete(Event.FAIL, null, "status " + a.status() + " " + reason(a), at);
      default -> Ops.unknown(in, a, at);
    };
  }

  private static String reason(NodeClient.Answer a) {
    try {
      return a.json().path("reason").asText("");
    } catch (RuntimeException e) {
      return "";
    }
  }

  @Override
  public List<String> finish(History history, List<Peer> live) throws Exception {
    Map<String, Retry> retries = retryAll(history, live);
    List<String> problems = new ArrayList<>();
    NodeClient http = nodes.client();
    if (!sameAppliedIndex(http, live)) {
      problems.add("the replicas did not reach the same applied index within " + SETTLE.toSeconds() + " s");
    }
    List<Replica> replicas = new ArrayList<>();
    for (Peer p : live) {
      try {
        replicas.add(replica(http, p));
      } catch (IOException | RuntimeException e) {
        problems.add(p.id() + ": could not read its ledger: " + e);
      }
    }
    Map<String, Long> initial = new LinkedHashMap<>();
    ACCOUNTS.forEach(a -> initial.put(a, INITIAL));
    facts = new LedgerCheck.Facts(initial, List.copyOf(acknowledged.values()), List.copyOf(unknown.values()),
        Map.copyOf(retries), replicas);
    return problems;
  }

  /** Every unknown and every acknowledged transfer again, by four workers: what the ledger says of each. */
  private Map<String, Retry> retryAll(History history, List<Peer> live) throws Exception {
    Map<String, Retry> retries = new ConcurrentHashMap<>();
    List<Transfer> toRetry = new ArrayList<>(unknown.values());
    toRetry.addAll(acknowledged.values());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int worker = w;
        futures.add(pool.submit(() -> {
          NodeClient http = nodes.client();
          for (int i = worker; i < toRetry.size(); i += 4) {
            Transfer t = toRetry.get(i);
            Event e = definitely(history, http, "final-" + worker, "retry", t.id(), "/ledger/transfers", json(t), live);
            if (e != null) {
              retries.put(t.id(), new Retry(t.id(), Integer.parseInt(e.error() == null ? "0" : e.error()),
                  "duplicate".equals(e.result())));
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
    return retries;
  }

  /** One replica's own ledger, read locally: its audit and every account's balance. */
  private static Replica replica(NodeClient http, Peer p) throws IOException {
    JsonNode audit = http.get(p, "/ledger/audit?consistency=local").json();
    Map<String, Long> balances = new LinkedHashMap<>();
    for (String account : ACCOUNTS) {
      balances.put(account, http.get(p, "/ledger/accounts/" + account + "?consistency=local").json()
          .path("balance").asLong());
    }
    return new Replica(p.id(), audit.path("ok").asBoolean(false), audit.path("totalBalance").asLong(),
        audit.path("deposits").asLong(), audit.path("withdrawals").asLong(), audit.path("digest").asText(), balances);
  }

  LedgerCheck.Facts facts() {
    return facts;
  }

  /**
   * Posts until some node gives a definite answer (2xx, 409), recording each attempt; returns the
   * definite completion (its error holds the status, its result "duplicate" for a repeat), or null.
   */
  private static Event definitely(History history, NodeClient http, String process, String f, String key,
      String path, String body, List<Peer> via) {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    for (int i = 0; System.nanoTime() < deadline; i++) {
      Peer peer = via.get(i % via.size());
      Event done = Ops.run(history, http, process, peer, Op.send(f, key, null, "POST", path, body),
          (in, a, at) -> switch (a.status()) {
            case 200, 201 -> in.complete(Event.OK, a.body().contains("\"duplicate\":true") ? "duplicate" : null,
                Integer.toString(a.status()), at);
            case 409 -> in.complete(Event.FAIL, null, "409", at);
            default -> Ops.unknown(in, a, at);
          });
      if (!done.type().equals(Event.INFO) && ("409".equals(done.error()) || done.type().equals(Event.OK))) {
        return done;
      }
      Ops.sleep(100);
    }
    return null;
  }

  private boolean sameAppliedIndex(NodeClient http, List<Peer> live) {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (System.nanoTime() < deadline) {
      Set<Long> applied = new HashSet<>();
      for (Peer p : live) {
        try {
          // Raft says lastApplied, PBFT lastExecuted: either way, the log prefix this replica applied.
          JsonNode c = http.get(p, "/health/consensus").json();
          applied.add(c.has("lastApplied") ? c.path("lastApplied").asLong(-1) : c.path("lastExecuted").asLong(-1));
        } catch (IOException | RuntimeException e) {
          applied.add(-1L);
        }
      }
      if (applied.size() == 1 && !applied.contains(-1L)) {
        return true;
      }
      Ops.sleep(100);
    }
    return false;
  }

  private static String json(Transfer t) {
    return "{\"id\":\"" + t.id() + "\",\"from\":\"" + t.from() + "\",\"to\":\"" + t.to() + "\",\"amount\":"
        + t.amount() + "}";
  }
}
