package clusternode.node.recovery;

import akka.actor.typed.ActorSystem;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees the Artery port of an actor system whose termination hangs. Akka 2.8's
 * ArteryTransport.internalShutdown waits for every association's streams to complete before it
 * unbinds the server (shutdownTransport), and a TLS stream to a peer that is still cut off only
 * completes when TCP gives up, minutes later. A new incarnation needs the port now, so the
 * listening socket is unbound here, through the transport's private {@code serverBinding}.
 * Reflection into Akka internals: if a later Akka renames the field, this logs and does nothing,
 * and the node falls back to exiting with 75 for its supervisor.
 */
final class ArteryPort {
  private static final Logger log = LoggerFactory.getLogger(ArteryPort.class);

  private ArteryPort() {}

  static void release(ActorSystem<?> system) {
    try {
      Object provider = ((akka.actor.ExtendedActorSystem) system.classicSystem()).provider();
      if (!(provider instanceof akka.remote.RemoteActorRefProvider remote)) {
        return;
      }
      Object transport = remote.transport();
      for (Class<?> c = transport.getClass(); c != null; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (f.getName().endsWith("serverBinding") && scala.Option.class.isAssignableFrom(f.getType())) {
            f.setAccessible(true);
            scala.Option<?> binding = (scala.Option<?>) f.get(transport);
            if (binding.isDefined() && binding.get() instanceof akka.stream.scaladsl.Tcp.ServerBinding b) {
              b.unbind();
              log.warn("unbound the Artery port of the old incarnation, whose termination hangs");
            } else {
              log.warn("the old incarnation's Artery server binding is {}; nothing to unbind", binding);
            }
            return;
          }
        }
      }
      log.warn("found no Artery server binding to release in {}", transport.getClass().getName());
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("could not release the old incarnation's Artery port: {}", e.toString());
    }
  }
}
