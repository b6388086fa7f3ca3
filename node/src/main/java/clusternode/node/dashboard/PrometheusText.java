package clusternode.node.dashboard;

import java.util.LinkedHashMap;
import java.util.Map;

/** The few figures the dashboard charts, read out of a node's {@code /metrics} text. */
final class PrometheusText {
  private PrometheusText() {}

  /**
   * {@code commitsTotal} (raft_commit_latency_ms_count: proposals this node committed as leader,
   * since it started), {@code commitLatencySumMs}, and the cumulative p50/p99 in milliseconds;
   * absent figures are left out. Malformed lines are skipped.
   */
  static Map<String, Object> commitFigures(String text) {
    Map<String, Object> m = new LinkedHashMap<>();
    int lines = 0;
    for (String line : text.split("\n")) {
      if (++lines > 100_000) {
        break;
      }
      if (!line.startsWith("raft_commit_latency_ms")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      String name = line.substring(0, space);
      double value;
      try {
        value = Double.parseDouble(line.substring(space + 1).strip());
      } catch (NumberFormatException e) {
        continue;
      }
      switch (name) {
        case "raft_commit_latency_ms_count" -> m.put("commitsTotal", (long) value);
        case "raft_commit_latency_ms_sum" -> m.put("commitLatencySumMs", value);
        case "raft_commit_latency_ms{quantile=\"0.5\"}" -> m.put("commitLatencyP50Ms", value);
        case "raft_commit_latency_ms{quantile=\"0.99\"}" -> m.put("commitLatencyP99Ms", value);
        default -> { }
      }
    }
    return m;
  }
}
