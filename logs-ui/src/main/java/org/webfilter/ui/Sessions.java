package org.webfilter.ui;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions, kept in memory only: a restart logs everyone out, which is acceptable for a
 * handful of staff and keeps session tokens off the disk. A session ends after 8 hours, or 30
 * minutes without use.
 */
final class Sessions {
  static final Duration MAX_AGE = Duration.ofHours(8);
  static final Duration IDLE = Duration.ofMinutes(30);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A logged-in browser; {@code csrf} must accompany every state-changing form it posts. */
  record Session(String token, String user, String csrf, Instant created, Instant lastSeen) {}

  private final Map<String, Session> byToken = new ConcurrentHashMap<>();
  private final Clock clock;

  Sessions(Clock clock) {
    this.clock = clock;
  }

  Session create(String user) {
    Instant now = clock.instant();
    purgeExpired(now);
    Session s = new Session(randomToken(), user, randomToken(), now, now);
    byToken.put(s.token(), s);
    return s;
  }

  /** The live session for {@code token}, marking it used; empty when unknown or expired. */
  Optional<Session> touch(String token) {
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Session s = byToken.get(token);
    if (s == null) {
      return Optional.empty();
    }
    if (expired(s, now)) {
      byToken.remove(token);
      return Optional.empty();
    }
    Session used = new Session(s.token(), s.user(), s.csrf(), s.created(), now);
    byToken.replace(token, s, used);
    return Optional.of(used);
  }

  void remove(String token) {
    if (token != null) {
      byToken.remove(token);
    }
  }

  /** Ends every session of {@code user} except {@code keepToken} (may be null), e.g. after a password change. */
  void removeUser(String user, String keepToken) {
    byToken.values().removeIf(s -> s.user().equals(user) && !s.token().equals(keepToken));
  }

  private static boolean expired(Session s, Instant now) {
    return now.isAfter(s.created().plus(MAX_AGE)) || now.isAfter(s.lastSeen().plus(IDLE));
  }

  private void purgeExpired(Instant now) {
    byToken.values().removeIf(s -> expired(s, now));
  }

  /** 256 random bits, URL-safe. */
  static String randomToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
