package org.webfilter.ui;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.webfilter.events.AccessEvent.Verdict;

/**
 * Server-side aggregates for the DSL's reports, computed from the event index's doc values (days are
 * UTC days). A report reads at most {@link #MAX_SCAN} events and says so when it stopped there.
 */
final class Reports {
  static final long MAX_SCAN = 2_000_000;
  static final int TOP = 10;
  static final int SERIES = 6;

  private final EventStore store;

  Reports(EventStore store) {
    this.store = store;
  }

  /** Blocks per category per day: the {@value #SERIES} biggest categories, the rest as "other". */
  record PerDay(List<LocalDate> days, Map<String, long[]> series, long scanned) {}

  /** The biggest entries of one count, largest first. */
  record Top(List<Map.Entry<String, Long>> rows, long scanned) {}

  record Pupil(String user, Map<String, Long> decisions, List<Map.Entry<String, Long>> blockedCategories,
      List<Map.Entry<String, Long>> loggedCategories, List<Map.Entry<String, Long>> blockedHosts,
      List<Map.Entry<String, Long>> searchTerms, long scanned) {}

  static EventQuery filter(String user, String category, Verdict decision, Instant from, Instant to) {
    return new EventQuery(user, null, null, null, category, decision, null, from, to, 1, null);
  }

  static List<LocalDate> days(Instant from, Instant to) {
    List<LocalDate> out = new ArrayList<>();
    LocalDate last = to.minusMillis(1).atZone(ZoneOffset.UTC).toLocalDate();
    for (LocalDate d = from.atZone(ZoneOffset.UTC).toLocalDate(); !d.isAfter(last); d = d.plusDays(1)) {
      out.add(d);
    }
    return out;
  }

  PerDay blocksPerCategoryPerDay(Instant from, Instant to) throws IOException {
    List<LocalDate> days = days(from, to);
    LocalDate first = days.get(0);
    Map<String, long[]> all = new HashMap<>();
    long scanned = store.scan(filter(null, null, Verdict.BLOCK, from, to), MAX_SCAN, r -> {
      int i = (int) ChronoUnit.DAYS.between(first, Instant.ofEpochMilli(r.timeMillis()).atZone(ZoneOffset.UTC).toLocalDate());
      if (i < 0 || i >= days.size()) {
        return;
      }
      for (String c : r.categories().isEmpty() ? List.of("(explicit entry)") : r.categories()) {
        all.computeIfAbsent(c, k -> new long[days.size()])[i]++;
      }
    });
    List<Map.Entry<String, long[]>> sorted = new ArrayList<>(all.entrySet());
    sorted.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -sum(e.getValue())).thenComparing(Map.Entry::getKey));
    Map<String, long[]> series = new LinkedHashMap<>();
    long[] other = new long[days.size()];
    for (int k = 0; k < sorted.size(); k++) {
      if (k < SERIES) {
        series.put(sorted.get(k).getKey(), sorted.get(k).getValue());
      } else {
        for (int i = 0; i < other.length; i++) {
          other[i] += sorted.get(k).getValue()[i];
        }
      }
    }
    if (sorted.size() > SERIES) {
      series.put("other", other);
    }
    return new PerDay(days, series, scanned);
  }

  /** Top users and top hosts among events in {@code category}. */
  Top[] topUsersAndHosts(String category, Instant from, Instant to) throws IOException {
    Map<String, Long> users = new HashMap<>();
    Map<String, Long> hosts = new HashMap<>();
    long scanned = store.scan(filter(null, category, null, from, to), MAX_SCAN, r -> {
      users.merge(r.user() == null ? "(no login)" : r.user(), 1L, Long::sum);
      if (r.host() != null) {
        hosts.merge(r.host(), 1L, Long::sum);
      }
    });
    return new Top[] {new Top(top(users, TOP), scanned), new Top(top(hosts, TOP), scanned)};
  }

  /** Concerning search terms (blocked or logged searches): the most frequent, and how many per day. */
  record Terms(List<Map.Entry<String, Long>> top, List<LocalDate> days, long[] perDay, long scanned) {}

  Terms searchTerms(Instant from, Instant to) throws IOException {
    List<LocalDate> days = days(from, to);
    LocalDate first = days.get(0);
    long[] perDay = new long[days.size()];
    Map<String, Long> terms = new HashMap<>();
    long scanned = store.scan(filter(null, null, null, from, to), MAX_SCAN, r -> {
      if (r.searchTerms() == null || "ALLOW".equals(r.decision())) {
        return;
      }
      terms.merge(r.searchTerms().strip().toLowerCase(Locale.ROOT), 1L, Long::sum);
      int i = (int) ChronoUnit.DAYS.between(first, Instant.ofEpochMilli(r.timeMillis()).atZone(ZoneOffset.UTC).toLocalDate());
      if (i >= 0 && i < perDay.length) {
        perDay[i]++;
      }
    });
    return new Terms(top(terms, 20), days, perDay, scanned);
  }

  Pupil pupil(String user, Instant from, Instant to) throws IOException {
    Map<String, Long> decisions = new LinkedHashMap<>();
    for (Verdict v : Verdict.values()) {
      decisions.put(v.name(), 0L);
    }
    Map<String, Long> blocked = new HashMap<>();
    Map<String, Long> logged = new HashMap<>();
    Map<String, Long> hosts = new HashMap<>();
    Map<String, Long> terms = new HashMap<>();
    long scanned = store.scan(filter(user, null, null, from, to), MAX_SCAN, r -> {
      decisions.merge(r.decision(), 1L, Long::sum);
      if ("BLOCK".equals(r.decision())) {
        r.categories().forEach(c -> blocked.merge(c, 1L, Long::sum));
        if (r.host() != null) {
          hosts.merge(r.host(), 1L, Long::sum);
        }
      } else if ("LOG".equals(r.decision())) {
        r.categories().forEach(c -> logged.merge(c, 1L, Long::sum));
      }
      if (r.searchTerms() != null) {
        terms.merge(r.searchTerms().strip().toLowerCase(Locale.ROOT), 1L, Long::sum);
      }
    });
    return new Pupil(user, decisions, top(blocked, TOP), top(logged, TOP), top(hosts, TOP), top(terms, 20), scanned);
  }

  static List<Map.Entry<String, Long>> top(Map<String, Long> counts, int n) {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(n)
        .map(e -> Map.entry(e.getKey(), e.getValue()))
        .toList();
  }

  private static long sum(long[] v) {
    long s = 0;
    for (long x : v) {
      s += x;
    }
    return s;
  }
}
