package clusternode.protocols.peers;

import clusternode.protocols.config.ConfigProblem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The static membership of a deployment ({@code cluster-node.peers}) and which of them this node
 * is. Raft's and PBFT's membership is this list, not Akka Cluster's view of who is up.
 */
public final class PeerDirectory {
  public static final String SYSTEM_NAME = "clusternode";
  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  private final String selfId;
  private final Map<String, Peer> peers;

  public PeerDirectory(String selfId, List<Peer> peers) {
    Map<String, Peer> byId = new LinkedHashMap<>();
    for (Peer p : peers) {
      if (byId.put(p.id(), p) != null) {
        throw new ConfigProblem("cluster-node.peers." + p.id(), "node id " + p.id() + " is defined twice",
            "give every node its own id");
      }
    }
    if (!byId.containsKey(selfId)) {
      throw new ConfigProblem("cluster-node.id", "'" + selfId + "' is not among cluster-node.peers " + byId.keySet(),
          "pass --id with one of " + byId.keySet());
    }
    this.selfId = selfId;
    this.peers = Collections.unmodifiableMap(byId);
  }

  /** Reads and checks {@code cluster-node.id} and {@code cluster-node.peers}. */
  public static PeerDirectory fromConfig(Config config) {
    if (!config.hasPath("cluster-node.id") || config.getString("cluster-node.id").isBlank()) {
      throw new ConfigProblem("cluster-node.id", "no node id given", "pass --id ID or set cluster-node.id");
    }
    String selfId = config.getString("cluster-node.id");
    if (!config.hasPath("cluster-node.peers")) {
      throw new ConfigProblem("cluster-node.peers", "missing",
          "list every node as cluster-node.peers { n1 { host, akka-port, http-port } }");
    }
    ConfigObject object = config.getObject("cluster-node.peers");
    if (object.isEmpty()) {
      throw new ConfigProblem("cluster-node.peers", "no nodes listed", "list at least one node");
    }
    List<Peer> peers = new ArrayList<>();
    // HOCON objects do not keep their order; ids in sorted order make every listing stable.
    for (String id : new java.util.TreeSet<>(object.keySet())) {
      peers.add(readPeer(id, object.get(id)));
    }
    checkDistinctEndpoints(peers);
    return new PeerDirectory(selfId, peers);
  }

  private static Peer readPeer(String id, ConfigValue value) {
    String key = "cluster-node.peers." + id;
    if (!ID.matcher(id).matches()) {
      throw new ConfigProblem(key, "'" + id + "' is not a valid node id",
          "use lower-case letters, digits and '-', starting with a letter, at most 32 characters");
    }
    if (value.valueType() != ConfigValueType.OBJECT) {
      throw new ConfigProblem(key, "must be an object", "write " + id + " { host, akka-port, http-port }");
    }
    Config peer = ((ConfigObject) value).toConfig();
    String host = requireString(peer, key, "host");
    return new Peer(id, host, port(peer, key, "akka-port"), port(peer, key, "http-port"));
  }

  private static String requireString(Config c, String key, String field) {
    try {
      String s = c.getString(field);
      if (s.isBlank()) {
        throw new ConfigProblem(key + "." + field, "is empty", "set it, e.g. " + field + " = 127.0.0.1");
      }
      return s;
    } catch (ConfigException.Missing e) {
      throw new ConfigProblem(key + "." + field, "is missing", "add " + field + " = 127.0.0.1");
    } catch (ConfigException.WrongType e) {
      throw new ConfigProblem(key + "." + field, "must be a string", "write " + field + " = 127.0.0.1");
    }
  }

  private static int port(Config c, String key, String field) {
    int port;
    try {
      port = c.getInt(field);
    } catch (ConfigException.Missing e) {
      throw new ConfigProblem(key + "." + field, "is missing", "add " + field + " = <port 1-65535>");
    } catch (ConfigException.WrongType e) {
      throw new ConfigProblem(key + "." + field, "must be an integer port", "write " + field + " = <port 1-65535>");
    }
    if (port < 1 || port > 65535) {
      throw new ConfigProblem(key + "." + field, port + " is not a port", "use a port in 1-65535");
    }
    return port;
  }

  private static void checkDistinctEndpoints(List<Peer> peers) {
    Map<String, String> used = new HashMap<>();
    for (Peer p : peers) {
      for (Map.Entry<String, Integer> e : Map.of("akka-port", p.akkaPort(), "http-port", p.httpPort()).entrySet()) {
        String endpoint = p.host() + ":" + e.getValue();
        String other = used.putIfAbsent(endpoint, p.id() + "." + e.getKey());
        if (other != null) {
          throw new ConfigProblem("cluster-node.peers." + p.id() + "." + e.getKey(),
              endpoint + " is also used by " + other, "give every node and every listener its own port");
        }
      }
    }
  }

  public String selfId() {
    return selfId;
  }

  public Peer self() {
    return peers.get(selfId);
  }

  public Map<String, Peer> all() {
    return peers;
  }

  public List<String> ids() {
    return List.copyOf(peers.keySet());
  }

  /** Every peer but this node. */
  public List<Peer> others() {
    return peers.values().stream().filter(p -> !p.id().equals(selfId)).toList();
  }

  public boolean contains(String id) {
    return peers.containsKey(id);
  }

  public Peer get(String id) {
    Peer p = peers.get(id);
    if (p == null) {
      throw new IllegalArgumentException("unknown node id " + id + "; known: " + peers.keySet());
    }
    return p;
  }

  public int size() {
    return peers.size();
  }

  /** The same deployment seen from another node; used by launchers and tests. */
  public PeerDirectory as(String otherId) {
    return new PeerDirectory(otherId, List.copyOf(peers.values()));
  }
}
