package clusternode.protocols.metrics;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void rendersCountersGaugesAndSummariesInPrometheusText() {
    Metrics m = new Metrics();
    m.counter("messages_total", "Messages", "peer", "n2", "type", "Probe").add(3);
    m.gauge("up", "Up", () -> 1);
    Metrics.LatencySummary s = m.summary("commit_latency_ms", "Commit latency");
    for (int i = 1; i <= 100; i++) {
      s.recordMicros(i * 1000L);
    }
    String text = m.renderPrometheus();
    assertTrue(text.contains("# TYPE messages_total counter\n"), text);
    assertTrue(text.contains("messages_total{peer=\"n2\",type=\"Probe\"} 3\n"), text);
    assertTrue(text.contains("up 1\n"), text);
    assertTrue(text.contains("commit_latency_ms{quantile=\"0.5\"} 50"), text);
    assertTrue(text.contains("commit_latency_ms_count 100\n"), text);
  }

  @Test
  void labelValuesAreEscaped() {
    Metrics m = new Metrics();
    m.counter("x_total", "X", "k", "a\"b").increment();
    assertTrue(m.renderPrometheus().contains("x_total{k=\"a\\\"b\"} 1"));
  }

  @Test
  void oneNameHasOneType() {
    Metrics m = new Metrics();
    m.counter("x", "X");
    assertThrows(IllegalArgumentException.class, () -> m.gauge("x", "X", () -> 0));
  }
}
