package clusternode.node;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.ConnectionContext;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBuilder;
import akka.http.javadsl.ServerBinding;
import clusternode.node.config.NodeConfig;
import clusternode.node.config.PortCheck;
import clusternode.node.http.HttpApi;
import clusternode.protocols.metrics.JvmMetrics;
import clusternode.protocols.metrics.Metrics;
import clusternode.protocols.peers.PeerDirectory;
import clusternode.protocols.spi.ProtocolContext;
import clusternode.protocols.spi.ProtocolInstance;
import clusternode.protocols.spi.ProtocolProvider;
import clusternode.protocols.spi.ProtocolStartException;
import clusternode.protocols.transport.Transport;
import clusternode.protocols.transport.WireJackson;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node: the actor system, its Transport, the protocol actors the config names, and
 * the HTTP API. {@link #start} returns once all of them listen.
 */
public final class Node implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Node.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final Transport transport;

  private Node(ActorSystem<Void> system, ServerBinding binding, Transport transport) {
    this.system = system;
    this.binding = binding;
    this.transport = transport;
  }

  /** What the guardian hands back once the protocol actors are spawned. */
  private record Started(Transport transport, Map<String, ProtocolInstance> protocols) {}

  public static Node start(NodeConfig config) throws NodeStartException {
    PortCheck.requireFree(config);
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new NodeStartException("cannot create data directory " + config.dataDir() + ": " + e.getMessage());
    }
    Metrics metrics = new Metrics();
    JvmMetrics.register(metrics);
    CompletableFuture<Started> started = new CompletableFuture<>();
    ActorSystem<Void> system = ActorSystem.create(guardian(config, metrics, started), PeerDirectory.SYSTEM_NAME,
        WireJackson.setup(config.config()));
    try {
      Started s = started.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      HttpApi api = new HttpApi(config, s.transport(), metrics, s.protocols());
      ServerBuilder server = Http.get(system).newServerAt(config.httpBindHost(), config.peers().self().httpPort());
      if (config.https().isPresent()) {
        server = server.enableHttps(ConnectionContext.httpsServer(config.https().get().serverContext()));
      }
      ServerBinding binding = server.bind(api.routes()).toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      binding.addToCoordinatedShutdown(Duration.ofSeconds(3), system);
      log.info("node {} up: protocols {}, {}://{}:{}, {} over {}", config.peers().selfId(), s.protocols().keySet(),
          config.https().isPresent() ? "https" : "http", config.httpBindHost(), config.peers().self().httpPort(),
          config.peers().self().akkaAddress(system.name()), config.config().getString("akka.remote.artery.transport"));
      return new Node(system, binding, s.transport());
    } catch (ExecutionException e) {
      system.terminate();
      Throwable cause = e.getCause();
      throw new NodeStartException(cause instanceof ProtocolStartException ? cause.getMessage()
          : "start-up failed: " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
    } catch (TimeoutException e) {
      system.terminate();
      throw new NodeStartException("start-up did not finish within " + START_TIMEOUT.toSeconds() + " s");
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      system.terminate();
      throw new NodeStartException("cannot set up HTTPS: " + e.getMessage());
    } catch (InterruptedException e) {
      system.terminate();
      Thread.currentThread().interrupt();
      throw new NodeStartException("interrupted during start-up");
    }
  }

  private static Behavior<Void> guardian(NodeConfig config, Metrics metrics, CompletableFuture<Started> started) {
    return Behaviors.setup(ctx -> {
      try {
        long seed = config.config().getLong("cluster-node.transport.fault-seed");
        Transport transport = Transport.start(ctx, config.peers(), metrics, seed != 0 ? seed : System.nanoTime());
        Map<String, ProtocolInstance> protocols = new LinkedHashMap<>();
        Map<String, Object> services = new java.util.concurrent.ConcurrentHashMap<>();
        for (ProtocolProvider provider : config.protocols()) {
          ProtocolContext context = new ProtocolContext(ctx, config.config(), transport, metrics, config.dataDir(),
              services);
          protocols.put(provider.name(), provider.start(context));
        }
        started.complete(new Started(transport, java.util.Collections.unmodifiableMap(protocols)));
      } catch (RuntimeException e) {
        started.completeExceptionally(e);
        throw e;
      }
      return Behaviors.empty();
    });
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public Transport transport() {
    return transport;
  }

  public int httpPort() {
    return binding.localAddress().getPort();
  }

  /** Resolves when the actor system has stopped (after {@link #close()} or a fatal failure). */
  public CompletableFuture<?> whenTerminated() {
    return system.getWhenTerminated().toCompletableFuture();
  }

  @Override
  public void close() {
    system.terminate();
    whenTerminated().orTimeout(15, TimeUnit.SECONDS).exceptionally(e -> null).join();
  }

  /** Start-up failed for a reason the user can act on; the message is the one line to print. */
  public static final class NodeStartException extends Exception {
    public NodeStartException(String message) {
      super(message);
    }
  }
}
