package clusternode.node.launcher;

import clusternode.pbft.shell.PbftKeys;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * Ed25519 keys for a deployment that runs PBFT: one private key per node under the cluster
 * directory and one config file with every public key, which every node of the run reads
 * ({@code cluster-node.pbft.keys-file}). Made on the first {@code up}, or anew by {@code keys}.
 */
final class PbftDeploymentKeys {
  private PbftDeploymentKeys() {}

  /** Writes the keys when the deployment runs pbft and they are missing (or {@code force}). */
  static void ensure(ClusterDir dir, Path deployment, boolean force, PrintStream out) throws IOException {
    Config file;
    try {
      file = ConfigFactory.parseFile(deployment.toFile());
    } catch (ConfigException e) {
      return; // the config check that follows names the problem
    }
    boolean pbft = file.hasPath("cluster-node.protocols")
        && file.getStringList("cluster-node.protocols").contains("pbft");
    if (pbft && (force || !Files.exists(dir.pbftKeysFile())) && file.hasPath("cluster-node.peers")) {
      List<String> ids = List.copyOf(new TreeSet<>(file.getObject("cluster-node.peers").keySet()));
      Files.createDirectories(dir.root());
      PbftKeys.writeDeploymentKeys(dir.root(), ids);
      out.printf("wrote Ed25519 keys for %s: %s (private keys in %s)%n", ids, dir.pbftKeysFile(), dir.root().resolve("keys"));
    }
    // This launcher checks every node's config too, so it must read the same keys file.
    System.setProperty("cluster-node.pbft.keys-file", dir.pbftKeysFile().toString());
    ConfigFactory.invalidateCaches();
  }
}
