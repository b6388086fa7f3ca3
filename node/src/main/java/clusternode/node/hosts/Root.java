package clusternode.node.hosts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Namespaces, veths and nftables need root and two tools; say so in one line when either is missing. */
public final class Root {
  private Root() {}

  /** Throws IllegalStateException (one line, exit 2) unless this process may make the host network. */
  public static void require(String what) {
    if (effectiveUid() != 0) {
      throw new IllegalStateException(what + " needs root (network namespaces, veths, nftables); run it as root");
    }
    for (String tool : new String[] {"ip", "nft"}) {
      if (!onPath(tool)) {
        throw new IllegalStateException(what + " needs the '" + tool
            + "' command; install it: apt-get install -y iproute2 nftables");
      }
    }
  }

  /** The effective uid from /proc (Java has no API for it); -1 when unknown, which counts as not root. */
  static long effectiveUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
    for (String d : path.split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }
}
