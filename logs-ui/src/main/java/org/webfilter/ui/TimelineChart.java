package org.webfilter.ui;

import java.io.IOException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A timeline's window as at most {@link #MAX_BARS} time buckets, with allowed, blocked and logged
 * requests counted per bucket over every event of the window (not only the ones listed), so that a
 * burst of blocked requests stands out at a glance. Read from doc values, without decoding events.
 */
record TimelineChart(List<String> labels, Map<String, long[]> series, int bucketMinutes) {
  static final int MAX_BARS = 60;

  /** Bounds the work for a very busy window; the chart then undercounts, which the total shows. */
  private static final long MAX_EVENTS = 200_000;

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

  static TimelineChart of(EventStore store, Timeline t) throws IOException {
    long windowMinutes = 2L * t.minutes();
    int bucketMinutes = (int) Math.max(1, (windowMinutes + MAX_BARS - 1) / MAX_BARS);
    long bucketMillis = Duration.ofMinutes(bucketMinutes).toMillis();
    long from = t.from().toEpochMilli();
    int bars = (int) ((t.to().toEpochMilli() - from + bucketMillis - 1) / bucketMillis);
    // Colours follow Charts.PALETTE in this order: blue, red, amber, as the decision badges do.
    Map<String, long[]> series = new LinkedHashMap<>();
    series.put("allowed", new long[bars]);
    series.put("blocked", new long[bars]);
    series.put("logged", new long[bars]);
    store.scan(
        t.window(),
        MAX_EVENTS,
        row -> {
          int i = (int) Math.min(bars - 1, Math.max(0, (row.timeMillis() - from) / bucketMillis));
          String s =
              "BLOCK".equals(row.decision())
                  ? "blocked"
                  : "LOG".equals(row.decision()) ? "logged" : "allowed";
          series.get(s)[i]++;
        });
    List<String> labels = new ArrayList<>(bars);
    for (int i = 0; i < bars; i++) {
      labels.add(CLOCK.format(t.from().plusMillis(i * bucketMillis)));
    }
    return new TimelineChart(labels, series, bucketMinutes);
  }

  String svg() {
    String per = bucketMinutes == 1 ? "minute" : bucketMinutes + " minutes";
    return Charts.stacked("timeline-chart", "Requests per " + per + " (UTC)", labels, series);
  }
}
