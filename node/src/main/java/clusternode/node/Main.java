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

  public static void main(String[] args) {
    // `node` returns only once its actor system has stopped; the others when their work is done.
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
