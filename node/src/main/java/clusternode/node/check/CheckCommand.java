package clusternode.node.check;

import clusternode.node.launcher.ProjectPaths;
import clusternode.protocols.config.ConfigProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/cluster check}: a local cluster of its own, a workload, a nemesis, a checker, a verdict. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Starts its own local cluster, runs a workload while breaking the cluster on purpose, then "
        + "checks the recorded history. Exit 0 valid, 1 violation, 2 bad arguments, 3 no verdict.")
public final class CheckCommand implements Callable<Integer> {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h)?");

  @Option(names = "--workload", defaultValue = "register", description = "register, ledger, crdt, lock or watch "
      + "(lock and watch need raft; default ${DEFAULT-VALUE})")
  String workload;

  @Option(names = "--nemesis", defaultValue = "mix", description = "none, partition-halves, partition-majority-ring, "
      + "isolate-leader, cut-leader-out, cut-leader-in, kill, pause, byzantine (PBFT) or mix (default ${DEFAULT-VALUE}; on PBFT mix includes "
      + "byzantine); or faults taken in turn, separated by commas: kill,partition-halves")
  String nemesis;

  @Option(names = "--duration", defaultValue = "60", description = "how long the workload runs: seconds, or 90s, 30m, "
      + "2h (default ${DEFAULT-VALUE})")
  String duration;

  @Option(names = "--config", description = "deployment file (default conf/default.conf; conf/pbft-4.conf with "
      + "--protocol pbft)")
  Path config;

  @Option(names = "--protocol", description = "pbft: run against conf/pbft-4.conf (the same as --config "
      + "conf/pbft-4.conf)")
  String protocol;

  @Option(names = "--crdt-write", defaultValue = "majority", description = "crdt workload: local, majority or all "
      + "replicas hold a write before it is acknowledged (default ${DEFAULT-VALUE})")
  String crdtWrite;

  @Option(names = "--converge-within", defaultValue = "30", description = "crdt workload: seconds after the heal "
      + "within which every node must hold the expected state (default ${DEFAULT-VALUE})")
  String convergeWithin;

  @Option(names = "--seed", description = "seed of the clients' and the nemesis's choices (default: random, printed)")
  Long seed;

  @Option(names = "--clients", defaultValue = "5", description = "concurrent clients (default ${DEFAULT-VALUE})")
  int clients;

  @Option(names = "--op-timeout", defaultValue = "10", description = "seconds a client waits for an answer before the "
      + "outcome counts as unknown (default ${DEFAULT-VALUE})")
  int opTimeoutSeconds;

  @Option(names = "--out", description = "the run's directory (default target/check/<time>-<workload>-<nemesis>)")
  Path out;

  @Option(names = "--max-search-steps", defaultValue = "50000000", description = "linearizability search bound per key; "
      + "past it the verdict is unknown (default ${DEFAULT-VALUE})")
  long maxSearchSteps;

  @Option(names = "--net", defaultValue = "program", description = "program: faults in the nodes' fault plans on"
      + " loopback; real: every node in its own network namespace, partitions made by nftables (root)")
  String net;

  private boolean realNetwork;

  @Override
  public Integer call() {
    CheckRunner.Options options;
    try {
      long s = seed != null ? seed : System.nanoTime() & 0xffffffffL;
      Path runDir = out != null ? out : ProjectPaths.home().resolve("target/check").resolve(
          LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + workload + "-" + nemesis);
      if (opTimeoutSeconds < 1 || maxSearchSteps < 1) {
        throw new IllegalArgumentException("--op-timeout and --max-search-steps must be positive");
      }
      Path deployment = ProjectPaths.resolveConfig(deployment());
      if (!Files.isRegularFile(deployment)) {
        throw new IllegalArgumentException("no deployment file " + deployment);
      }
      realNetwork = switch (net) {
        case "program" -> false;
        case "real" -> true;
        default -> throw new IllegalArgumentException("--net must be program or real, not '" + net + "'");
      };
      if (realNetwork) {
        clusternode.node.hosts.Root.require("check --net real");
      }
      options = new CheckRunner.Options(workload, nemesis, parseDuration(duration), deployment, s, clients,
          Duration.ofSeconds(opTimeoutSeconds), runDir, ProjectPaths.jar(),
          new Linearizability.Limits(maxSearchSteps, Linearizability.Limits.DEFAULT.maxStates(),
              Linearizability.Limits.DEFAULT.maxMinimizeChecks()),
          new CheckRunner.Crdt(crdtWrite, parseDuration(convergeWithin)));
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("error: " + e.getMessage());
      return CheckRunner.EXIT_BAD_ARGUMENTS;
    }
    try {
      return new CheckRunner(options, System.out).realNetwork(realNetwork).run();
    } catch (ConfigProblem p) {
      System.err.println(p.line());
      return CheckRunner.EXIT_BAD_ARGUMENTS;
    } catch (Exception e) {
      System.err.println("error: " + e);
      return CheckRunner.EXIT_UNKNOWN;
    }
  }

  private Path deployment() {
    if (protocol == null) {
      return config != null ? config : Path.of("conf/default.conf");
    }
    if (!protocol.equals("pbft") && !protocol.equals("raft")) {
      throw new IllegalArgumentException("--protocol must be raft or pbft");
    }
    if (config != null) {
      throw new IllegalArgumentException("give --protocol or --config, not both");
    }
    return Path.of(protocol.equals("pbft") ? "conf/pbft-4.conf" : "conf/default.conf");
  }

  static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("duration '" + text + "' is not N, Ns, Nm or Nh");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofSeconds(n);
    };
  }
}
