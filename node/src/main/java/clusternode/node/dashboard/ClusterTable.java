package clusternode.node.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** {@code bin/clusterctl cluster}: the {@code /cluster} answer as a table people can read. */
public final class ClusterTable {
  private ClusterTable() {}

  public static String render(JsonNode cluster) {
    StringBuilder out = new StringBuilder();
    String format = "%-6s %-11s %-9s %5s %-6s %7s %7s %5s %-8s %-18s %s%n";
    out.append(String.format(format, "node", "status", "role", "term", "leader", "commit", "applied", "lag", "reaches",
        "gossip", "faults"));
    for (JsonNode n : cluster.path("nodes")) {
      String status = n.path("status").asText("?");
      if (status.equals("unreachable")) {
        out.append(String.format("%-6s %-11s %s%n", n.path("id").asText(), status, n.path("error").asText("")));
        continue;
      }
      JsonNode c = n.path("consensus");
      long commit = c.path("commitIndex").asLong(-1);
      long applied = c.path("lastApplied").asLong(-1);
      int reachable = 1;
      int of = 1;
      for (JsonNode p : n.path("peers")) {
        of++;
        reachable += "reachable".equals(p.path("status").asText()) ? 1 : 0;
      }
      List<String> alive = new ArrayList<>();
      int members = 0;
      for (JsonNode m : n.path("members")) {
        members++;
        if ("alive".equals(m.path("status").asText())) {
          alive.add(m.path("id").asText());
        }
      }
      String gossip = n.path("members").isArray() ? alive.size() + "/" + members + " alive" : "-";
      out.append(String.format(format, n.path("id").asText(), status,
          c.path("role").asText(c.has("primary") ? "pbft" : "-"), c.has("term") ? c.path("term").asText() : c.path("view").asText("-"),
          c.path("leader").asText(c.path("primary").asText("-")), commit < 0 ? "-" : Long.toString(commit),
          applied < 0 ? "-" : Long.toString(applied), commit < 0 || applied < 0 ? "-" : Long.toString(commit - applied),
          reachable + "/" + of, gossip, faults(n.path("faults"))));
      if (status.equals("unreadable")) {
        out.append("       ").append(n.path("error").asText()).append('\n');
      }
    }
    JsonNode sb = cluster.path("splitBrain");
    out.append(String.format("split brain: %s (max leaders in one term %d; leaders by term %s; distinct leaders believed %d %s)%n",
        sb.path("ok").asBoolean() ? "no" : "YES", sb.path("maxLeadersInOneTerm").asInt(),
        sb.path("leadersByTerm"), sb.path("distinctLeadersBelieved").asInt(), sb.path("leadersBelieved")));
    JsonNode q = cluster.path("quorum");
    out.append(String.format("quorum from %s: %s of %d reachable, needs %d: %s%n", q.path("from").asText(),
        q.path("reachableFromHere").asText("?"), q.path("size").asInt(), q.path("needed").asInt(),
        q.path("healthy").asBoolean() ? "healthy" : "NO QUORUM"));
    return out.toString();
  }

  private static String faults(JsonNode f) {
    List<String> parts = new ArrayList<>();
    if (f.path("partition").isArray() && !f.path("partition").isEmpty()) {
      List<String> groups = new ArrayList<>();
      f.path("partition").forEach(g -> {
        List<String> ids = new ArrayList<>();
        g.forEach(id -> ids.add(id.asText()));
        groups.add(String.join(",", ids));
      });
      parts.add("partition " + String.join("|", groups));
    }
    if (f.path("cuts").isArray() && !f.path("cuts").isEmpty()) {
      parts.add("cuts " + f.path("cuts"));
    }
    for (String k : new String[] {"drop", "delayMs", "jitterMs", "duplicate"}) {
      if (f.path(k).asDouble(0) != 0) {
        parts.add(k + " " + f.path(k).asText());
      }
    }
    return parts.isEmpty() ? "-" : String.join("; ", parts);
  }
}
