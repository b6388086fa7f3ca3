package clusternode.node.config;

import clusternode.protocols.config.ConfigProblem;
import clusternode.protocols.peers.Peer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Refuses to start when a port this node must listen on is taken, before Akka hides the reason. */
public final class PortCheck {
  private PortCheck() {}

  public static void requireFree(NodeConfig node) {
    Peer self = node.peers().self();
    requireFree(self.host(), self.akkaPort(), "cluster-node.peers." + self.id() + ".akka-port");
    requireFree(node.httpBindHost(), self.httpPort(), "cluster-node.peers." + self.id() + ".http-port");
  }

  private static void requireFree(String host, int port, String key) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new ConfigProblem(key, host + ":" + port + " is already in use or cannot be bound (" + e.getMessage() + ")",
          "stop what listens there (bin/cluster down) or choose another port");
    }
  }
}
