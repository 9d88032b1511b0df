package org.webfilter.ui;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.webfilter.events.AccessEvent;

/**
 * Everything one pupil did around a moment: the events of {@code user} (or, for traffic without a
 * user, of the device {@code ip}) from {@code minutes} before {@code at} to {@code minutes} after.
 * {@code focus} is the event the DSL came from, highlighted on the page.
 */
record Timeline(String user, String ip, Instant at, int minutes, UUID focus) {
  static final int DEFAULT_MINUTES = 30;
  static final int MAX_MINUTES = 12 * 60;

  /**
   * The nearest this many events on each side of {@code at} are shown; the count says how many
   * more.
   */
  static final int PER_SIDE = 250;

  static final List<String> NAMES = List.of("user", "ip", "at", "minutes", "focus");
  private static final Set<String> KNOWN = Set.copyOf(NAMES);

  Timeline {
    if ((user == null) == (ip == null)) {
      throw new IllegalArgumentException("exactly one of user and ip");
    }
  }

  /** Around an event: by its user when it has one, else by its device. */
  static Timeline around(AccessEvent e, int minutes) {
    boolean byUser = e.user() != null && !e.user().isBlank();
    return new Timeline(
        byUser ? e.user() : null, byUser ? null : e.clientIp(), e.time(), minutes, e.eventId());
  }

  /**
   * @throws HttpError 400 naming the first bad or unknown parameter
   */
  static Timeline parse(Map<String, List<String>> params) {
    for (String name : params.keySet()) {
      if (!KNOWN.contains(name)) {
        throw HttpError.badRequest(
            name.length() > 40 ? name.substring(0, 40) + "..." : name,
            "unknown parameter (expected one of: " + String.join(", ", NAMES) + ")");
      }
    }
    Map<String, String> p = new LinkedHashMap<>();
    for (var e : params.entrySet()) {
      List<String> values =
          e.getValue().stream().map(String::trim).filter(v -> !v.isEmpty()).toList();
      if (values.size() > 1) {
        throw HttpError.badRequest(e.getKey(), "given more than once");
      }
      if (values.size() == 1) {
        if (values.get(0).length() > 256) {
          throw HttpError.badRequest(e.getKey(), "too long (expected at most 256 characters)");
        }
        p.put(e.getKey(), values.get(0));
      }
    }
    String user = p.get("user");
    String ip = p.get("ip");
    if (user == null && ip == null) {
      throw HttpError.badRequest("user", "required (or ip, for traffic without a user)");
    }
    if (user != null && ip != null) {
      throw HttpError.badRequest("ip", "give either a user or an ip, not both");
    }
    Instant at = QueryParams.instant("at", p.get("at"));
    if (at == null) {
      throw HttpError.badRequest("at", "required (an ISO-8601 time, e.g. 2026-11-23T10:15:00Z)");
    }
    int minutes = DEFAULT_MINUTES;
    if (p.containsKey("minutes")) {
      try {
        minutes = Integer.parseInt(p.get("minutes"));
      } catch (NumberFormatException e) {
        minutes = -1;
      }
      if (minutes < 1 || minutes > MAX_MINUTES) {
        throw HttpError.badRequest(
            "minutes",
            "'"
                + abbreviate(p.get("minutes"))
                + "' (expected: a number from 1 to "
                + MAX_MINUTES
                + ")");
      }
    }
    UUID focus = null;
    if (p.containsKey("focus")) {
      try {
        focus = UUID.fromString(p.get("focus"));
      } catch (IllegalArgumentException e) {
        throw HttpError.badRequest("focus", "not an event id");
      }
    }
    return new Timeline(user, ip, at, minutes, focus);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  Instant from() {
    return at.minus(Duration.ofMinutes(minutes));
  }

  /** Exclusive, so the window is symmetric: {@code at} ± minutes, both ends included. */
  Instant to() {
    return at.plus(Duration.ofMinutes(minutes)).plusMillis(1);
  }

  /** The whole window. */
  EventQuery window() {
    return between(from(), to(), PER_SIDE);
  }

  /** Up to and including {@code at} (read newest first: the nearest before it). */
  EventQuery before() {
    return between(from(), at.plusMillis(1), PER_SIDE);
  }

  /** After {@code at} (read oldest first: the nearest after it). */
  EventQuery after() {
    return between(at.plusMillis(1), to(), PER_SIDE);
  }

  EventQuery blockedInWindow() {
    return new EventQuery(
        user, null, ip, null, null, AccessEvent.Verdict.BLOCK, null, from(), to(), 1, null);
  }

  private EventQuery between(Instant from, Instant to, int limit) {
    return new EventQuery(user, null, ip, null, null, null, null, from, to, limit, null);
  }

  /** "alice" or "device 10.0.0.5", for headings and the audit log. */
  String subject() {
    return user != null ? user : "device " + ip;
  }

  /** The query string of this timeline, with {@code at} moved (for the earlier / later links). */
  Map<String, String> params(Instant when, int mins) {
    Map<String, String> m = new LinkedHashMap<>();
    if (user != null) {
      m.put("user", user);
    } else {
      m.put("ip", ip);
    }
    m.put("at", when.toString());
    m.put("minutes", Integer.toString(mins));
    if (focus != null) {
      m.put("focus", focus.toString());
    }
    return m;
  }

  Map<String, String> params() {
    return params(at, minutes);
  }
}
