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

  /** One machine of {@code config --hosts}: where its node listens. */
  public record Machine(String id, String host, int akkaPort, int httpPort) {
    /** {@code HOST[:AKKA_PORT[:HTTP_PORT]]}, the {@code index}-th (0-based) of the list: id n(index+1). */
    public static Machine parse(String spec, int index) {
      String[] p = spec.strip().split(":");
      if (p.length == 0 || p.length > 3 || p[0].isBlank() || !p[0].matches("[A-Za-z0-9.-]+")) {
        throw new IllegalArgumentException("--hosts wants HOST[:AKKA_PORT[:HTTP_PORT]],... (IPv4 or DNS name), not '"
            + spec + "'");
      }
      try {
        int akka = p.length > 1 ? Integer.parseInt(p[1]) : 2551;
        int http = p.length > 2 ? Integer.parseInt(p[2]) : 8081;
        if (akka < 1 || akka > 65535 || http < 1 || http > 65535 || akka == http) {
          throw new NumberFormatException();
        }
        return new Machine("n" + (index + 1), p[0], akka, http);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("ports in '" + spec + "' must be two different numbers 1..65535");
      }
    }
  }

  /**
   * Writes {@code template}'s settings with its peers replaced by {@code machines}, and the HTTP
   * API listening on every interface: on a machine of its own, clients come from elsewhere.
   */
  public static Path writeForMachines(Path template, List<Machine> machines, Path target) throws IOException {
    Config c = ConfigFactory.parseFile(template.toFile()).withoutPath("cluster-node.peers")
        .withValue("cluster-node.http.bind-host", ConfigValueFactory.fromAnyRef("0.0.0.0"));
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Machine m : machines) {
      if (!seen.add(m.host() + ":" + m.akkaPort())) {
        throw new IllegalArgumentException("--hosts names " + m.host() + ":" + m.akkaPort() + " twice");
      }
      String at = "cluster-node.peers." + m.id() + ".";
      c = c.withValue(at + "host", ConfigValueFactory.fromAnyRef(m.host()))
          .withValue(at + "akka-port", ConfigValueFactory.fromAnyRef(m.akkaPort()))
          .withValue(at + "http-port", ConfigValueFactory.fromAnyRef(m.httpPort()));
    }
    String text = "# bin/cluster config --hosts: one node per machine; the same file on every machine.\n"
        + "# Made from " + template.toAbsolutePath().normalize() + "; each node runs with --id ITS_ID.\n"
        // Without the template's comments: they describe its loopback peers, not these machines.
        + c.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false).setJson(false));
    Files.createDirectories(target.toAbsolutePath().getParent());
    Files.writeString(target, text, StandardCharsets.UTF_8);
    return target;
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
