package org.webfilter.ui;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.webfilter.events.AccessEvent.Verdict;

/**
 * Turns the query string of {@code /api/events} and {@code /events} into an {@link EventQuery},
 * refusing unknown parameters and bad values with a message that names the parameter. Empty values
 * mean "no filter", so a submitted search form with blank fields works.
 */
final class QueryParams {
  static final List<String> NAMES =
      List.of(
          "user",
          "role",
          "ip",
          "host",
          "category",
          "decision",
          "q",
          "from",
          "to",
          "limit",
          "cursor");
  private static final Set<String> KNOWN = Set.copyOf(NAMES);
  private static final int MAX_LENGTH = 256;

  private QueryParams() {}

  /**
   * @throws HttpError 400 naming the first bad parameter
   */
  static EventQuery parse(Map<String, List<String>> params) {
    Map<String, String> p = single(params);
    Instant from = instant("from", p.get("from"));
    Instant to = instant("to", p.get("to"));
    if (from != null && to != null && !from.isBefore(to)) {
      throw HttpError.badRequest("to", p.get("to") + " is not after from " + p.get("from"));
    }
    return new EventQuery(
        p.get("user"),
        p.get("role"),
        p.get("ip"),
        p.get("host"),
        p.get("category"),
        decision(p.get("decision")),
        p.get("q"),
        from,
        to,
        limit(p.get("limit")),
        cursor(p.get("cursor")));
  }

  /** The non-empty parameters, as given (for the audit log and for paging links). */
  static Map<String, String> single(Map<String, List<String>> params) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : params.entrySet()) {
      String name = e.getKey();
      if (!KNOWN.contains(name)) {
        throw HttpError.badRequest(
            truncate(name),
            "unknown parameter (expected one of: " + String.join(", ", NAMES) + ")");
      }
      List<String> values =
          e.getValue().stream().map(String::trim).filter(v -> !v.isEmpty()).toList();
      if (values.size() > 1) {
        throw HttpError.badRequest(name, "given more than once");
      }
      if (values.size() == 1) {
        String v = values.get(0);
        if (v.length() > MAX_LENGTH) {
          throw HttpError.badRequest(
              name, "too long (expected at most " + MAX_LENGTH + " characters)");
        }
        out.put(name, v);
      }
    }
    return out;
  }

  private static Verdict decision(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Verdict.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(
          "decision", "'" + truncate(s) + "' (expected: ALLOW, BLOCK or LOG)");
    }
  }

  private static int limit(String s) {
    if (s == null) {
      return EventQuery.DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(s);
      if (n >= 1 && n <= EventQuery.MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw HttpError.badRequest(
        "limit",
        "'" + truncate(s) + "' (expected: a number from 1 to " + EventQuery.MAX_LIMIT + ")");
  }

  private static Cursor cursor(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Cursor.decode(s);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("cursor", e.getMessage());
    }
  }

  /**
   * Years past this overflow epoch milliseconds far out (year +292278994), so refuse them early.
   */
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

  /**
   * ISO-8601 with an offset; a date-time or date without one is taken as UTC. Years 1-9999 only.
   */
  static Instant instant(String name, String s) {
    Instant t = parseInstant(name, s);
    if (t != null && (t.isBefore(EARLIEST) || t.isAfter(LATEST))) {
      throw HttpError.badRequest(
          name, "'" + truncate(s) + "' is out of range (expected a year from 1 to 9999)");
    }
    return t;
  }

  private static Instant parseInstant(String name, String s) {
    if (s == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      // try the zone-less forms
    }
    try {
      return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      // try a plain date
    }
    try {
      return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw HttpError.badRequest(
          name,
          "'" + truncate(s) + "' is not an ISO-8601 time (expected e.g. 2026-11-23T10:15:00Z)");
    }
  }

  private static String truncate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
