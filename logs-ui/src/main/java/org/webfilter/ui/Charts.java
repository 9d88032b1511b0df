package org.webfilter.ui;

import java.util.List;
import java.util.Map;

/**
 * Small SVG charts drawn on the server: no script, no CDN, nothing for the Content-Security-Policy to
 * relax (SVG presentation attributes are not inline styles). Every label goes through {@link
 * Html#escape}.
 */
final class Charts {
  static final String[] PALETTE = {"#1f5fa8", "#b42318", "#a15c00", "#25703a", "#6b3fa0", "#0e7c86", "#8a8f98"};

  private Charts() {}

  /** Vertical stacked bars: one bar per label, one colour per series, with a legend. */
  static String stacked(String id, String title, List<String> labels, Map<String, long[]> series) {
    int w = 760;
    int h = 280;
    int left = 44;
    int bottom = 40;
    int top = 16;
    int plotH = h - bottom - top;
    long max = 1;
    for (int i = 0; i < labels.size(); i++) {
      long sum = 0;
      for (long[] v : series.values()) {
        sum += v[i];
      }
      max = Math.max(max, sum);
    }
    long step = niceStep(max);
    long axisMax = ((max + step - 1) / step) * step;
    StringBuilder s = svgStart(id, title, w, h + 24 * ((series.size() + 3) / 4));
    for (long y = 0; y <= axisMax; y += step) {
      int py = top + plotH - (int) (plotH * y / axisMax);
      s.append("<line x1=\"").append(left).append("\" x2=\"").append(w - 8).append("\" y1=\"").append(py).append("\" y2=\"")
          .append(py).append("\" stroke=\"#dde3ea\"/><text x=\"").append(left - 6).append("\" y=\"").append(py + 4)
          .append("\" text-anchor=\"end\" font-size=\"11\" fill=\"#5b6675\">").append(y).append("</text>");
    }
    int n = Math.max(1, labels.size());
    double slot = (double) (w - left - 8) / n;
    double bw = Math.max(2, slot * 0.7);
    for (int i = 0; i < labels.size(); i++) {
      double x = left + i * slot + (slot - bw) / 2;
      double y = top + plotH;
      int k = 0;
      for (Map.Entry<String, long[]> e : series.entrySet()) {
        long v = e.getValue()[i];
        if (v > 0) {
          double bh = plotH * (double) v / axisMax;
          y -= bh;
          s.append(String.format(java.util.Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">",
              x, y, bw, bh, PALETTE[k % PALETTE.length]));
          s.append("<title>").append(Html.escape(labels.get(i) + " · " + e.getKey() + ": " + v)).append("</title></rect>");
        }
        k++;
      }
      if (n <= 16 || i % ((n + 15) / 16) == 0) {
        s.append(String.format(java.util.Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\" fill=\"#5b6675\">",
            x + bw / 2, top + plotH + 14)).append(Html.escape(labels.get(i))).append("</text>");
      }
    }
    int k = 0;
    for (String name : series.keySet()) {
      int lx = left + (k % 4) * 180;
      int ly = h + 4 + (k / 4) * 22;
      s.append("<rect x=\"").append(lx).append("\" y=\"").append(ly - 10).append("\" width=\"12\" height=\"12\" fill=\"")
          .append(PALETTE[k % PALETTE.length]).append("\"/><text x=\"").append(lx + 18).append("\" y=\"").append(ly)
          .append("\" font-size=\"12\" fill=\"#1d2430\">").append(Html.escape(name)).append("</text>");
      k++;
    }
    return s.append("</svg>").toString();
  }

  /** Horizontal bars, largest first, value at the end of each bar. */
  static String bars(String id, String title, List<Map.Entry<String, Long>> rows, String colour) {
    int w = 560;
    int row = 24;
    int label = 200;
    int h = Math.max(1, rows.size()) * row + 8;
    long max = rows.stream().mapToLong(Map.Entry::getValue).max().orElse(1);
    StringBuilder s = svgStart(id, title, w, h);
    if (rows.isEmpty()) {
      s.append("<text x=\"0\" y=\"16\" font-size=\"12\" fill=\"#5b6675\">No data for this period.</text>");
    }
    for (int i = 0; i < rows.size(); i++) {
      Map.Entry<String, Long> r = rows.get(i);
      int y = 4 + i * row;
      String name = r.getKey().length() > 30 ? r.getKey().substring(0, 29) + "…" : r.getKey();
      double bw = (w - label - 50) * (double) r.getValue() / Math.max(1, max);
      s.append("<text x=\"").append(label - 8).append("\" y=\"").append(y + 15)
          .append("\" text-anchor=\"end\" font-size=\"12\" fill=\"#1d2430\">").append(Html.escape(name)).append("</text>")
          .append(String.format(java.util.Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" rx=\"2\" fill=\"%s\"/>",
              label, y + 3, Math.max(1, bw), colour))
          .append(String.format(java.util.Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#5b6675\">",
              label + Math.max(1, bw) + 6, y + 15)).append(r.getValue()).append("</text>");
    }
    return s.append("</svg>").toString();
  }

  private static StringBuilder svgStart(String id, String title, int w, int h) {
    return new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"").append(Html.escape(id))
        .append("\" role=\"img\" viewBox=\"0 0 ").append(w).append(' ').append(h).append("\" width=\"").append(w)
        .append("\" height=\"").append(h).append("\"><title>").append(Html.escape(title)).append("</title>");
  }

  /** 1, 2 or 5 times a power of ten, giving about five grid lines. */
  static long niceStep(long max) {
    long raw = Math.max(1, max / 5);
    long p = 1;
    while (p * 10 <= raw) {
      p *= 10;
    }
    for (long m : new long[] {1, 2, 5, 10}) {
      if (m * p >= raw) {
        return m * p;
      }
    }
    return 10 * p;
  }
}
