package clusternode.node.ctl;

import clusternode.node.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The coordination verbs of {@code clusterctl}: {@code range}, {@code txn}, {@code lease},
 * {@code watch}. ({@code lock} and {@code elect} hold a lease alive while they run: see
 * {@link LockCtl}.) Each prints the node's JSON; a 4xx or 5xx exits 1 with the error on stderr.
 */
final class CoordCtl {
  private CoordCtl() {}

  static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);

  /** Prints the answer (body on stdout, error on stderr) and returns the exit code. */
  static int print(CoordClient.Answer a) {
    System.out.println(a.body());
    if (!a.ok()) {
      System.err.println("error: HTTP " + a.status() + ": " + a.error());
    }
    return a.ok() ? 0 : 1;
  }

  static int call(ClusterCtl parent, String method, String path, String json) {
    try {
      return print(new CoordClient(parent.url).send(method, path, json, CALL_TIMEOUT));
    } catch (IOException e) {
      System.err.println("error: no answer from " + parent.url + ": " + e.getMessage());
      return 1;
    }
  }

  @Command(name = "range", mixinStandardHelpOptions = true, description = "GET /kv?prefix=PREFIX: keys with their revisions")
  static final class Range implements Callable<Integer> {
    @ParentCommand ClusterCtl parent;

    @Parameters(paramLabel = "PREFIX", defaultValue = "") String prefix;

    @Option(names = "--limit", paramLabel = "N") Integer limit;

    @Option(names = "--revision", paramLabel = "R", description = "read as of revision R (410 once compacted)") Long revision;

    @Override
    public Integer call() {
      String q = "/kv?prefix=" + ClusterCtl.encode(prefix) + (limit == null ? "" : "&limit=" + limit)
          + (revision == null ? "" : "&revision=" + revision);
      return CoordCtl.call(parent, "GET", q, null);
    }
  }

  @Command(name = "txn", mixinStandardHelpOptions = true,
      description = "POST /kv/txn: JSON {if:[{key,target,op,value}], then:[OP], else:[OP]} as the argument, or - for stdin")
  static final class Txn implements Callable<Integer> {
    @ParentCommand ClusterCtl parent;

    @Parameters(paramLabel = "JSON|-") String json;

    @Override
    public Integer call() throws IOException {
      String body = json.equals("-") ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8) : json;
      return CoordCtl.call(parent, "POST", "/kv/txn", body);
    }
  }

  @Command(name = "lease", mixinStandardHelpOptions = true, description = "Leases: grant, keepalive, revoke, get.")
  static final class Lease implements Callable<Integer> {
    @ParentCommand ClusterCtl parent;

    @Override
    public Integer call() {
      System.out.println("usage: bin/clusterctl lease grant TTL_MS | keepalive ID [--once] | revoke ID | get ID");
      return Main.EXIT_CONFIG;
    }

    @Command(name = "grant", description = "POST /leases {ttlMs}")
    int grant(@Parameters(paramLabel = "TTL_MS") long ttlMs) {
      return CoordCtl.call(parent, "POST", "/leases", "{\"ttlMs\":" + ttlMs + "}");
    }

    @Command(name = "keepalive", description = "POST /leases/ID/keepalive, every third of the TTL until interrupted (--once: one)")
    int keepAlive(@Parameters(paramLabel = "ID") long id, @Option(names = "--once") boolean once) throws InterruptedException {
      while (true) {
        try {
          CoordClient.Answer a = new CoordClient(parent.url).send("POST", "/leases/" + id + "/keepalive", null, CALL_TIMEOUT);
          if (once || !a.ok()) {
            return print(a);
          }
          System.out.println(a.body());
          Thread.sleep(Math.max(50, a.json().path("ttlMs").asLong(3_000) / 3));
        } catch (IOException e) {
          System.err.println("error: no answer from " + parent.url + ": " + e.getMessage());
          if (once) {
            return 1;
          }
          Thread.sleep(500);
        }
      }
    }

    @Command(name = "revoke", description = "DELETE /leases/ID: its keys go with it")
    int revoke(@Parameters(paramLabel = "ID") long id) {
      return CoordCtl.call(parent, "DELETE", "/leases/" + id, null);
    }

    @Command(name = "get", description = "GET /leases/ID: ttlMs, remainingMs, keys")
    int get(@Parameters(paramLabel = "ID") long id) {
      return CoordCtl.call(parent, "GET", "/leases/" + id, null);
    }
  }

  @Command(name = "watch", mixinStandardHelpOptions = true,
      description = "GET /watch?prefix=PREFIX: prints each change as one JSON line as it comes; reconnects from the"
          + " last revision seen if the stream breaks")
  static final class Watch implements Callable<Integer> {
    @ParentCommand ClusterCtl parent;

    @Parameters(paramLabel = "PREFIX", defaultValue = "") String prefix;

    @Option(names = "--from-revision", paramLabel = "R", description = "start at revision R (default: from now on)") Long from;

    @Option(names = "--count", paramLabel = "N", description = "exit after N changes (default: run until interrupted)") Long count;

    @Option(names = "--progress", description = "print progress events too") boolean progress;

    @Override
    public Integer call() throws InterruptedException {
      CoordClient client = new CoordClient(parent.url);
      long[] next = {from == null ? 0 : from};
      long[] seen = {0};
      boolean[] cancelled = {false};
      for (int failures = 0; failures < 30; ) {
        String path = "/watch?prefix=" + ClusterCtl.encode(prefix) + (next[0] > 0 || from != null ? "&fromRevision=" + next[0] : "");
        try {
          CoordClient.Answer a = client.stream(path, (event, id, data) -> {
            if (event.equals("cancelled")) {
              System.err.println("error: watch cancelled: " + data);
              cancelled[0] = true;
              return false;
            }
            if (event.equals("progress")) {
              if (next[0] == 0) {
                next[0] = parseRevision(data) + 1; // resume point even before the first change
              }
              if (progress) {
                System.out.println(data);
              }
              return true;
            }
            System.out.println(data);
            if (id > 0) {
              next[0] = id + 1; // resume after the last whole revision
            }
            return count == null || ++seen[0] < count;
          });
          if (!a.ok()) {
            return print(a);
          }
          if (cancelled[0]) {
            return 1;
          }
          if (count != null && seen[0] >= count) {
            return 0;
          }
          failures = 0;
        } catch (IOException e) {
          failures++;
          System.err.println("watch: stream broke (" + e.getMessage() + "); resuming from revision " + next[0]);
          Thread.sleep(500);
        }
      }
      System.err.println("error: no stream from " + parent.url + " after 30 tries");
      return 1;
    }
  }

  private static long parseRevision(String data) {
    try {
      return clusternode.protocols.http.Json.MAPPER.readTree(data).path("revision").asLong(0);
    } catch (IOException e) {
      return 0;
    }
  }

  static String readFileOrArg(String s) throws IOException {
    return s.startsWith("@") ? Files.readString(Path.of(s.substring(1))) : s;
  }
}
