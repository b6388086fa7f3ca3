package clusternode.protocols.ledger;

import akka.http.javadsl.server.Route;
import clusternode.protocols.config.ConfigProblem;
import clusternode.protocols.peers.PeerDirectory;
import clusternode.protocols.spi.ProtocolContext;
import clusternode.protocols.spi.ProtocolInstance;
import clusternode.protocols.spi.ProtocolProvider;
import clusternode.protocols.statemachine.Replicated;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The ledger as a protocol of the node. It runs no actor of its own: its state machine
 * ({@link LedgerStateMachine}) is driven by the ordering protocol named in
 * {@value #ORDERING_KEY} ({@code raft} or {@code pbft}), which must be enabled too; this provider
 * serves the HTTP routes that submit commands and queries through that protocol's
 * {@link Replicated}.
 *
 * <p>Keys: {@value #ORDERING_KEY} (required: raft | pbft), {@value #MAX_IN_FLIGHT_KEY} (optional,
 * default {@value LedgerRoutes#DEFAULT_MAX_IN_FLIGHT}), {@value #TICK_INTERVAL_KEY} (optional,
 * default 1s; 0 = off: how often this node checks whether a pending transfer's timeout has passed,
 * and if so proposes a {@code tick} carrying its clock so that it expires even when no other
 * command comes; see {@link LedgerTicks}).
 */
public final class LedgerProvider implements ProtocolProvider {
  public static final String NAME = "ledger";
  /** Whether this deployment runs the ledger with {@code protocol} ordering its commands. */
  public static boolean orderedBy(Config config, String protocol) {
    return config.getStringList("cluster-node.protocols").contains(LedgerStateMachine.NAME)
        && config.hasPath(ORDERING_KEY) && config.getString(ORDERING_KEY).strip().equals(protocol);
  }

  public static final String ORDERING_KEY = "cluster-node.ledger.ordering";
  public static final String MAX_IN_FLIGHT_KEY = "cluster-node.ledger.max-in-flight";
  public static final String TICK_INTERVAL_KEY = "cluster-node.ledger.tick-interval";
  public static final Duration DEFAULT_TICK_INTERVAL = Duration.ofSeconds(1);
  private static final Set<String> ORDERINGS = Set.of("raft", "pbft");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "event-sourced double-entry ledger, ordered by raft or pbft (cluster-node.ledger.ordering)";
  }

  @Override
  public void validate(Config config, PeerDirectory peers, Set<String> enabled) {
    String ordering = ordering(config);
    if (!enabled.contains(ordering)) {
      throw new ConfigProblem(ORDERING_KEY, "the ledger is ordered by " + ordering + ", which this deployment does not run",
          "add " + ordering + " to cluster-node.protocols, or set " + ORDERING_KEY + " to a protocol it runs (raft | pbft)");
    }
    maxInFlight(config);
    tickInterval(config);
  }

  @Override
  public Set<String> startsAfter(Config config) {
    try {
      return Set.of(ordering(config));
    } catch (ConfigProblem e) {
      return Set.of(); // validate() reports it
    }
  }

  @Override
  public ProtocolInstance start(ProtocolContext context) {
    String ordering = ordering(context.config());
    Replicated replicated = context.require(ordering, Replicated.class);
    LedgerRoutes routes = new LedgerRoutes(replicated, System::currentTimeMillis, maxInFlight(context.config()));
    Duration tick = tickInterval(context.config());
    if (!tick.isZero()) {
      Runnable ticks = LedgerTicks.create(replicated, System::currentTimeMillis, rank(context.config()) * tick.toMillis());
      context.system().scheduler().scheduleAtFixedRate(tick, tick, ticks, context.system().executionContext());
    }
    return new Instance(ordering, routes.route());
  }

  /** This node's position among the deployment's node ids, sorted (0 when the config names none). */
  static int rank(Config config) {
    if (!config.hasPath("cluster-node.id") || !config.hasPath("cluster-node.peers")) {
      return 0;
    }
    List<String> ids = new ArrayList<>(config.getObject("cluster-node.peers").keySet());
    Collections.sort(ids);
    return Math.max(0, ids.indexOf(config.getString("cluster-node.id")));
  }

  static Duration tickInterval(Config config) {
    if (!config.hasPath(TICK_INTERVAL_KEY)) {
      return DEFAULT_TICK_INTERVAL;
    }
    try {
      Duration d = config.getDuration(TICK_INTERVAL_KEY);
      if (d.isZero() || (d.toMillis() >= 10 && d.toMinutes() <= 60)) {
        return d;
      }
    } catch (ConfigException e) {
      // answered below
    }
    throw new ConfigProblem(TICK_INTERVAL_KEY, "must be 0 (off) or a duration from 10ms to 60m",
        "set " + TICK_INTERVAL_KEY + " = 1s, or 0 to turn ticks off");
  }

  /** The ordering protocol's name, checked. */
  static String ordering(Config config) {
    String value;
    try {
      value = config.hasPath(ORDERING_KEY) ? config.getString(ORDERING_KEY).strip() : "";
    } catch (ConfigException.WrongType e) {
      throw new ConfigProblem(ORDERING_KEY, "must be a string, raft or pbft", "set " + ORDERING_KEY + " = raft");
    }
    if (value.isEmpty()) {
      throw new ConfigProblem(ORDERING_KEY, "the ledger needs an ordering protocol and none is named",
          "set " + ORDERING_KEY + " = raft (or pbft) and name that protocol in cluster-node.protocols");
    }
    if (!ORDERINGS.contains(value)) {
      throw new ConfigProblem(ORDERING_KEY, "unknown ordering protocol '" + value + "'",
          "set " + ORDERING_KEY + " = raft or pbft");
    }
    return value;
  }

  static int maxInFlight(Config config) {
    if (!config.hasPath(MAX_IN_FLIGHT_KEY)) {
      return LedgerRoutes.DEFAULT_MAX_IN_FLIGHT;
    }
    try {
      int n = config.getInt(MAX_IN_FLIGHT_KEY);
      if (n >= 1 && n <= 1_000_000) {
        return n;
      }
    } catch (ConfigException e) {
      // answered below
    }
    throw new ConfigProblem(MAX_IN_FLIGHT_KEY, "must be an integer from 1 to 1000000",
        "set " + MAX_IN_FLIGHT_KEY + " = " + LedgerRoutes.DEFAULT_MAX_IN_FLIGHT);
  }

  /** The started ledger: its routes, and which protocol orders it. */
  static final class Instance implements ProtocolInstance {
    private final String ordering;
    private final Route route;

    Instance(String ordering, Route route) {
      this.ordering = ordering;
      this.route = route;
    }

    @Override
    public Optional<Route> routes() {
      return Optional.of(route);
    }

    @Override
    public CompletionStage<Object> health() {
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("ordering", ordering);
      h.put("machine", LedgerStateMachine.NAME);
      return CompletableFuture.completedFuture(h);
    }
  }
}
