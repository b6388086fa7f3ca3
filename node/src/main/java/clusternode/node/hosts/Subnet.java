package clusternode.node.hosts;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks the private /24 of a host network: in 10.213.0.0/16 (RFC 1918), the third octet from the
 * cluster's tag, moved on while it overlaps any address or route this machine already has, so
 * the network never shadows a real one (nor another cluster's).
 */
final class Subnet {
  static final String BASE = "10.213.";

  private Subnet() {}

  /** The /24 prefix ("10.213.X.") for {@code tag}, given the machine's {@code ip -4 -o addr} and route lines. */
  static String pick(String tag, List<String> machinePrefixes) {
    int start = Integer.parseInt(tag.substring(0, 2), 16);
    for (int i = 0; i < 256; i++) {
      int third = (start + i) % 256;
      int net = (10 << 24) | (213 << 16) | (third << 8);
      if (machinePrefixes.stream().noneMatch(p -> overlaps(net, 24, p))) {
        return BASE + third + ".";
      }
    }
    throw new IllegalStateException("every /24 of 10.213.0.0/16 is in use on this machine; remove old host networks");
  }

  /** Every IPv4 prefix this machine has: addresses and routes of every table. */
  static List<String> machinePrefixes() {
    List<String> prefixes = new ArrayList<>();
    for (String line : Sh.run("ip", "-4", "-o", "addr", "show").split("\n")) {
      String[] t = line.trim().split("\\s+");
      for (int i = 0; i + 1 < t.length; i++) {
        if (t[i].equals("inet")) {
          prefixes.add(t[i + 1]);
        }
      }
    }
    for (String line : Sh.run("ip", "-4", "-o", "route", "show", "table", "all").split("\n")) {
      for (String token : line.trim().split("\\s+")) {
        if (token.matches("\\d+\\.\\d+\\.\\d+\\.\\d+(/\\d+)?")) {
          prefixes.add(token); // the destination: the first address-shaped token of a route line
          break;
        }
      }
    }
    return prefixes;
  }

  static boolean overlaps(int net, int len, String prefix) {
    String[] parts = prefix.split("/");
    int otherLen = parts.length > 1 ? Integer.parseInt(parts[1]) : 32;
    int other = parse(parts[0]);
    int shorter = Math.min(len, otherLen);
    int mask = shorter == 0 ? 0 : -1 << (32 - shorter);
    return (net & mask) == (other & mask);
  }

  static int parse(String dotted) {
    String[] o = dotted.split("\\.");
    int v = 0;
    for (String part : o) {
      v = (v << 8) | Integer.parseInt(part);
    }
    return v;
  }
}
