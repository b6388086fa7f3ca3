package clusternode.node.ctl;

import clusternode.node.Main;
import clusternode.protocols.http.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code clusterctl ledger ...}: the ledger's HTTP API (DESIGN.md, "Contract: HTTP API"), one
 * subcommand per route. Each prints the node's JSON answer; a 4xx or 5xx exits 1 with the error
 * on stderr. Ids are the client's idempotency keys: repeating a command with the same id is safe.
 */
@Command(name = "ledger", mixinStandardHelpOptions = true,
    description = "Ledger accounts, deposits, transfers (pending / post / void / linked), balances, history, audit.")
final class LedgerCtl implements Callable<Integer> {
  @ParentCommand ClusterCtl parent;

  @Override
  public Integer call() {
    System.out.println("usage: bin/clusterctl ledger open|deposit|withdraw|transfer|post|void|balance|history|audit ..."
        + " (ledger --help for more)");
    return Main.EXIT_CONFIG;
  }

  @Command(name = "open", description = "POST /ledger/accounts: open account ID")
  int open(@Parameters(paramLabel = "ID") String id,
      @Option(names = "--limit", paramLabel = "N", description = "overdraft limit: how far below zero the balance may go"
          + " (default 0: debits must not exceed credits)") Long limit) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id);
    if (limit != null) {
      body.put("limit", limit);
    }
    return send("POST", "/ledger/accounts", body);
  }

  @Command(name = "deposit", description = "POST /ledger/deposits: AMOUNT minor units into ACCOUNT")
  int deposit(@Parameters(index = "0", paramLabel = "ID") String id,
      @Parameters(index = "1", paramLabel = "ACCOUNT") String account,
      @Parameters(index = "2", paramLabel = "AMOUNT") long amount) {
    return send("POST", "/ledger/deposits", money(id, account, amount));
  }

  @Command(name = "withdraw", description = "POST /ledger/withdrawals: AMOUNT minor units out of ACCOUNT")
  int withdraw(@Parameters(index = "0", paramLabel = "ID") String id,
      @Parameters(index = "1", paramLabel = "ACCOUNT") String account,
      @Parameters(index = "2", paramLabel = "AMOUNT") long amount) {
    return send("POST", "/ledger/withdrawals", money(id, account, amount));
  }

  @Command(name = "transfer", description = "POST /ledger/transfers: AMOUNT from FROM to TO")
  int transfer(@Parameters(index = "0", paramLabel = "ID") String id,
      @Parameters(index = "1", paramLabel = "FROM") String from,
      @Parameters(index = "2", paramLabel = "TO") String to,
      @Parameters(index = "3", paramLabel = "AMOUNT") long amount,
      @Option(names = "--pending", description = "two-phase: only reserve the amount until post or void") boolean pending,
      @Option(names = "--timeout-ms", paramLabel = "MS", description = "a pending transfer not posted or voided"
          + " within MS expires") Long timeoutMs,
      @Option(names = "--linked", paramLabel = "ID:FROM:TO:AMOUNT", description = "another transfer that succeeds"
          + " with this one or not at all (repeatable)") List<String> linked) {
    Map<String, Object> body = transfer(id, from, to, amount);
    if (pending) {
      body.put("pending", true);
    }
    if (timeoutMs != null) {
      body.put("timeoutMs", timeoutMs);
    }
    if (linked != null) {
      List<Map<String, Object>> others = new ArrayList<>();
      for (String spec : linked) {
        String[] parts = spec.split(":", -1);
        Long other = parts.length == 4 ? amount(parts[3]) : null;
        if (other == null) {
          System.err.println("error: --linked takes ID:FROM:TO:AMOUNT (AMOUNT an integer of minor units), not '"
              + spec + "'; nothing was sent");
          return Main.EXIT_CONFIG;
        }
        others.add(transfer(parts[0], parts[1], parts[2], other));
      }
      body.put("linked", others);
    }
    return send("POST", "/ledger/transfers", body);
  }

  @Command(name = "post", description = "POST /ledger/transfers/ID/post: complete pending transfer ID")
  int post(@Parameters(paramLabel = "ID") String id,
      @Option(names = "--amount", paramLabel = "N", description = "post only N of the reserved amount (default: all)")
      Long amount) {
    String path = "/ledger/transfers/" + ClusterCtl.encode(id) + "/post";
    return amount == null ? parent.call("POST", path, null) : send("POST", path, Map.of("amount", amount));
  }

  @Command(name = "void", description = "POST /ledger/transfers/ID/void: release pending transfer ID")
  int voidPending(@Parameters(paramLabel = "ID") String id) {
    return parent.call("POST", "/ledger/transfers/" + ClusterCtl.encode(id) + "/void", null);
  }

  @Command(name = "balance", description = "GET /ledger/accounts/ACCOUNT: balance, pending, available")
  int balance(@Parameters(paramLabel = "ACCOUNT") String account,
      @Option(names = "--as-of", paramLabel = "INDEX|TIME", description = "as of a log index or an ISO-8601 time")
      String asOf,
      @Option(names = "--local", description = "read this node's possibly stale copy") boolean local) {
    return parent.call("GET", "/ledger/accounts/" + ClusterCtl.encode(account)
        + query("asOf", asOf, "consistency", local ? "local" : null), null);
  }

  @Command(name = "history", description = "GET /ledger/accounts/ACCOUNT/history: its events, oldest first")
  int history(@Parameters(paramLabel = "ACCOUNT") String account,
      @Option(names = "--as-of", paramLabel = "INDEX|TIME", description = "only events up to a log index or an"
          + " ISO-8601 time") String asOf,
      @Option(names = "--after", paramLabel = "SEQ", description = "events after this seq (the 'next' of a page)")
      Long after,
      @Option(names = "--limit", paramLabel = "N", description = "events per page") Integer limit,
      @Option(names = "--local", description = "read this node's possibly stale copy") boolean local) {
    return parent.call("GET", "/ledger/accounts/" + ClusterCtl.encode(account) + "/history"
        + query("asOf", asOf, "after", after, "limit", limit, "consistency", local ? "local" : null), null);
  }

  @Command(name = "audit", description = "GET /ledger/audit: the invariants re-checked on this node, totals, digest")
  int audit(@Option(names = "--local", description = "this node's state without a linearizable read") boolean local) {
    return parent.call("GET", "/ledger/audit" + query("consistency", local ? "local" : null), null);
  }

  private static Map<String, Object> money(String id, String account, long amount) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id);
    body.put("account", account);
    body.put("amount", amount);
    return body;
  }

  private static Map<String, Object> transfer(String id, String from, String to, long amount) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id);
    body.put("from", from);
    body.put("to", to);
    body.put("amount", amount);
    return body;
  }

  private static Long amount(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** {@code ?k=v&...} of the pairs whose value is not null; empty when none is. */
  private static String query(Object... pairs) {
    StringBuilder q = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        q.append(q.length() == 0 ? '?' : '&').append(pairs[i]).append('=').append(ClusterCtl.encode(pairs[i + 1].toString()));
      }
    }
    return q.toString();
  }

  private int send(String method, String path, Map<String, Object> body) {
    try {
      return parent.call(method, path, Json.MAPPER.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
