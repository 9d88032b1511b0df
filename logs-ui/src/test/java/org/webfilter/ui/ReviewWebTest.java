package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.policy.Verdict;

/** Review requests: anonymous, cross-origin creation from the block page; ICT approves or declines. */
class ReviewWebTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ICT = Http.basic("ict", TestUsers.PASSWORD);
  static final String DSL = Http.basic("dsl", TestUsers.PASSWORD);

  @TempDir java.nio.file.Path dir;
  PolicyFixture f;
  Http http;

  @BeforeEach
  void start() throws Exception {
    f = new PolicyFixture(dir);
    http = f.http;
  }

  @AfterEach
  void stop() {
    f.close();
  }

  HttpResponse<String> ask(String url, String reason) {
    return http.post("/api/review-requests",
        Http.form(Map.of("url", url, "ref", "3f2a0c1e-0000-4000-8000-000000000001", "user", "alice", "ip", "10.0.0.7",
            "role", "pupil", "rule", "pupil.category.games", "reason", reason)),
        "Origin", "http://block-page.proxy.test:3128");
  }

  JsonNode open() throws Exception {
    HttpResponse<String> r = http.get("/api/review-requests?status=open", "Authorization", ICT);
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body()).get("requests");
  }

  @Test
  void blockPageForm_crossOriginWithoutSession_isAccepted_withThankYouPage() throws Exception {
    HttpResponse<String> r = ask("http://games.test/maths", "<b>for homework</b>");
    assertEquals(201, r.statusCode(), r.body());
    assertTrue(r.body().contains("Thank you"));
    assertTrue(r.body().contains("http://games.test/maths"));
    JsonNode list = open();
    assertEquals(1, list.size());
    assertEquals("alice", list.get(0).get("user").asText());
    assertEquals("<b>for homework</b>", list.get(0).get("reason").asText());
    assertTrue(f.audit().contains("review.request"));
  }

  @Test
  void create_asJson_answersJson() throws Exception {
    HttpResponse<String> r = http.send(http.request("/api/review-requests").header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"url\":\"http://games.test/\",\"reason\":\"x\"}")).build());
    assertEquals(201, r.statusCode(), r.body());
    assertEquals("open", JSON.readTree(r.body()).get("status").asText());
  }

  @Test
  void create_badOrOversizedFields_are400() {
    assertEquals(400, http.post("/api/review-requests", Http.form(Map.of("reason", "x"))).statusCode());
    assertEquals(400, http.post("/api/review-requests", Http.form(Map.of("url", "javascript:alert(1)"))).statusCode());
    assertEquals(400, http.post("/api/review-requests",
        Http.form(Map.of("url", "http://games.test/", "reason", "x".repeat(1001)))).statusCode());
    assertEquals(400, http.post("/api/review-requests",
        Http.form(Map.of("url", "http://games.test/", "ref", "<script>"))).statusCode());
  }

  @Test
  void create_isRateLimitedPerIp() {
    for (int i = 0; i < ReviewRoutes.PER_IP; i++) {
      assertEquals(201, ask("http://games.test/" + i, "r").statusCode());
    }
    assertEquals(429, ask("http://games.test/more", "r").statusCode());
    f.clock.advance(ReviewRoutes.WINDOW.plusSeconds(1));
    assertEquals(201, ask("http://games.test/later", "r").statusCode());
  }

  @Test
  void list_needsIctOrAdmin() {
    assertEquals(401, http.get("/api/review-requests").statusCode());
    assertEquals(403, http.get("/api/review-requests", "Authorization", DSL).statusCode());
  }

  @Test
  void approve_createsTimeLimitedAllowEntry_forTheRole_andIsAudited() throws Exception {
    ask("http://games.test/maths", "homework");
    String id = open().get(0).get("id").asText();
    assertEquals(Verdict.BLOCK, f.decide("pupil", "http://games.test/maths"));
    HttpResponse<String> r = http.post("/api/review-requests/" + id + "/approve",
        Http.form(Map.of("reason", "maths department", "days", "7")), "Authorization", ICT);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode done = JSON.readTree(r.body());
    assertEquals("approved", done.get("status").asText());
    assertEquals("games.test", done.get("entry").asText());
    assertEquals(f.clock.instant().plus(Duration.ofDays(7)).toString(), done.get("expires").asText());
    assertEquals(Verdict.ALLOW, f.decide("pupil", "http://games.test/maths"));
    assertEquals(Verdict.BLOCK, f.decide("base", "http://games.test/maths"));
    assertTrue(f.audit().contains("review.approve"));
    assertEquals(0, open().size());
    assertEquals(409, http.post("/api/review-requests/" + id + "/decline",
        Http.form(Map.of("reason", "x")), "Authorization", ICT).statusCode());
  }

  @Test
  void decline_needsAReason_andLeavesPolicyAlone() throws Exception {
    ask("http://games.test/", "please");
    String id = open().get(0).get("id").asText();
    assertEquals(400, http.post("/api/review-requests/" + id + "/decline", "", "Authorization", ICT).statusCode());
    HttpResponse<String> r = http.post("/api/review-requests/" + id + "/decline",
        Http.form(Map.of("reason", "not educational")), "Authorization", ICT);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("declined", JSON.readTree(r.body()).get("status").asText());
    assertNull(JSON.readTree(r.body()).get("entry").textValue());
    assertEquals(Verdict.BLOCK, f.decide("pupil", "http://games.test/"));
    assertTrue(f.audit().contains("review.decline"));
  }

  @Test
  void reviewsPage_showsRequestAsText_andApprovesWithCsrf() {
    ask("http://games.test/<script>alert(1)</script>", "<img src=x onerror=alert(1)>");
    String cookie = LoginHelper.login(http, "ict");
    HttpResponse<String> page = http.get("/reviews", "Cookie", cookie);
    assertEquals(200, page.statusCode());
    assertFalse(page.body().contains("<img src=x"), "escaped");
    assertTrue(page.body().contains("&lt;img src=x onerror=alert(1)&gt;"));
    String id = page.body().replaceAll("(?s).*data-id=\"([0-9a-f-]+)\".*", "$1");
    String form = Http.form(Map.of("reason", "ok", "role", "pupil", "entry", "games.test", "days", "0"));
    assertEquals(403, http.post("/reviews/" + id + "/approve", form, "Cookie", cookie).statusCode());
    HttpResponse<String> ok = http.post("/reviews/" + id + "/approve",
        form + "&csrf=" + LoginHelper.csrfOf(page.body()), "Cookie", cookie);
    assertEquals(200, ok.statusCode(), ok.body());
    assertTrue(ok.body().contains("Approved"));
    assertEquals(Verdict.ALLOW, f.decide("pupil", "http://games.test/"));
  }
}
