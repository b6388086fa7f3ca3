package clusternode.protocols.transport;

import clusternode.protocols.metrics.Metrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of protocol messages per peer and message type; what {@code /metrics} shows of traffic. */
final class TransportMetrics {
  private final Metrics metrics;
  /**
   * The counters by peer and message class: every message passes here, and building the label
   * text and finding the series in {@link Metrics} for each one showed in idle profiles.
   */
  private final Map<Series, LongAdder> sent = new ConcurrentHashMap<>();
  private final Map<Series, LongAdder> received = new ConcurrentHashMap<>();

  private record Series(String peer, Class<?> type) {}

  TransportMetrics(Metrics metrics) {
    this.metrics = metrics;
  }

  void sent(String peer, Object payload) {
    sent.computeIfAbsent(series(peer, payload),
        k -> counter("transport_messages_sent_total", "Protocol messages sent", peer, payload)).increment();
  }

  void received(String peer, Object payload) {
    received.computeIfAbsent(series(peer, payload),
        k -> counter("transport_messages_received_total", "Protocol messages received", peer, payload)).increment();
  }

  private static Series series(String peer, Object payload) {
    return new Series(peer, payload == null ? Void.class : payload.getClass());
  }

  void dropped(String peer, Object payload, String reason) {
    metrics.counter("transport_messages_dropped_total", "Protocol messages dropped by the fault plan or for lack of a receiver",
        "peer", peer, "type", typeOf(payload), "reason", reason).increment();
  }

  private LongAdder counter(String name, String help, String peer, Object payload) {
    return metrics.counter(name, help, "peer", peer, "type", typeOf(payload));
  }

  /** The message's simple name, e.g. {@code AppendEntries}, without its enclosing protocol. */
  static String typeOf(Object payload) {
    return payload == null ? "null" : payload.getClass().getSimpleName();
  }
}
