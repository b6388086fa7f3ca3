package clusternode.node.recovery;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * The reflection into Artery that frees a hung incarnation's port still finds its field: a
 * running actor system's port is busy, and free once {@link ArteryPort#release} unbound it.
 */
class ArteryPortTest {
  @Test
  void releaseFreesTheArteryPortOfARunningSystem() throws InterruptedException {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "artery-port-test", ConfigFactory.parseString("""
        akka.actor.provider = remote
        akka.remote.artery.transport = tcp
        akka.remote.artery.canonical.hostname = "127.0.0.1"
        akka.remote.artery.canonical.port = 0
        akka.loglevel = WARNING
        """).withFallback(ConfigFactory.load()));
    try {
      int port = (Integer) system.address().getPort().get();
      assertFalse(free(port), "Artery listens on " + port);
      ArteryPort.release(system);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!free(port) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(free(port), "the port is free for a new incarnation");
    } finally {
      system.terminate();
    }
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
