package clusternode.node.check;

import clusternode.node.check.History.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The run's report: counts of outcomes per operation and per node, and a self-contained HTML page
 * with an SVG timeline, one lane per client, nemesis windows shaded, violating operations marked.
 */
final class Report {
  private static final int MAX_DRAWN = 40_000;

  private Report() {}

  /** outcome counts: f -> type -> n, and node -> type -> n (client operations only). */
  static Map<String, Map<String, Map<String, Integer>>> counts(List<Operation> ops) {
    Map<String, Map<String, Integer>> byF = new TreeMap<>();
    Map<String, Map<String, Integer>> byNode = new TreeMap<>();
    for (Operation op : ops) {
      if (!isClient(op)) {
        continue;
      }
      byF.computeIfAbsent(op.invoke().f(), k -> new TreeMap<>()).merge(op.type(), 1, Integer::sum);
      String node = op.invoke().node() == null ? "-" : op.invoke().node();
      byNode.computeIfAbsent(node, k -> new TreeMap<>()).merge(op.type(), 1, Integer::sum);
    }
    Map<String, Map<String, Map<String, Integer>>> out = new TreeMap<>();
    out.put("byOperation", byF);
    out.put("byNode", byNode);
    return out;
  }

  static boolean isClient(Operation op) {
    return op.invoke().process().matches("c\\d+");
  }

  /** Nemesis windows: [start, end, label] from each fault's invocation to its heal's completion. */
  static List<Object[]> windows(List<Operation> ops, long endNs) {
    List<Object[]> out = new ArrayList<>();
    Operation open = null;
    for (Operation op : ops) {
      if (!op.invoke().process().equals(Event.NEMESIS)) {
        continue;
      }
      if (op.invoke().f().equals("heal")) {
        if (open != null) {
          out.add(new Object[] {open.callNs(), op.endNs(), open.invoke().value()});
          open = null;
        }
      } else {
        open = op;
      }
    }
    if (open != null) {
      out.add(new Object[] {open.callNs(), endNs, open.invoke().value()});
    }
    return out;
  }

  static String html(String title, String verdict, List<String> summary, List<Operation> ops, Set<Integer> violating,
      List<String> witness) {
    long end = 1;
    for (Operation op : ops) {
      end = Math.max(end, Math.max(op.callNs(), op.endNs()));
    }
    Set<String> lanes = new TreeSet<>((a, b) -> a.length() != b.length() ? a.length() - b.length() : a.compareTo(b));
    for (Operation op : ops) {
      if (!op.invoke().process().equals(Event.NEMESIS)) {
        lanes.add(op.invoke().process());
      }
    }
    List<String> laneList = new ArrayList<>(lanes);
    int laneHeight = 22;
    int left = 70;
    int width = 1600;
    int height = 30 + laneList.size() * laneHeight + 20;
    double scale = (width - left - 10) / (double) end;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns='http://www.w3.org/2000/svg' width='").append(width).append("' height='").append(height)
        .append("' font-family='monospace' font-size='11'>");
    for (Object[] w : windows(ops, end)) {
      double x1 = left + (long) w[0] * scale;
      double x2 = left + (long) w[1] * scale;
      svg.append(String.format("<rect x='%.1f' y='0' width='%.1f' height='%d' fill='#f5a623' fill-opacity='0.18'>"
          + "<title>%s</title></rect><text x='%.1f' y='12' fill='#b06000'>%s</text>", x1, Math.max(1, x2 - x1), height,
          esc((String) w[2]), x1 + 2, esc(shorten((String) w[2]))));
    }
    for (int s = 0; s <= end / 1_000_000_000L; s += Math.max(1, (int) (end / 1_000_000_000L / 20))) {
      double x = left + s * 1e9 * scale;
      svg.append(String.format("<line x1='%.1f' y1='18' x2='%.1f' y2='%d' stroke='#ddd'/><text x='%.1f' y='%d' "
          + "fill='#888'>%ds</text>", x, x, height - 14, x + 1, height - 2, s));
    }
    for (int i = 0; i < laneList.size(); i++) {
      svg.append(String.format("<text x='2' y='%d'>%s</text>", 30 + i * laneHeight + 14, esc(laneList.get(i))));
    }
    int drawn = 0;
    for (Operation op : ops) {
      int lane = laneList.indexOf(op.invoke().process());
      if (lane < 0 || drawn++ > MAX_DRAWN && !violating.contains(op.id())) {
        continue;
      }
      double x1 = left + op.callNs() * scale;
      double x2 = left + op.endNs() * scale;
      String fill = switch (op.type()) {
        case Event.OK -> "#4caf50";
        case Event.FAIL -> "#9e9e9e";
        default -> "#ffb300";
      };
      boolean bad = violating.contains(op.id());
      svg.append(String.format("<rect x='%.1f' y='%d' width='%.1f' height='%d' fill='%s'%s><title>%s</title></rect>",
          x1, 30 + lane * laneHeight + 3, Math.max(1.5, x2 - x1), laneHeight - 6, fill,
          bad ? " stroke='#d00' stroke-width='3'" : "", esc(op.describe())));
      if (bad) {
        svg.append(String.format("<text x='%.1f' y='%d' fill='#d00' font-weight='bold'>✖</text>", x1,
            30 + lane * laneHeight + 2));
      }
    }
    svg.append("</svg>");
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html><html><head><meta charset='utf-8'><title>").append(esc(title))
        .append("</title><style>body{font-family:sans-serif;margin:16px}pre{background:#f6f6f6;padding:8px;"
            + "overflow-x:auto}.bad{color:#c00}.good{color:#080}</style></head><body>");
    h.append("<h1>").append(esc(title)).append("</h1>");
    h.append("<h2 class='").append(verdict.equals("VALID") ? "good" : "bad").append("'>").append(esc(verdict))
        .append("</h2><pre>").append(esc(String.join("\n", summary))).append("</pre>");
    if (!witness.isEmpty()) {
      h.append("<h3 class='bad'>Smallest failing sub-history</h3><pre>").append(esc(String.join("\n", witness)))
          .append("</pre>");
    }
    h.append("<p>Green: ok; grey: failed (certainly not applied); amber: unknown outcome; red outline: in the "
        + "violation; shaded: a nemesis fault in force. Hover for details.</p>");
    h.append("<div style='overflow-x:auto'>").append(svg).append("</div></body></html>\n");
    return h.toString();
  }

  private static String shorten(String s) {
    return s == null ? "" : s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")
        .replace("\"", "&quot;").replace("\u0000", "");
  }
}
