package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.webfilter.ui.TestEvents.T0;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.webfilter.events.AccessEvent.Verdict;
import org.webfilter.policy.config.UiSettings;

/** The web side through real HTTP, with the production wiring and a pre-filled index (no Kafka). */
class LogsUiWebTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String XSS_URL =
      "http://evil.test/<script>alert(1)</script>?a=\"><img src=x onerror=alert(1)>";
  static final String DSL = Http.basic("dsl", TestUsers.PASSWORD);

  @TempDir static Path dataDir;
  static LogsUi ui;
  static Http http;

  @BeforeAll
  static void start() throws IOException {
    try (EventStore store = EventStore.open(dataDir.resolve("index"))) {
      store.add(
          List.of(
              TestEvents.event(
                  UUID.randomUUID(),
                  T0.plusSeconds(1),
                  "alice",
                  "pupil",
                  "10.0.0.1",
                  "www.bbc.co.uk",
                  "https://www.bbc.co.uk/news",
                  null,
                  Verdict.ALLOW,
                  "news"),
              TestEvents.event(
                  UUID.randomUUID(),
                  T0.plusSeconds(2),
                  "bob",
                  "pupil",
                  "10.0.0.2",
                  "bet.example",
                  "https://bet.example/",
                  null,
                  Verdict.BLOCK,
                  "gambling"),
              TestEvents.event(
                  UUID.randomUUID(),
                  T0.plusSeconds(3),
                  "<b>mallory</b>",
                  "pupil",
                  "10.0.0.3",
                  "evil.test",
                  XSS_URL,
                  "<script>alert(2)</script>",
                  Verdict.LOG,
                  "hate")));
      store.commit();
    }
    ui =
        LogsUi.start(
            new UiSettings("127.0.0.1", 0),
            null,
            dataDir,
            TestUsers.store(),
            java.time.Clock.systemUTC());
    http = new Http(ui.port());
  }

  @AfterAll
  static void stop() {
    ui.close();
  }

  static JsonNode json(HttpResponse<String> r) throws IOException {
    return JSON.readTree(r.body());
  }

  /** Signs in through the form and returns the session cookie ({@code wf_session=...}). */
  static String login(String user) {
    return LoginHelper.login(http, user);
  }

  static String csrfOf(String html) {
    return LoginHelper.csrfOf(html);
  }

  @Test
  void healthz_answersOk_withoutAuth() {
    HttpResponse<String> r = http.get("/healthz");
    assertEquals(200, r.statusCode());
    assertEquals("ok", r.body());
  }

  @Test
  void apiEvents_withoutCredentials_is401WithJsonErrorAndBasicChallenge() throws IOException {
    HttpResponse<String> r = http.get("/api/events");
    assertEquals(401, r.statusCode());
    assertTrue(
        r.headers()
            .firstValue("WWW-Authenticate")
            .orElse("")
            .startsWith("Basic realm=\"webfilter\""));
    assertNotNull(json(r).get("error").asText());
  }

  @Test
  void apiEvents_wrongPassword_is401() {
    assertEquals(
        401, http.get("/api/events", "Authorization", Http.basic("dsl", "wrong")).statusCode());
  }

  @Test
  void apiEvents_ictOnlyUser_is403() throws IOException {
    HttpResponse<String> r =
        http.get("/api/events", "Authorization", Http.basic("ict", TestUsers.PASSWORD));
    assertEquals(403, r.statusCode());
    assertTrue(json(r).get("error").asText().contains("dsl"));
  }

  @Test
  void apiEvents_dslAndAdmin_get200NewestFirstInSchemaForm() throws IOException {
    HttpResponse<String> r = http.get("/api/events", "Authorization", DSL);
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonNode body = json(r);
    assertEquals(3, body.get("events").size());
    assertTrue(body.get("nextCursor").isNull());
    JsonNode newest = body.get("events").get(0);
    assertEquals("<b>mallory</b>", newest.get("user").asText());
    assertEquals("2026-11-23T10:00:03Z", newest.get("time").asText());
    assertEquals("LOG", newest.get("decision").asText());
    assertEquals(1, newest.get("schemaVersion").asInt());
    assertEquals("hate", newest.get("categories").get(0).asText());
    assertEquals(
        200,
        http.get("/api/events", "Authorization", Http.basic("admin", TestUsers.PASSWORD))
            .statusCode());
  }

  @Test
  void apiEvents_filtersAndPagesWithCursor() throws IOException {
    JsonNode blocked =
        json(http.get("/api/events?decision=block&category=gambling", "Authorization", DSL));
    assertEquals(1, blocked.get("events").size());
    assertEquals("bob", blocked.get("events").get(0).get("user").asText());
    JsonNode byHost =
        json(
            http.get(
                "/api/events?host=bbc.co.uk&from=2026-11-23T10:00:00Z&to=2026-11-23T11:00:00Z",
                "Authorization",
                DSL));
    assertEquals("alice", byHost.get("events").get(0).get("user").asText());

    JsonNode p1 = json(http.get("/api/events?limit=2", "Authorization", DSL));
    assertEquals(2, p1.get("events").size());
    String cursor = p1.get("nextCursor").asText();
    JsonNode p2 = json(http.get("/api/events?limit=2&cursor=" + cursor, "Authorization", DSL));
    assertEquals(1, p2.get("events").size());
    assertEquals("alice", p2.get("events").get(0).get("user").asText());
    assertTrue(p2.get("nextCursor").isNull());
  }

  @ParameterizedTest
  @CsvSource({
    "from=yesterday, from",
    "to=2026-13-01, to",
    "decision=MAYBE, decision",
    "limit=0, limit",
    "limit=501, limit",
    "limit=ten, limit",
    "cursor=not-a-cursor, cursor",
    "colour=red, colour",
    "user=a&user=b, user",
    "from=2026-11-24&to=2026-11-23, to",
    "from=2026-11-23T10:00:00Z&to=2026-11-23T10:00:00Z, to",
    "from=+999999999-01-01T00:00:00Z, from",
    "to=-999999999-01-01, to",
    "limit=-1, limit",
    "limit=99999999999, limit",
    "cursor=MTIzOmFiYw, cursor",
    "cursor=OmZmZmZm, cursor",
    "decision=, ''",
  })
  void apiEvents_badParameter_is400NamingIt(String query, String param) throws IOException {
    if (param.isEmpty()) { // a blank value means "no filter", not an error
      assertEquals(200, http.get("/api/events?" + query, "Authorization", DSL).statusCode());
      return;
    }
    HttpResponse<String> r = http.get("/api/events?" + query, "Authorization", DSL);
    assertEquals(400, r.statusCode());
    assertTrue(json(r).get("error").asText().startsWith(param + ": "), r.body());
  }

  /**
   * Regression: Jetty silently dropped a parameter with a broken percent-escape, so {@code
   * ?user=%ZZ} searched every user's events. Sent over a raw socket, as java.net.http refuses such
   * URIs.
   */
  @ParameterizedTest
  @CsvSource({
    "/api/events?user=%ZZ",
    "/api/events?%ZZ=1",
    "/api/events?q=100%",
    "/api/events.csv?host=%G1"
  })
  void brokenPercentEncoding_is400_notAFilterSilentlyDropped(String path) throws IOException {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", ui.port())) {
      s.getOutputStream()
          .write(
              ("GET "
                      + path
                      + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                      + DSL
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      String response =
          new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(response.startsWith("HTTP/1.1 400 "), response);
      assertTrue(response.contains("{\"error\":\"query string: broken percent-encoding"), response);
    }
  }

  @Test
  void everyResponse_carriesSecurityHeaders() {
    for (HttpResponse<String> r :
        List.of(
            http.get("/healthz"),
            http.get("/api/events"),
            http.get("/login"),
            http.get("/events"),
            http.get("/nope"))) {
      assertEquals(
          WebApp.CSP,
          r.headers().firstValue("Content-Security-Policy").orElse(null),
          r.uri().toString());
      assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null));
      assertEquals("same-origin", r.headers().firstValue("Referrer-Policy").orElse(null));
      assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null));
    }
  }

  @Test
  void pages_anonymous_redirectToLogin() {
    for (String path : List.of("/", "/events")) {
      HttpResponse<String> r = http.get(path);
      assertEquals(303, r.statusCode(), path);
      assertEquals("/login", r.headers().firstValue("Location").orElse(null));
    }
  }

  @Test
  void login_setsStrictHttpOnlySessionCookie_andOpensEventsPage() {
    HttpResponse<String> form = http.get("/login");
    assertEquals(200, form.statusCode());
    assertTrue(form.body().contains("name=\"password\""));

    HttpResponse<String> r =
        http.post("/login", Http.form(Map.of("username", "dsl", "password", TestUsers.PASSWORD)));
    assertEquals(303, r.statusCode());
    assertEquals("/events", r.headers().firstValue("Location").orElse(null));
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(setCookie.startsWith("wf_session="));
    assertTrue(setCookie.contains("HttpOnly"));
    assertTrue(setCookie.contains("SameSite=Strict"));
    assertTrue(setCookie.contains("Path=/"));
    assertFalse(setCookie.contains("Secure"), "plain HTTP must not mark the cookie Secure");
    String token = setCookie.substring("wf_session=".length(), setCookie.indexOf(';'));
    assertEquals(43, token.length(), "256 random bits, base64url");

    HttpResponse<String> page =
        http.get("/events", "Cookie", setCookie.substring(0, setCookie.indexOf(';')));
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("webfilter"));
    assertTrue(page.body().contains(">dsl</a> <"), "signed-in user shown");
    assertTrue(page.body().contains("Sign out"));
    assertTrue(page.body().contains("https://bet.example/"));
    assertEquals(
        200,
        http.get("/api/events", "Cookie", setCookie.substring(0, setCookie.indexOf(';')))
            .statusCode());
  }

  @Test
  void login_wrongPassword_is401WithForm() {
    HttpResponse<String> r =
        http.post("/login", Http.form(Map.of("username", "admin", "password", "nope")));
    assertEquals(401, r.statusCode());
    assertTrue(r.body().contains("Wrong user name or password"));
    assertTrue(r.headers().firstValue("Set-Cookie").isEmpty());
  }

  @Test
  void login_userWithoutUiRole_isRefused() {
    HttpResponse<String> r =
        http.post("/login", Http.form(Map.of("username", "pupil", "password", TestUsers.PASSWORD)));
    assertEquals(403, r.statusCode());
    assertTrue(r.headers().firstValue("Set-Cookie").isEmpty());
  }

  @Test
  void eventsPage_ictUser_gets403Page() {
    HttpResponse<String> r = http.get("/events", "Cookie", login("ict"));
    assertEquals(403, r.statusCode());
    assertTrue(r.body().contains("Not allowed"));
    assertTrue(r.body().contains("dsl or admin"));
  }

  @Test
  void logout_withoutCsrfToken_is403_andSessionSurvives() {
    String cookie = login("dsl");
    assertEquals(403, http.post("/logout", "", "Cookie", cookie).statusCode());
    assertEquals(403, http.post("/logout", "csrf=guess", "Cookie", cookie).statusCode());
    assertEquals(200, http.get("/events", "Cookie", cookie).statusCode());
  }

  @Test
  void logout_withCsrfToken_endsSession() {
    String cookie = login("dsl");
    String csrf = csrfOf(http.get("/events", "Cookie", cookie).body());
    HttpResponse<String> r =
        http.post("/logout", Http.form(Map.of("csrf", csrf)), "Cookie", cookie);
    assertEquals(303, r.statusCode());
    assertTrue(r.headers().firstValue("Set-Cookie").orElse("").contains("Max-Age=0"));
    assertEquals(303, http.get("/events", "Cookie", cookie).statusCode());
  }

  @Test
  void logout_csrfHeader_isAccepted_butCrossOriginIsRefused() {
    String cookie = login("dsl");
    String csrf = csrfOf(http.get("/events", "Cookie", cookie).body());
    assertEquals(
        403,
        http.post(
                "/logout",
                "",
                "Cookie",
                cookie,
                "X-CSRF-Token",
                csrf,
                "Origin",
                "https://evil.example")
            .statusCode());
    assertEquals(
        303, http.post("/logout", "", "Cookie", cookie, "X-CSRF-Token", csrf).statusCode());
  }

  @Test
  void eventsPage_rendersMarkupInEventsAsText() {
    HttpResponse<String> r = http.get("/events", "Cookie", login("dsl"));
    assertEquals(200, r.statusCode());
    String html = r.body();
    assertFalse(html.contains("<script>alert"), "raw script tag in page");
    assertFalse(html.contains("<img src=x"), "raw img tag in page");
    assertFalse(html.contains("<b>mallory"), "raw markup from user name");
    assertFalse(html.contains("<script"), "no script element at all");
    assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assertTrue(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assertTrue(html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
    assertTrue(html.contains("&lt;b&gt;mallory&lt;/b&gt;"));
  }

  @Test
  void eventsPage_reflectedFilterValues_areEscaped() {
    String cookie = login("dsl");
    HttpResponse<String> r =
        http.get("/events?q=%22%3E%3Cscript%3Ex%3C/script%3E", "Cookie", cookie);
    assertEquals(200, r.statusCode());
    assertFalse(r.body().contains("<script>x"));
    HttpResponse<String> bad = http.get("/events?from=%3Cscript%3Ey", "Cookie", cookie);
    assertEquals(400, bad.statusCode());
    assertTrue(bad.body().contains("from: "));
    assertFalse(bad.body().contains("<script>y"));
  }

  @Test
  void eventsPage_pagesWithOlderLink() {
    String cookie = login("dsl");
    String html = http.get("/events?limit=2", "Cookie", cookie).body();
    Matcher m = Pattern.compile("href=\"(/events\\?[^\"]*cursor=[^\"]+)\">Older").matcher(html);
    assertTrue(m.find(), "older link");
    String next = m.group(1).replace("&amp;", "&");
    String older = http.get(next, "Cookie", cookie).body();
    assertTrue(older.contains("https://www.bbc.co.uk/news"));
    assertFalse(older.contains("https://bet.example/"));
  }

  @Test
  void searches_areAudited_andAuditApiIsAdminOnly() throws IOException {
    http.get("/api/events?user=bob&decision=BLOCK", "Authorization", DSL);
    assertEquals(403, http.get("/api/audit", "Authorization", DSL).statusCode());
    HttpResponse<String> r =
        http.get("/api/audit?limit=50", "Authorization", Http.basic("admin", TestUsers.PASSWORD));
    assertEquals(200, r.statusCode());
    JsonNode hit = null;
    for (JsonNode e : json(r).get("entries")) {
      if (e.get("action").asText().equals("events.search")
          && e.get("details").path("user").asText().equals("bob")) {
        hit = e;
        break;
      }
    }
    assertNotNull(hit, r.body());
    assertEquals("dsl", hit.get("actor").asText());
    assertEquals("BLOCK", hit.get("details").get("decision").asText());
    assertNotEquals("", hit.get("time").asText());
    List<String> lines = Files.readAllLines(dataDir.resolve("audit.log"));
    assertTrue(
        lines.stream().anyMatch(l -> l.contains("\"events.search\"") && l.contains("\"bob\"")));
    assertEquals(
        400,
        http.get("/api/audit?limit=0", "Authorization", Http.basic("admin", TestUsers.PASSWORD))
            .statusCode());
  }

  @Test
  void staticCss_isServed() {
    HttpResponse<String> r = http.get("/static/app.css");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/css"));
    assertEquals(404, http.get("/static/../LogsUi.class").statusCode());
  }
}
