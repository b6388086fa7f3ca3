package clusternode.node.ctl;

import clusternode.node.Main;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code clusterctl lock NAME [-- CMD...]} and {@code clusterctl elect NAME [VALUE] [--listen]}, as
 * etcdctl's: a session lease is granted and kept alive (every third of its TTL) for as long as
 * this holds the lock or leadership. With a command, the lock is held while the command runs,
 * with the fencing token in its environment ({@code CLUSTERNODE_LOCK_TOKEN}, plus
 * {@code CLUSTERNODE_LOCK_NAME} and {@code CLUSTERNODE_LEASE}) so that it can make guarded writes;
 * then released. If the lease is lost (keep-alives refused: the session expired, e.g. after a
 * long pause) the command is stopped, since another holder may have the lock by then, and the exit
 * code is 1.
 */
final class LockCtl {
  private LockCtl() {}

  /** A lease kept alive by a daemon thread until {@link #close}; {@link #lost} once a keep-alive is refused. */
  static final class Session implements AutoCloseable {
    final long lease;
    final AtomicBoolean lost = new AtomicBoolean();
    private final CoordClient client;
    private final Thread keeper;
    private volatile boolean closed;

    Session(CoordClient client, long ttlMs) throws IOException {
      this.client = client;
      CoordClient.Answer grant = client.send("POST", "/leases", "{\"ttlMs\":" + ttlMs + "}", CoordCtl.CALL_TIMEOUT);
      if (!grant.ok()) {
        throw new IOException("lease grant: HTTP " + grant.status() + ": " + grant.error());
      }
      this.lease = grant.json().get("id").asLong();
      this.keeper = new Thread(() -> keepAlive(ttlMs), "lease-" + lease);
      keeper.setDaemon(true);
      keeper.start();
    }

    private void keepAlive(long ttlMs) {
      while (!closed) {
        try {
          Thread.sleep(Math.max(50, ttlMs / 3));
          CoordClient.Answer a = client.send("POST", "/leases/" + lease + "/keepalive", null, Duration.ofMillis(Math.max(1_000, ttlMs / 3)));
          if (a.status() == 404) {
            lost.set(true);
            System.err.println("error: lease " + lease + " expired: " + a.error());
            return;
          }
        } catch (IOException e) {
          // a node or leader change: keep trying until the TTL says the session is gone
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    @Override
    public void close() {
      closed = true;
      keeper.interrupt();
      try {
        client.send("DELETE", "/leases/" + lease, null, CoordCtl.CALL_TIMEOUT);
      } catch (IOException e) {
        System.err.println("warning: could not revoke lease " + lease + " (it will expire): " + e.getMessage());
      }
    }
  }

  @Command(name = "lock", mixinStandardHelpOptions = true,
      description = "Holds lock NAME (fair, with a fencing token) while CMD runs, token in $CLUSTERNODE_LOCK_TOKEN;"
          + " without CMD prints the token and holds until interrupted")
  static final class Lock implements Callable<Integer> {
    @ParentCommand ClusterCtl parent;

    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Parameters(index = "1..*", paramLabel = "CMD", arity = "0..*") List<String> command = new ArrayList<>();

    @Option(names = "--ttl-ms", defaultValue = "10000", description = "session lease TTL (default ${DEFAULT-VALUE})") long ttlMs;

    @Option(names = "--wait-ms", defaultValue = "30000", description = "give up after this long (default ${DEFAULT-VALUE})") long waitMs;

    @Override
    public Integer call() throws Exception {
      CoordClient client = new CoordClient(parent.url);
      try (Session session = new Session(client, ttlMs)) {
        CoordClient.Answer held = client.send("POST", "/locks/" + ClusterCtl.encode(name),
            "{\"lease\":" + session.lease + ",\"waitMs\":" + waitMs + "}", Duration.ofMillis(waitMs + 15_000));
        if (!held.ok()) {
          return CoordCtl.print(held);
        }
        long token = held.json().get("fencingToken").asLong();
        try {
          if (command.isEmpty()) {
            System.out.println(held.body());
            while (!session.lost.get()) {
              Thread.sleep(200); // held until interrupted (Ctrl-C ends the JVM; the lease then expires)
            }
            return 1;
          }
          System.err.println("lock " + name + " held, fencing token " + token);
          ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
          pb.environment().put("CLUSTERNODE_LOCK_NAME", name);
          pb.environment().put("CLUSTERNODE_LOCK_TOKEN", Long.toString(token));
          pb.environment().put("CLUSTERNODE_LEASE", Long.toString(session.lease));
          pb.environment().put("CLUSTERNODE_URL", parent.url.toString());
          Process p = pb.start();
          while (!p.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            if (session.lost.get()) {
              System.err.println("error: lost lock " + name + " (lease expired); stopping the command");
              p.destroy();
              p.waitFor();
              return 1;
            }
          }
          return p.exitValue();
        } finally {
          client.send("DELETE", "/locks/" + ClusterCtl.encode(name) + "?fencingToken=" + token, null, CoordCtl.CALL_TIMEOUT);
        }
      } catch (IOException e) {
        System.err.println("error: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "elect", mixinStandardHelpOptions = true,
      description = "Campaigns in election NAME with VALUE and holds leadership until interrupted; --listen prints each"
          + " leader as it changes")
  static final class Elect implements Callable<Integer> {
    @ParentCommand ClusterCtl parent;

    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Parameters(index = "1", paramLabel = "VALUE", arity = "0..1") String value;

    @Option(names = {"-l", "--listen"}, description = "observe the leaders instead of campaigning") boolean listen;

    @Option(names = "--count", paramLabel = "N", description = "with --listen: exit after N leaders") Long count;

    @Option(names = "--ttl-ms", defaultValue = "10000") long ttlMs;

    @Option(names = "--wait-ms", defaultValue = "30000") long waitMs;

    @Override
    public Integer call() throws Exception {
      CoordClient client = new CoordClient(parent.url);
      if (listen) {
        long[] seen = {0};
        CoordClient.Answer a = client.stream("/elections/" + ClusterCtl.encode(name) + "/observe", (event, id, data) -> {
          System.out.println(data);
          return count == null || ++seen[0] < count;
        });
        return a.ok() ? 0 : CoordCtl.print(a);
      }
      if (value == null) {
        System.err.println("error: give VALUE to campaign with, or --listen");
        return Main.EXIT_CONFIG;
      }
      try (Session session = new Session(client, ttlMs)) {
        String body = clusternode.protocols.http.Json.MAPPER.createObjectNode().put("lease", session.lease)
            .put("value", value).put("waitMs", waitMs).toString();
        CoordClient.Answer won = client.send("POST", "/elections/" + ClusterCtl.encode(name) + "/campaign", body,
            Duration.ofMillis(waitMs + 15_000));
        if (!won.ok()) {
          return CoordCtl.print(won);
        }
        System.out.println(won.body());
        while (!session.lost.get()) {
          Thread.sleep(200);
        }
        return 1;
      } catch (IOException e) {
        System.err.println("error: " + e.getMessage());
        return 1;
      }
    }
  }
}
