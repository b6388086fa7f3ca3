package clusternode.node.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Request makers for the coordination benchmarks, kept apart from the running so they can be
 * checked without a cluster: a txn of 4 comparisons and 4 puts, and a lease's keepalive.
 */
final class CoordLoads {
  /** Comparisons and puts in one benchmark txn (issue 22: "a txn of 4 comparisons and 4 puts"). */
  static final int TXN_WIDTH = 4;
  /** Key groups per client: like kv-write's 1000 keys per client, a txn touches 4 keys of one group. */
  static final int TXN_GROUPS = 250;

  private CoordLoads() {}

  /**
   * {@code POST /kv/txn}: if each of 4 keys has a version below 10^9 (always true, so every
   * comparison is evaluated and the then-branch runs), put {@code valueBytes} into each.
   */
  static HttpLoad.Requests txns(int valueBytes) {
    char[] fill = new char[valueBytes];
    Arrays.fill(fill, 'v');
    String value = new String(fill);
    return (client, n) -> {
      String group = "bench-txn-" + client + "-" + (n % TXN_GROUPS) + "-";
      StringBuilder ifs = new StringBuilder();
      StringBuilder thens = new StringBuilder();
      for (int i = 0; i < TXN_WIDTH; i++) {
        String sep = i == 0 ? "" : ",";
        ifs.append(sep).append("{\"key\":\"").append(group).append(i)
            .append("\",\"target\":\"version\",\"op\":\"<\",\"value\":1000000000}");
        thens.append(sep).append("{\"put\":{\"key\":\"").append(group).append(i).append("\",\"value\":\"")
            .append(value).append("\"}}");
      }
      String body = "{\"if\":[" + ifs + "],\"then\":[" + thens + "],\"else\":[]}";
      return new HttpLoad.Request("POST", "/kv/txn", "application/json", body.getBytes(StandardCharsets.UTF_8));
    };
  }

  /** {@code POST /leases/{id}/keepalive} of the lease bench client {@code client} was given. */
  static HttpLoad.Requests keepAlives(long[] leaseOfClient) {
    return (client, n) -> new HttpLoad.Request("POST", "/leases/" + leaseOfClient[client] + "/keepalive", null, null);
  }
}
