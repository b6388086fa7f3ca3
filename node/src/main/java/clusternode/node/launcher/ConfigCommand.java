package clusternode.node.launcher;

import clusternode.node.hosts.HostsDeployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bin/cluster config --hosts a.example:2551,b.example,c.example}: everything three (or
 * more) machines need, in one directory: the deployment file (the same on every machine), a
 * deployment CA with one TLS key store per node whose SAN is that machine's name, and the admin
 * token. The README's multi-host section says which file goes where.
 */
@Command(name = "config", description = "Writes the deployment file and TLS keys for one node per machine:"
    + " --hosts HOST[:AKKA_PORT[:HTTP_PORT]],... (ids n1, n2, ... in that order).")
final class ConfigCommand implements Callable<Integer> {
  @ParentCommand ClusterCommand parent;

  @Option(names = "--hosts", required = true, split = ",", description = "the machines, in id order")
  List<String> hosts;

  @Option(names = "--config", defaultValue = "conf/default.conf",
      description = "template whose settings (protocols, ledger, ...) are kept (default ${DEFAULT-VALUE})")
  Path config;

  @Option(names = "--out", defaultValue = "target/deploy", description = "where the files go (default ${DEFAULT-VALUE})")
  Path out;

  @Override
  public Integer call() {
    return ClusterCommand.guarded(() -> {
      if (hosts.size() < 1) {
        throw new IllegalArgumentException("--hosts names no machine");
      }
      List<HostsDeployment.Machine> machines = new ArrayList<>();
      for (int i = 0; i < hosts.size(); i++) {
        machines.add(HostsDeployment.Machine.parse(hosts.get(i), i));
      }
      Path template = ProjectPaths.resolveConfig(config);
      Path dir = out.toAbsolutePath().normalize();
      Path deployment = HostsDeployment.writeForMachines(template, machines, dir.resolve("deployment.conf"));
      ClusterDir clusterDir = new ClusterDir(dir);
      // A fresh CA per `config` run: material for new machines never shares a key with an old run.
      PbftDeploymentKeys.ensure(clusterDir, deployment, true, System.out);
      TlsDeploymentKeys.apply(clusterDir, deployment, TlsDeploymentKeys.Action.MAKE_NEW, List.of(), System.out);
      clusterDir.forgetToken();
      clusterDir.adminToken(true);
      // The same checks a node makes at start-up, for every node, before anything is copied anywhere.
      clusternode.node.config.NodeConfig.checkAllButKeyStores(deployment,
          clusternode.node.config.ProtocolCatalog.discover());
      System.out.println("wrote " + deployment + ", " + clusterDir.tlsDir() + "/ and " + clusterDir.tokenFile());
      for (HostsDeployment.Machine m : machines) {
        System.out.printf("  %-4s %s: copy deployment.conf, admin-token, tls/trust.p12, tls/password, tls/%s.p12;"
            + " open tcp %d (Artery, from the other nodes) and %d (HTTP API, from clients)%n",
            m.id(), m.host(), m.id(), m.akkaPort(), m.httpPort());
      }
      if (Files.exists(clusterDir.pbftKeysFile())) {
        System.out.println("  PBFT: also " + clusterDir.pbftKeysFile().getFileName() + " and each node's own private key");
      }
      System.out.println("never copy tls/ca.p12 to a node: it signs certificates. Start each node: conf/systemd/clusternode@.service");
      return 0;
    });
  }
}
