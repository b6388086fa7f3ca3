package clusternode.node.launcher;

import clusternode.node.tls.NodeTls;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * TLS keys of a deployment that runs Artery over TLS (the default): a CA of its own and one key
 * store per node, under the cluster directory ({@code tls/}) unless the deployment names its own
 * {@code cluster-node.transport.tls.dir}. {@code up} makes whatever is missing, once; {@code keys}
 * makes them anew or rotates them.
 */
final class TlsDeploymentKeys {
  private static final String DIR_KEY = "cluster-node.transport.tls.dir";

  /** What to do to a deployment's keys. */
  enum Action { MAKE_MISSING, MAKE_NEW, REISSUE, ADD_CA, TRUST_ONLY_CURRENT_CA }

  private TlsDeploymentKeys() {}

  /**
   * Applies {@code action} when the deployment runs TLS (for {@code REISSUE}: to {@code ids}, or
   * to every node when empty) and points this launcher's config checks at the directory.
   */
  static Optional<Path> apply(ClusterDir dir, Path deployment, Action action, Collection<String> ids, PrintStream out)
      throws IOException {
    Config file;
    try {
      file = ConfigFactory.parseFile(deployment.toFile()).withFallback(ConfigFactory.defaultReference()).resolve();
      if (!file.hasPath("cluster-node.peers") || !NodeTls.transportTlsOn(file)) {
        return Optional.empty();
      }
    } catch (ConfigException | clusternode.protocols.config.ConfigProblem e) {
      return Optional.empty(); // the config check that follows names the problem
    }
    Path tlsDir = ConfigFactory.parseFile(deployment.toFile()).hasPath(DIR_KEY)
        ? Path.of(file.getString(DIR_KEY)).toAbsolutePath().normalize() : dir.tlsDir();
    Map<String, String> hostById = new TreeMap<>();
    file.getObject("cluster-node.peers").keySet()
        .forEach(id -> hostById.put(id, file.getString("cluster-node.peers." + id + ".host")));
    long began = System.nanoTime();
    DeploymentCa ca = new DeploymentCa(tlsDir);
    try {
      String did = run(ca, action, ids, hostById);
      if (!did.isEmpty()) {
        out.printf("%s in %.1f s (%s)%n", did, (System.nanoTime() - began) / 1e9, tlsDir);
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot write TLS keys in " + tlsDir + ": " + e.getMessage(), e);
    }
    // This launcher checks every node's config too, so it must read the same key stores.
    System.setProperty(DIR_KEY, tlsDir.toString());
    ConfigFactory.invalidateCaches();
    return Optional.of(tlsDir);
  }

  private static String run(DeploymentCa ca, Action action, Collection<String> ids, Map<String, String> hostById)
      throws IOException, GeneralSecurityException {
    switch (action) {
      case MAKE_NEW -> {
        ca.clear();
        ca.create();
        ca.issue(hostById);
        return "wrote a new deployment CA and TLS keys for " + hostById.keySet();
      }
      case MAKE_MISSING -> {
        boolean fresh = !ca.exists();
        if (fresh) {
          ca.clear(); // half-made material from an interrupted run is of no use
          ca.create();
        }
        Map<String, String> missing = new TreeMap<>(hostById);
        // Not "of the current CA": mid-rotation, a node restarted by `start` must keep its old
        // certificate until every peer trusts the new CA (keys --reissue is the explicit step).
        for (String id : hostById.keySet()) {
          if (ca.hasTrustedNodeAt(id, hostById.get(id))) {
            missing.remove(id);
          }
        }
        if (missing.isEmpty()) {
          return "";
        }
        ca.issue(missing);
        return (fresh ? "wrote a deployment CA and " : "added ") + "TLS keys for " + missing.keySet();
      }
      case REISSUE -> {
        requireCa(ca);
        Map<String, String> chosen = new TreeMap<>(hostById);
        if (!ids.isEmpty()) {
          for (String id : ids) {
            if (!hostById.containsKey(id)) {
              throw new IllegalArgumentException("unknown node '" + id + "'; this deployment has " + hostById.keySet());
            }
          }
          chosen.keySet().retainAll(ids);
        }
        ca.issue(chosen);
        return "issued new TLS keys for " + chosen.keySet() + " from the current CA; restart them one by one";
      }
      case ADD_CA -> {
        requireCa(ca);
        ca.addCa();
        return "made a new CA; trust.p12 now holds the old and the new; restart every node, then keys --reissue";
      }
      case TRUST_ONLY_CURRENT_CA -> {
        requireCa(ca);
        ca.trustOnlyCurrentCa();
        return "trust.p12 now holds only the current CA; restart every node one by one";
      }
      default -> throw new IllegalStateException(action.toString());
    }
  }

  private static void requireCa(DeploymentCa ca) {
    if (!ca.exists()) {
      throw new IllegalStateException("no deployment CA at " + ca.caStore() + "; run bin/cluster keys first");
    }
  }
}
