package org.webfilter.ui;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@value #MAX_FAILURES} failed logins for one user name or from one
 * client address within {@link #WINDOW}, further attempts are refused until the oldest of those
 * failures ages out. Refused attempts are not counted, so the lock lifts on its own.
 */
final class LoginThrottle {
  static final int MAX_FAILURES = 5;
  static final Duration WINDOW = Duration.ofMinutes(5);

  /** Bounds memory when someone sprays many names or addresses. */
  private static final int MAX_KEYS = 100_000;

  private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
  private final Clock clock;

  LoginThrottle(Clock clock) {
    this.clock = clock;
  }

  boolean blocked(String user, String ip) {
    Instant now = clock.instant();
    return recent("u:" + user, now) >= MAX_FAILURES || recent("ip:" + ip, now) >= MAX_FAILURES;
  }

  void failed(String user, String ip) {
    Instant now = clock.instant();
    if (failures.size() > MAX_KEYS) {
      failures.values().removeIf(d -> prune(d, now) == 0);
    }
    for (String key : new String[] {"u:" + user, "ip:" + ip}) {
      Deque<Instant> d = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
      synchronized (d) {
        d.addLast(now);
        while (d.size() > MAX_FAILURES) {
          d.removeFirst();
        }
      }
    }
  }

  /**
   * A successful login clears that user's count (not the address's: it may be shared by a whole
   * school).
   */
  void succeeded(String user) {
    failures.remove("u:" + user);
  }

  private int recent(String key, Instant now) {
    Deque<Instant> d = failures.get(key);
    return d == null ? 0 : prune(d, now);
  }

  private static int prune(Deque<Instant> d, Instant now) {
    synchronized (d) {
      while (!d.isEmpty() && !d.peekFirst().isAfter(now.minus(WINDOW))) {
        d.removeFirst();
      }
      return d.size();
    }
  }
}
