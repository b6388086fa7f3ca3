package clusternode.protocols.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * A node's metrics, rendered in the Prometheus text format by {@link #renderPrometheus()}.
 * Counters are {@link LongAdder}s, so hot paths pay one add; gauges are read when scraped;
 * latency summaries use HdrHistogram so percentiles are exact to 3 significant digits.
 *
 * <p>Labels are given as alternating name/value pairs: {@code counter("x_total", "help", "peer", "n2")}.
 */
public final class Metrics {
  private final Map<String, Family> families = new ConcurrentSkipListMap<>();

  public LongAdder counter(String name, String help, String... labels) {
    return (LongAdder) family(name, help, "counter").series.computeIfAbsent(labelText(labels), k -> new LongAdder());
  }

  public void gauge(String name, String help, DoubleSupplier value, String... labels) {
    family(name, help, "gauge").series.put(labelText(labels), value);
  }

  /** A latency summary in milliseconds, recorded in microseconds; see {@link LatencySummary}. */
  public LatencySummary summary(String name, String help, String... labels) {
    return (LatencySummary) family(name, help, "summary").series.computeIfAbsent(labelText(labels),
        k -> new LatencySummary(1000.0));
  }

  /** A summary of plain counts (batch sizes, ...): record with {@code recordMicros(count)}, shown as is. */
  public LatencySummary distribution(String name, String help, String... labels) {
    return (LatencySummary) family(name, help, "summary").series.computeIfAbsent(labelText(labels),
        k -> new LatencySummary(1.0));
  }

  private Family family(String name, String help, String type) {
    Family f = families.computeIfAbsent(name, n -> new Family(help, type));
    if (!f.type.equals(type)) {
      throw new IllegalArgumentException("metric " + name + " is a " + f.type + ", not a " + type);
    }
    return f;
  }

  public String renderPrometheus() {
    StringBuilder out = new StringBuilder(4096);
    families.forEach((name, f) -> {
      out.append("# HELP ").append(name).append(' ').append(f.help).append('\n');
      out.append("# TYPE ").append(name).append(' ').append(f.type).append('\n');
      new TreeMap<>(f.series).forEach((labels, metric) -> render(out, name, labels, metric));
    });
    return out.toString();
  }

  private static void render(StringBuilder out, String name, String labels, Object metric) {
    if (metric instanceof LongAdder c) {
      line(out, name, labels, c.sum());
    } else if (metric instanceof DoubleSupplier g) {
      line(out, name, labels, g.getAsDouble());
    } else if (metric instanceof LatencySummary s) {
      Histogram h = s.snapshot();
      for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
        String ql = "quantile=\"" + q + "\"";
        line(out, name, labels.isEmpty() ? ql : labels + "," + ql, h.getValueAtPercentile(q * 100) / s.scale);
      }
      line(out, name + "_count", labels, s.count());
      line(out, name + "_sum", labels, s.sumMicros() / s.scale);
    }
  }

  private static void line(StringBuilder out, String name, String labels, double value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{').append(labels).append('}');
    }
    out.append(' ');
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      out.append((long) value);
    } else {
      out.append(value);
    }
    out.append('\n');
  }

  static String labelText(String... labels) {
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in name/value pairs");
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < labels.length; i += 2) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
    }
    return sb.toString();
  }

  private static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static final class Family {
    final String help;
    final String type;
    final Map<String, Object> series = new ConcurrentHashMap<>();

    Family(String help, String type) {
      this.help = help;
      this.type = type;
    }
  }

  /**
   * Latencies recorded from any thread; the scrape sees everything recorded since start-up
   * (a cumulative histogram, as Prometheus summaries expect).
   */
  public static final class LatencySummary {
    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private final LongAdder sumMicros = new LongAdder();
    private final double scale;

    LatencySummary(double scale) {
      this.scale = scale;
    }

    public void recordMicros(long micros) {
      long v = Math.max(0, micros);
      recorder.recordValue(v);
      sumMicros.add(v);
    }

    public void recordNanos(long nanos) {
      recordMicros(nanos / 1000);
    }

    synchronized Histogram snapshot() {
      total.add(recorder.getIntervalHistogram());
      return total.copy();
    }

    long count() {
      return snapshot().getTotalCount();
    }

    long sumMicros() {
      return sumMicros.sum();
    }
  }
}
