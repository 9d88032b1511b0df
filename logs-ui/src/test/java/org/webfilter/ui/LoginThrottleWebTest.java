package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.policy.config.UiSettings;

/**
 * Rate limiting of sign-ins; a fresh UI per test, since every failure here counts against
 * 127.0.0.1.
 */
class LoginThrottleWebTest {
  @TempDir Path dataDir;
  LogsUi ui;
  Http http;

  @BeforeEach
  void start() {
    ui =
        LogsUi.start(
            new UiSettings("127.0.0.1", 0), null, dataDir, TestUsers.store(), Clock.systemUTC());
    http = new Http(ui.port());
  }

  @AfterEach
  void stop() {
    ui.close();
  }

  private int formLogin(String user, String password) {
    return http.post("/login", Http.form(Map.of("username", user, "password", password)))
        .statusCode();
  }

  @Test
  void login_afterFiveFailuresForOneUser_is429_evenWithTheRightPassword() {
    for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
      assertEquals(401, formLogin("dsl", "guess" + i));
    }
    assertEquals(429, formLogin("dsl", TestUsers.PASSWORD));
    HttpResponse<String> api =
        http.get("/api/events", "Authorization", Http.basic("dsl", TestUsers.PASSWORD));
    assertEquals(429, api.statusCode());
  }

  @Test
  void login_afterFiveFailuresFromOneAddress_is429_forOtherUsers() {
    for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
      assertEquals(401, formLogin("nobody" + i, "guess"));
    }
    assertEquals(429, formLogin("admin", TestUsers.PASSWORD));
  }

  @Test
  void basicAuthFailures_countTowardsTheLimit() {
    for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
      assertEquals(
          401,
          http.get("/api/events", "Authorization", Http.basic("admin", "guess" + i)).statusCode());
    }
    HttpResponse<String> r =
        http.get("/api/events", "Authorization", Http.basic("admin", TestUsers.PASSWORD));
    assertEquals(429, r.statusCode());
    assertEquals(true, r.body().contains("\"error\""));
  }
}
