package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Signing in through the form, for tests that need a browser session. */
final class LoginHelper {
  private LoginHelper() {}

  /** The session cookie ({@code wf_session=...}). */
  static String login(Http http, String user) {
    HttpResponse<String> r =
        http.post("/login", Http.form(Map.of("username", user, "password", TestUsers.PASSWORD)));
    assertEquals(303, r.statusCode(), r.body());
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  static String csrfOf(String html) {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
    assertTrue(m.find(), "no csrf field in page");
    return m.group(1);
  }
}
