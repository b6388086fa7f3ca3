package clusternode.node.tls;

import akka.actor.ActorSystem;
import akka.remote.artery.tcp.ConfigSSLEngineProvider;
import javax.net.ssl.SSLEngine;

/**
 * Artery's {@code ConfigSSLEngineProvider} (key store, trust store, mutual authentication as
 * configured), except that an inbound connection whose TLS handshake fails is logged: Akka logs
 * only its own outbound failures, so without this a node refusing a foreign or plain-TCP peer
 * would say nothing about it.
 */
public final class RefusalLoggingSslEngineProvider extends ConfigSSLEngineProvider {
  public RefusalLoggingSslEngineProvider(ActorSystem system) {
    super(system);
  }

  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    return new RefusalLoggingSslEngine(super.createServerSSLEngine(hostname, port), hostname + ":" + port);
  }
}
