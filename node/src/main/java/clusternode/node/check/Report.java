package clusternode.node.check;

import clusternode.node.check.History.Operation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The run's report: counts of outcomes per operation and per node, and a self-contained HTML page
 * with an SVG timeline: a band per node with a lane per client inside, nemesis windows shaded,
 * violating operations marked.
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
    Timeline t = Timeline.of(ops);
    int width = 1600;
    int height = t.height();
    double scale = (width - Timeline.LEFT - 10) / (double) end;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns='http://www.w3.org/2000/svg' width='").append(width).append("' height='").append(height)
        .append("' font-family='monospace' font-size='11'>");
    int band = 0;
    for (Map.Entry<String, List<String>> b : t.bands().entrySet()) {
      int y = t.laneY(b.getKey(), b.getValue().get(0));
      svg.append(String.format("<rect class='band' data-node='%s' x='0' y='%d' width='%d' height='%d' fill='%s'/>"
          + "<text x='2' y='%d' font-weight='bold'>%s</text>", esc(b.getKey()), y - 2, width,
          b.getValue().size() * Timeline.LANE_HEIGHT + 4, band++ % 2 == 0 ? "#f3f6fb" : "#fbfbf3", y + 14,
          esc(b.getKey())));
      for (String process : b.getValue()) {
        svg.append(String.format("<text x='34' y='%d'>%s</text>", t.laneY(b.getKey(), process) + 14, esc(process)));
      }
    }
    for (Object[] w : windows(ops, end)) {
      double x1 = Timeline.LEFT + (long) w[0] * scale;
      double x2 = Timeline.LEFT + (long) w[1] * scale;
      svg.append(String.format("<rect class='nemesis' x='%.1f' y='0' width='%.1f' height='%d' fill='#f5a623' "
          + "fill-opacity='0.18'><title>%s</title></rect><text x='%.1f' y='12' fill='#b06000'>%s</text>", x1,
          Math.max(1, x2 - x1), height, esc((String) w[2]), x1 + 2, esc(shorten((String) w[2]))));
    }
    for (int s = 0; s <= end / 1_000_000_000L; s += Math.max(1, (int) (end / 1_000_000_000L / 20))) {
      double x = Timeline.LEFT + s * 1e9 * scale;
      svg.append(String.format("<line x1='%.1f' y1='18' x2='%.1f' y2='%d' stroke='#ddd'/><text x='%.1f' y='%d' "
          + "fill='#888'>%ds</text>", x, x, height - 14, x + 1, height - 2, s));
    }
    int drawn = 0;
    for (Operation op : ops) {
      boolean bad = violating.contains(op.id());
      if (!t.drawn(op) || drawn++ > MAX_DRAWN && !bad) {
        continue;
      }
      int y = t.laneY(Timeline.node(op), op.invoke().process());
      double x1 = Timeline.LEFT + op.callNs() * scale;
      double x2 = Timeline.LEFT + op.endNs() * scale;
      String fill = switch (op.type()) {
        case Event.OK -> "#4caf50";
        case Event.FAIL -> "#9e9e9e";
        default -> "#ffb300";
      };
      svg.append(String.format("<rect%s data-op='%d' x='%.1f' y='%d' width='%.1f' height='%d' fill='%s'%s><title>%s"
          + "</title></rect>", bad ? " class='violating'" : "", op.id(), x1, y + 3, Math.max(1.5, x2 - x1),
          Timeline.LANE_HEIGHT - 6, fill, bad ? " stroke='#d00' stroke-width='3'" : "", esc(op.describe())));
      if (bad) {
        svg.append(String.format("<text x='%.1f' y='%d' fill='#d00' font-weight='bold'>✖</text>", x1, y + 2));
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
    h.append("<p>One band per node (the node each request went to), one lane per client inside it. Green: ok; grey: "
        + "failed (certainly not applied); amber: unknown outcome; red outline and ✖: evidence of the violation; "
        + "shaded: a nemesis fault in force. Hover for details.</p>");
    h.append("<div style='overflow-x:auto'>").append(svg).append("</div></body></html>\n");
    return h.toString();
  }

  /**
   * Where operations go: one band per node the requests went to (in node order), inside it one
   * lane per process that sent it something. Nemesis operations are drawn as shaded windows instead.
   */
  private record Timeline(Map<String, List<String>> bands, Map<String, Integer> laneYs) {
    static final int LEFT = 90;
    static final int LANE_HEIGHT = 22;
    private static final int TOP = 30;
    private static final int BAND_GAP = 6;
    private static final Comparator<String> NATURAL = Comparator.comparingInt(String::length)
        .thenComparing(Comparator.naturalOrder());

    static Timeline of(List<Operation> ops) {
      Map<String, Set<String>> lanes = new TreeMap<>(NATURAL);
      for (Operation op : ops) {
        if (!op.invoke().process().equals(Event.NEMESIS)) {
          lanes.computeIfAbsent(node(op), k -> new TreeSet<>(NATURAL)).add(op.invoke().process());
        }
      }
      Map<String, List<String>> bands = new LinkedHashMap<>();
      Map<String, Integer> ys = new HashMap<>();
      int y = TOP;
      for (Map.Entry<String, Set<String>> b : lanes.entrySet()) {
        bands.put(b.getKey(), List.copyOf(b.getValue()));
        for (String process : b.getValue()) {
          ys.put(b.getKey() + "\u0000" + process, y);
          y += LANE_HEIGHT;
        }
        y += BAND_GAP;
      }
      return new Timeline(bands, ys);
    }

    static String node(Operation op) {
      return op.invoke().node() == null ? "-" : op.invoke().node();
    }

    boolean drawn(Operation op) {
      return !op.invoke().process().equals(Event.NEMESIS);
    }

    int laneY(String node, String process) {
      return laneYs.get(node + "\u0000" + process);
    }

    int height() {
      return laneYs.values().stream().mapToInt(Integer::intValue).max().orElse(TOP) + LANE_HEIGHT + BAND_GAP + 20;
    }
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
