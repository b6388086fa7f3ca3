package clusternode.node.hosts;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A deployment file with every peer's {@code host} replaced: the namespace addresses of
 * {@code up --hosts}, or the machines of {@code config --hosts}. Everything else of the
 * original is kept, so the same checks, certificates (their SAN is the host) and tools apply.
 */
public final class HostsDeployment {
  private HostsDeployment() {}

  /** The peer ids of {@code deployment}, in the order the file gives them. */
  public static List<String> peerIds(Path deployment) {
    Config c = ConfigFactory.parseFile(deployment.toFile());
    if (!c.hasPath("cluster-node.peers")) {
      throw new IllegalArgumentException(deployment + " has no cluster-node.peers");
    }
    return List.copyOf(c.getObject("cluster-node.peers").keySet().stream().sorted().toList());
  }

  /** Writes {@code deployment} with {@code hostById} applied to {@code target}. */
  public static Path write(Path deployment, Map<String, String> hostById, Path target, String why) throws IOException {
    Config c = ConfigFactory.parseFile(deployment.toFile());
    for (var e : hostById.entrySet()) {
      c = c.withValue("cluster-node.peers." + e.getKey() + ".host", ConfigValueFactory.fromAnyRef(e.getValue()));
    }
    String text = "# " + why + "\n# Made from " + deployment.toAbsolutePath().normalize() + "; edit that one.\n"
        + c.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
    Files.createDirectories(target.toAbsolutePath().getParent());
    Files.writeString(target, text, StandardCharsets.UTF_8);
    return target;
  }
}
