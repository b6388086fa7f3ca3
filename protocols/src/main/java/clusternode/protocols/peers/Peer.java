package clusternode.protocols.peers;

/** One node of a deployment as the config names it: where its Akka remoting and HTTP listen. */
public record Peer(String id, String host, int akkaPort, int httpPort) {
  public String akkaAddress(String systemName) {
    return "akka://" + systemName + "@" + host + ":" + akkaPort;
  }

  public String httpBase() {
    return "http://" + host + ":" + httpPort;
  }
}
