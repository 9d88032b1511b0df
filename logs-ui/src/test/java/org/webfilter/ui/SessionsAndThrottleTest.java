package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionsAndThrottleTest {
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T08:00:00Z"));

  @Test
  void session_expiresAfterThirtyIdleMinutes() {
    Sessions sessions = new Sessions(clock);
    Sessions.Session s = sessions.create("dsl");
    clock.advance(Duration.ofMinutes(29));
    assertTrue(sessions.touch(s.token()).isPresent());
    clock.advance(Duration.ofMinutes(29));
    assertTrue(sessions.touch(s.token()).isPresent(), "use resets the idle timer");
    clock.advance(Duration.ofMinutes(31));
    assertTrue(sessions.touch(s.token()).isEmpty());
  }

  @Test
  void session_expiresAfterEightHoursEvenWhenUsed() {
    Sessions sessions = new Sessions(clock);
    Sessions.Session s = sessions.create("dsl");
    for (int i = 0; i < 16; i++) {
      clock.advance(Duration.ofMinutes(29));
      sessions.touch(s.token());
    }
    clock.advance(Duration.ofMinutes(20)); // 8 h 4 min after creation
    assertTrue(sessions.touch(s.token()).isEmpty());
  }

  @Test
  void session_tokensAndCsrfAreRandomAndDistinct() {
    Sessions sessions = new Sessions(clock);
    Sessions.Session a = sessions.create("dsl");
    Sessions.Session b = sessions.create("dsl");
    assertNotEquals(a.token(), b.token());
    assertNotEquals(a.token(), a.csrf());
    assertTrue(sessions.touch("forged").isEmpty());
    assertTrue(sessions.touch(null).isEmpty());
  }

  @Test
  void throttle_liftsWhenFailuresAgeOutOfTheWindow() {
    LoginThrottle t = new LoginThrottle(clock);
    for (int i = 0; i < 5; i++) {
      assertFalse(t.blocked("dsl", "10.0.0.1"));
      t.failed("dsl", "10.0.0.1");
      clock.advance(Duration.ofSeconds(10));
    }
    assertTrue(t.blocked("dsl", "10.0.0.9"), "per user");
    assertTrue(t.blocked("other", "10.0.0.1"), "per address");
    assertFalse(t.blocked("other", "10.0.0.9"));
    clock.advance(LoginThrottle.WINDOW.minusSeconds(40));
    assertFalse(t.blocked("dsl", "10.0.0.1"), "oldest failure aged out");
  }

  @Test
  void throttle_successClearsTheUserCountButNotTheAddress() {
    LoginThrottle t = new LoginThrottle(clock);
    for (int i = 0; i < 5; i++) {
      t.failed("dsl", "10.0.0.1");
    }
    t.succeeded("dsl");
    assertFalse(t.blocked("dsl", "10.0.0.2"));
    assertTrue(t.blocked("dsl", "10.0.0.1"));
    assertEquals(5, LoginThrottle.MAX_FAILURES);
  }
}
