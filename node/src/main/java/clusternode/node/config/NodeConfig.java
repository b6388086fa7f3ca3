package clusternode.node.config;

import clusternode.node.tls.NodeTls;
import clusternode.protocols.config.ConfigProblem;
import clusternode.protocols.monitor.PeerMonitor;
import clusternode.protocols.peers.AkkaSettings;
import clusternode.protocols.peers.PeerDirectory;
import clusternode.protocols.spi.ProtocolProvider;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node's configuration, loaded and checked before anything starts: the deployment file, with
 * {@code --id} and {@code -D} system properties over it and every module's
 * {@code reference.conf} under it. Every problem is a {@link ConfigProblem} naming the key and
 * the fix; the node prints it as one line and exits with code 2.
 */
public record NodeConfig(
    Config config,
    PeerDirectory peers,
    List<ProtocolProvider> protocols,
    Path dataDir,
    String adminToken,
    String httpBindHost,
    long maxRequestBytes,
    int maxInFlightRequests,
    java.util.Optional<NodeTls> https) {

  /** Key of the Artery frame size the node sets; protocols check that their messages fit it. */
  public static final String MAX_FRAME_BYTES = "cluster-node.transport.max-frame-bytes";

  /** Loads {@code file} as the deployment and {@code id} (may be null: then the file's) as this node. */
  public static NodeConfig load(Path file, String id, ProtocolCatalog catalog) {
    return load(file, id, catalog, ConfigFactory.empty());
  }

  private static NodeConfig load(Path file, String id, ProtocolCatalog catalog, Config extra) {
    Config overrides = id == null ? extra
        : extra.withValue("cluster-node.id", ConfigValueFactory.fromAnyRef(id));
    return fromLayers(overrides.withFallback(ConfigFactory.systemProperties()).withFallback(parse(file)),
        file.toString(), catalog);
  }

  /**
   * Checks what the user gave ({@code user}: deployment, overrides) layered over the Akka settings
   * derived from it and every module's {@code reference.conf}, in that order of precedence.
   */
  public static NodeConfig fromLayers(Config user, String origin, ProtocolCatalog catalog) {
    PeerDirectory peers = PeerDirectory.fromConfig(resolve(user.withFallback(ConfigFactory.defaultReference()), origin));
    Config config = resolve(user.withFallback(AkkaSettings.forNode(peers)).withFallback(ConfigFactory.defaultReference()),
        origin);
    // One frame size for Artery, set here so that every protocol's validate() checks its own
    // largest message against the value Akka will enforce (Akka drops larger messages silently).
    long frame = bytes(config, MAX_FRAME_BYTES, 64 * 1024, 16L << 20);
    config = config.withValue("akka.remote.artery.advanced.maximum-frame-size", ConfigValueFactory.fromAnyRef(frame));
    List<ProtocolProvider> protocols = protocols(config, peers, catalog);
    String token = adminToken(config);
    String bindHost = string(config, "cluster-node.http.bind-host");
    long maxBody = bytes(config, "cluster-node.http.max-request-bytes", 1024, 64L << 20);
    String dataDirSetting = string(config, "cluster-node.data-dir");
    Path dataDir = Path.of(dataDirSetting.isBlank() ? "target/cluster/" + peers.selfId() : dataDirSetting);
    long maxInFlight = count(config, "cluster-node.http.max-in-flight-requests", 1, 1_000_000);
    config = config.withValue("akka.http.server.parsing.max-content-length", ConfigValueFactory.fromAnyRef(maxBody))
        .withValue("akka.http.server.parsing.error-handler",
            ConfigValueFactory.fromAnyRef("clusternode.node.http.JsonParsingErrorHandler"));
    // Derived from cluster-node.transport.tls, so these win over the plain-TCP defaults of AkkaSettings.
    java.util.Optional<Config> artery = NodeTls.arterySettings(config, peers.selfId());
    if (artery.isPresent()) {
      config = artery.get().withFallback(config);
    }
    java.util.Optional<NodeTls> https = NodeTls.forHttps(config, peers.selfId());
    return new NodeConfig(config, peers, protocols, dataDir, token,
        bindHost.isBlank() ? peers.self().host() : bindHost, maxBody, (int) maxInFlight, https);
  }

  private static Config parse(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigProblem("--config", "file " + file + " does not exist",
          "pass the path of a deployment file, e.g. conf/default.conf");
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      DuplicatePeers.find(text).ifPresent(id -> {
        throw new ConfigProblem("cluster-node.peers." + id, "node id " + id + " is defined more than once in " + file,
            "give every node its own id");
      });
      return ConfigFactory.parseString(text,
          ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setOriginDescription(file.toString()));
    } catch (IOException e) {
      throw new ConfigProblem("--config", "cannot read " + file + ": " + e.getMessage(), "check the file's permissions");
    } catch (ConfigException.Parse e) {
      throw new ConfigProblem(file.toString(), "malformed HOCON: " + e.getMessage(), "fix the syntax at that line");
    }
  }

  private static Config resolve(Config config, String origin) {
    try {
      return config.resolve();
    } catch (ConfigException.UnresolvedSubstitution e) {
      throw new ConfigProblem(origin, e.getMessage(), "define the substituted key or remove the ${...}");
    }
  }

  private static List<ProtocolProvider> protocols(Config config, PeerDirectory peers, ProtocolCatalog catalog) {
    List<String> named;
    try {
      named = config.getStringList("cluster-node.protocols");
    } catch (ConfigException.WrongType e) {
      throw new ConfigProblem("cluster-node.protocols", "must be a list of protocol names",
          "write e.g. protocols = [raft, gossip]; known: " + catalog.names());
    }
    Set<String> enabled = new LinkedHashSet<>();
    enabled.add(PeerMonitor.NAME); // always on; naming it is allowed
    Set<String> seen = new HashSet<>();
    for (String name : named) {
      if (!catalog.contains(name)) {
        throw new ConfigProblem("cluster-node.protocols", "unknown protocol '" + name + "'",
            "use only known protocols: " + catalog.names());
      }
      if (!seen.add(name)) {
        throw new ConfigProblem("cluster-node.protocols", "protocol '" + name + "' is named twice", "name it once");
      }
      enabled.add(name);
    }
    List<ProtocolProvider> providers = new ArrayList<>();
    for (String name : enabled) {
      ProtocolProvider provider = catalog.get(name);
      try {
        provider.validate(config, peers, Set.copyOf(enabled));
      } catch (ConfigException.Missing e) {
        throw new ConfigProblem(keyOf(e), "is missing", "add it to the deployment (see README.md)");
      } catch (ConfigException.BadValue | ConfigException.WrongType e) {
        throw new ConfigProblem(keyOf(e), e.getMessage(), "fix the value (see README.md)");
      }
      providers.add(provider);
    }
    return inStartOrder(providers, config);
  }

  /** Orders providers so that each starts after those it {@code startsAfter}. */
  private static List<ProtocolProvider> inStartOrder(List<ProtocolProvider> providers, Config config) {
    List<ProtocolProvider> ordered = new ArrayList<>();
    Set<String> started = new HashSet<>();
    Set<String> enabled = new HashSet<>();
    providers.forEach(p -> enabled.add(p.name()));
    List<ProtocolProvider> waiting = new ArrayList<>(providers);
    while (!waiting.isEmpty()) {
      ProtocolProvider next = waiting.stream().filter(p -> started.containsAll(p.startsAfter(config))).findFirst()
          .orElse(null);
      if (next == null) {
        ProtocolProvider stuck = waiting.get(0);
        Set<String> missing = new LinkedHashSet<>(stuck.startsAfter(config));
        missing.removeAll(enabled);
        throw new ConfigProblem("cluster-node.protocols", "protocol '" + stuck.name() + "' needs "
            + (missing.isEmpty() ? stuck.startsAfter(config) + " (a cycle)" : missing),
            "name " + (missing.isEmpty() ? "them without a cycle" : missing) + " in cluster-node.protocols too");
      }
      ordered.add(next);
      started.add(next.name());
      waiting.remove(next);
    }
    return List.copyOf(ordered);
  }

  private static String keyOf(ConfigException e) {
    String m = e.getMessage();
    int quote = m.indexOf('\'');
    int end = quote < 0 ? -1 : m.indexOf('\'', quote + 1);
    return end > quote ? m.substring(quote + 1, end) : m;
  }

  private static String adminToken(Config config) {
    String file = string(config, "cluster-node.admin-token-file");
    if (file.isBlank()) {
      return string(config, "cluster-node.admin-token");
    }
    try {
      String token = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      if (token.length() < 16) {
        throw new ConfigProblem("cluster-node.admin-token-file", file + " holds fewer than 16 characters",
            "write a long random token there (bin/cluster up does)");
      }
      return token;
    } catch (IOException e) {
      throw new ConfigProblem("cluster-node.admin-token-file", "cannot read " + file,
          "point it at a readable file or set cluster-node.admin-token");
    }
  }

  private static String string(Config config, String key) {
    try {
      return config.getString(key);
    } catch (ConfigException.Missing e) {
      throw new ConfigProblem(key, "is missing", "set it in the deployment file");
    } catch (ConfigException.WrongType e) {
      throw new ConfigProblem(key, "must be a string", "quote the value");
    }
  }

  private static long bytes(Config config, String key, long min, long max) {
    long value;
    try {
      value = config.getBytes(key);
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      throw new ConfigProblem(key, "is not a size", "write e.g. 1 MiB");
    }
    if (value < min || value > max) {
      throw new ConfigProblem(key, value + " bytes is out of range", "use " + min + " bytes to " + max / (1 << 20) + " MiB");
    }
    return value;
  }

  private static long count(Config config, String key, long min, long max) {
    long value;
    try {
      value = config.getLong(key);
    } catch (ConfigException.Missing e) {
      throw new ConfigProblem(key, "is missing", "set it in the deployment file");
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      throw new ConfigProblem(key, "is not a whole number", "write e.g. 1024");
    }
    if (value < min || value > max) {
      throw new ConfigProblem(key, value + " is out of range", "use " + min + " to " + max);
    }
    return value;
  }

  /** Every node's config of this deployment, for launchers that start them all. */
  public static Map<String, NodeConfig> loadAll(Path file, ProtocolCatalog catalog) {
    return loadAll(file, catalog, ConfigFactory.empty());
  }

  /**
   * Checks every node's config except its TLS key material, so a launcher can refuse a bad
   * deployment before it spends time making keys for it.
   */
  public static void checkAllButKeyStores(Path file, ProtocolCatalog catalog) {
    loadAll(file, catalog, ConfigFactory.parseString("cluster-node.transport.tls.enabled = off, cluster-node.http.tls.enabled = off"));
  }

  private static Map<String, NodeConfig> loadAll(Path file, ProtocolCatalog catalog, Config extra) {
    Config deployment = resolve(parse(file).withFallback(ConfigFactory.defaultReference()), file.toString());
    if (!deployment.hasPath("cluster-node.peers") || deployment.getObject("cluster-node.peers").isEmpty()) {
      throw new ConfigProblem("cluster-node.peers", "no nodes listed in " + file, "list every node of the deployment");
    }
    Map<String, NodeConfig> all = new java.util.LinkedHashMap<>();
    for (String id : new java.util.TreeSet<>(deployment.getObject("cluster-node.peers").keySet())) {
      all.put(id, load(file, id, catalog, extra));
    }
    return all;
  }
}
