package clusternode.node.hosts;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The virtual network of a cluster run in {@code --hosts} mode: one network namespace per node
 * ({@code cn-TAG-ID}), each with one veth whose other end sits on a bridge ({@code cnTAGbr}) in
 * the root namespace, on a private /24. The root side has {@code .1}, so tools on this machine
 * reach every node; the namespaces have no route but the /24, and a forward-drop table
 * ({@code inet cn_TAG}) keeps the bridge from ever being routed to or from another interface
 * even where forwarding is on. TAG comes from the cluster directory, so every name of a crashed
 * run is recognisable and removed by the next {@code up}.
 */
public final class HostNetwork {
  private static final String RECORD = "hosts.properties";

  private final String tag;
  private final String prefix;
  private final List<String> ids;

  private HostNetwork(String tag, String prefix, List<String> ids) {
    this.tag = tag;
    this.prefix = prefix;
    this.ids = List.copyOf(ids);
    if (ids.size() > 200) {
      throw new IllegalArgumentException("--hosts supports at most 200 nodes, the deployment has " + ids.size());
    }
  }

  /** A network for {@code ids}, on a /24 that overlaps nothing this machine has now (leftovers removed first). */
  public static HostNetwork plan(Path clusterRoot, List<String> ids) {
    String tag = tagOf(clusterRoot);
    return new HostNetwork(tag, Subnet.pick(tag, Subnet.machinePrefixes()), ids);
  }

  /** The network recorded in {@code clusterRoot}, if the cluster there was started with --hosts. */
  public static Optional<HostNetwork> load(Path clusterRoot) throws IOException {
    Path file = clusterRoot.resolve(RECORD);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    return Optional.of(new HostNetwork(p.getProperty("tag"), p.getProperty("prefix"),
        List.of(p.getProperty("ids").split(","))));
  }

  public void record(Path clusterRoot) throws IOException {
    Properties p = new Properties();
    p.setProperty("tag", tag);
    p.setProperty("prefix", prefix);
    p.setProperty("ids", String.join(",", ids));
    Files.createDirectories(clusterRoot);
    try (var out = Files.newBufferedWriter(clusterRoot.resolve(RECORD), StandardCharsets.UTF_8)) {
      p.store(out, "clusternode --hosts network; bin/cluster down removes it");
    }
  }

  public static void forget(Path clusterRoot) throws IOException {
    Files.deleteIfExists(clusterRoot.resolve(RECORD));
  }

  /** Six hex digits of the cluster directory's path: the same directory always gets the same names. */
  public static String tagOf(Path clusterRoot) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256")
          .digest(clusterRoot.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 3);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public String tag() {
    return tag;
  }

  public List<String> ids() {
    return ids;
  }

  public String namespace(String id) {
    return "cn-" + tag + "-" + id;
  }

  public String bridge() {
    return "cn" + tag + "br";
  }

  /** The root-namespace end of node {@code id}'s veth (interface names have at most 15 characters). */
  public String veth(String id) {
    return "cn" + tag + "v" + (index(id) + 1);
  }

  public String address(String id) {
    return prefix + (11 + index(id));
  }

  /** This machine's own address on the network: where clients, checker and dashboard come from. */
  public String rootAddress() {
    return prefix + "1";
  }

  public String cidr() {
    return prefix + "0/24";
  }

  String table() {
    return "cn_" + tag;
  }

  private int index(String id) {
    int i = ids.indexOf(id);
    if (i < 0) {
      throw new IllegalArgumentException("unknown node '" + id + "'; this deployment has " + ids);
    }
    return i;
  }

  /** The command prefix that runs a program inside node {@code id}'s namespace (it execs: the pid stays). */
  public List<String> exec(String id) {
    return List.of("ip", "netns", "exec", namespace(id));
  }

  /** Makes bridge, guard table, namespaces and veths; on failure removes what it made. */
  public void create(PrintStream out) {
    try {
      // forward_delay 0: ports forward at once instead of after 15 s of listening.
      Sh.run("ip", "link", "add", bridge(), "type", "bridge", "forward_delay", "0");
      Sh.run("ip", "addr", "add", rootAddress() + "/24", "dev", bridge());
      Sh.run("ip", "link", "set", bridge(), "up");
      Sh.runWithInput("table inet " + table() + " {\n"
          + "  chain forward {\n"
          + "    type filter hook forward priority -10; policy accept;\n"
          + "    iifname \"" + bridge() + "\" oifname != \"" + bridge() + "\" drop\n"
          + "    oifname \"" + bridge() + "\" iifname != \"" + bridge() + "\" drop\n"
          + "  }\n"
          + "}\n", "nft", "-f", "-");
      for (String id : ids) {
        String ns = namespace(id);
        Sh.run("ip", "netns", "add", ns);
        Sh.run("ip", "link", "add", veth(id), "type", "veth", "peer", "name", "eth0", "netns", ns);
        Sh.run("ip", "link", "set", veth(id), "master", bridge(), "up");
        Sh.run("ip", "-n", ns, "addr", "add", address(id) + "/24", "dev", "eth0");
        Sh.run("ip", "-n", ns, "link", "set", "eth0", "up");
        Sh.run("ip", "-n", ns, "link", "set", "lo", "up");
      }
    } catch (RuntimeException e) {
      removeAll(tag, out);
      throw e;
    }
    out.printf("host network %s: bridge %s at %s, namespaces %s .. %s%n", cidr(), bridge(), rootAddress(),
        namespace(ids.get(0)), namespace(ids.get(ids.size() - 1)));
  }

  /**
   * Removes every namespace, link and table named for {@code tag}, and before that kills (by pid,
   * -9) any process still inside one of those namespaces: it can only be a node of a crashed run.
   */
  public static void removeAll(String tag, PrintStream out) {
    for (String ns : namespaces(tag)) {
      for (String pid : Sh.status(List.of("ip", "netns", "pids", ns), null).out().split("\\s+")) {
        if (!pid.isBlank()) {
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(h -> {
            out.printf("killing pid %d left in namespace %s%n", h.pid(), ns);
            h.destroyForcibly();
          });
        }
      }
      Sh.status(List.of("ip", "netns", "del", ns), null);
    }
    for (String link : links(tag)) {
      Sh.status(List.of("ip", "link", "del", link), null);
    }
    if (tables(tag).size() > 0) {
      Sh.status(List.of("nft", "delete", "table", "inet", "cn_" + tag), null);
    }
  }

  /** Everything of {@code tag} that exists now: empty after a clean {@code down}. */
  public static List<String> leftovers(String tag) {
    List<String> all = new ArrayList<>();
    namespaces(tag).forEach(n -> all.add("netns " + n));
    links(tag).forEach(l -> all.add("link " + l));
    tables(tag).forEach(t -> all.add("nft table " + t));
    return all;
  }

  private static List<String> namespaces(String tag) {
    List<String> found = new ArrayList<>();
    for (String line : Sh.run("ip", "netns", "list").split("\n")) {
      String name = line.trim().split("\\s+")[0];
      if (name.startsWith("cn-" + tag + "-")) {
        found.add(name);
      }
    }
    return found;
  }

  private static List<String> links(String tag) {
    List<String> found = new ArrayList<>();
    for (String line : Sh.run("ip", "-o", "link", "show").split("\n")) {
      String[] t = line.trim().split(":\\s+");
      if (t.length > 1) {
        String name = t[1].split("@")[0];
        if (name.startsWith("cn" + tag)) {
          found.add(name);
        }
      }
    }
    return found;
  }

  private static List<String> tables(String tag) {
    List<String> found = new ArrayList<>();
    for (String line : Sh.run("nft", "list", "tables").split("\n")) {
      if (line.trim().equals("table inet cn_" + tag)) {
        found.add("inet cn_" + tag);
      }
    }
    return found;
  }
}
