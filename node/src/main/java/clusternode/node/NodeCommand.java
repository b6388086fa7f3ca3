package clusternode.node;

import clusternode.node.config.NodeConfig;
import clusternode.node.config.ProtocolCatalog;
import clusternode.protocols.config.ConfigProblem;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/node --config FILE --id ID}: one node in the foreground until SIGTERM or Ctrl-C. */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Runs one node of a deployment in the foreground.")
public final class NodeCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "deployment file, e.g. conf/default.conf")
  Path config;

  @Option(names = "--id", description = "this node's id, one of the deployment's peers")
  String id;

  @Override
  public Integer call() throws InterruptedException {
    NodeConfig nodeConfig;
    Node first;
    try {
      nodeConfig = NodeConfig.load(config, id, ProtocolCatalog.discover());
      first = Node.start(nodeConfig);
    } catch (ConfigProblem p) {
      System.err.println(p.line());
      return Main.EXIT_CONFIG;
    } catch (Node.NodeStartException e) {
      System.err.println("cannot start: " + e.getMessage());
      return 1;
    }
    // Later incarnations (after a quarantine or a downing) start from the same checked config.
    return clusternode.node.recovery.Incarnations.run(first, () -> Node.start(nodeConfig));
  }
}
