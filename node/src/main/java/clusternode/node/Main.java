package clusternode.node;

import clusternode.node.ctl.ClusterCtl;
import clusternode.node.launcher.ClusterCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point of the jar: {@code node}, {@code cluster} and {@code clusterctl}. */
@Command(name = "clusternode", mixinStandardHelpOptions = true,
    subcommands = {NodeCommand.class, ClusterCommand.class, ClusterCtl.class},
    description = "A multi-protocol cluster node: Raft, PBFT, gossip and a ledger on Akka.")
public final class Main {
  /** Exit code of every configuration error, as the command-line contract says. */
  public static final int EXIT_CONFIG = 2;

  /**
   * With fewer than 3 cores the JDK's common pool has parallelism 1, and CompletableFuture then
   * runs every async stage on a brand-new thread. Akka's ask hands out futures whose every stage
   * is async, so each HTTP request paid for a thread start (seen as pthread_create in the
   * leader's profile). Two common-pool threads keep those stages on reused threads. Must run
   * before CompletableFuture is first loaded.
   */
  static void useReusedThreadsForAsyncStages() {
    String key = "java.util.concurrent.ForkJoinPool.common.parallelism";
    if (System.getProperty(key) == null && Runtime.getRuntime().availableProcessors() < 3) {
      System.setProperty(key, "2");
    }
  }

  public static void main(String[] args) {
    useReusedThreadsForAsyncStages();
    // `node` returns only once its actor system has stopped; the others when their work is done.
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
