package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.webfilter.ui.TestEvents.T0;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.AccessEvent.Verdict;
import org.webfilter.events.AlertEvent;
import org.webfilter.events.AlertEvent.Severity;
import org.webfilter.policy.config.UiSettings;

/** The alerts inbox through real HTTP, with alerts and the pupil's events already stored. */
class AlertWebTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String DSL = Http.basic("dsl", TestUsers.PASSWORD);
  static final String ICT = Http.basic("ict", TestUsers.PASSWORD);

  @TempDir Path dataDir;
  LogsUi ui;
  Http http;
  AlertEvent high;
  AlertEvent critical;
  AlertEvent lowNewer;

  static AccessEvent ev(int second, String user, String url, String search, Verdict v, String cat) {
    return TestEvents.event(UUID.randomUUID(), T0.plusSeconds(second), user, "pupil", "10.0.0.9",
        java.net.URI.create(url.replace("<", "%3C").replace(">", "%3E").replace("\"", "%22")).getHost(), url, search, v, cat);
  }

  @BeforeEach
  void start() throws Exception {
    AccessEvent before = ev(-600, "alice", "https://search.test/?q=<script>alert(1)</script>", "how to <b>feel better</b>", Verdict.ALLOW, "search");
    AccessEvent trigger = ev(0, "alice", "https://harm.test/page", null, Verdict.BLOCK, "self-harm");
    AccessEvent after = ev(300, "alice", "https://childline.test/", null, Verdict.ALLOW, "education");
    AccessEvent otherPupil = ev(10, "bob", "https://bob.test/", null, Verdict.ALLOW, "news");
    AccessEvent longBefore = ev(-7200, "alice", "https://old.test/", null, Verdict.ALLOW, "news");
    try (EventStore store = EventStore.open(dataDir.resolve("index"))) {
      store.add(List.of(before, trigger, after, otherPupil, longBefore));
      store.commit();
    }
    high = AlertEvent.of(Severity.HIGH, "self-harm", trigger);
    critical = AlertEvent.of(Severity.CRITICAL, "extremist", ev(-3000, "carol", "https://x.test/", null, Verdict.BLOCK, "extremist"));
    lowNewer = AlertEvent.of(Severity.LOW, "games", ev(500, "dave", "https://g.test/", null, Verdict.LOG, "games"));
    new AlertStore(dataDir.resolve("alerts.jsonl")).add(List.of(lowNewer, high, critical, high));
    ui = LogsUi.start(new UiSettings("127.0.0.1", 0), null, dataDir, TestUsers.store(), new MutableClock(T0.plusSeconds(3600)));
    http = new Http(ui.port());
  }

  @AfterEach
  void stop() {
    ui.close();
  }

  JsonNode get(String path) throws Exception {
    HttpResponse<String> r = http.get(path, "Authorization", DSL);
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  @Test
  void openAlerts_areSortedBySeverityThenTime_andDeduplicated() throws Exception {
    JsonNode list = get("/api/alerts?status=open").get("alerts");
    assertEquals(3, list.size());
    assertEquals(critical.eventId().toString(), list.get(0).get("id").asText());
    assertEquals(high.eventId().toString(), list.get(1).get("id").asText());
    assertEquals("low", list.get(2).get("severity").asText());
    assertEquals("alice", list.get(1).get("event").get("user").asText());
  }

  @Test
  void alerts_needDslOrAdmin() {
    assertEquals(401, http.get("/api/alerts").statusCode());
    assertEquals(403, http.get("/api/alerts", "Authorization", ICT).statusCode());
    assertEquals(403, http.get("/alerts", "Authorization", ICT).statusCode());
    assertEquals(200, http.get("/api/alerts", "Authorization", Http.basic("admin", TestUsers.PASSWORD)).statusCode());
  }

  @Test
  void badStatusOrId_is400() {
    assertEquals(400, http.get("/api/alerts?status=maybe", "Authorization", DSL).statusCode());
    assertEquals(400, http.get("/api/alerts/not-a-uuid", "Authorization", DSL).statusCode());
    assertEquals(404, http.get("/api/alerts/" + UUID.randomUUID(), "Authorization", DSL).statusCode());
  }

  @Test
  void alertContext_isThePupilsEventsBeforeAndAfter_only() throws Exception {
    JsonNode a = get("/api/alerts/" + high.eventId());
    List<String> urls = new java.util.ArrayList<>();
    a.get("context").forEach(e -> urls.add(e.get("url").asText()));
    assertEquals(List.of("https://childline.test/", "https://harm.test/page", "https://search.test/?q=<script>alert(1)</script>"), urls);
  }

  @Test
  void ack_closesWithOutcomeAndNote_onceOnly_andIsAudited() throws Exception {
    HttpResponse<String> r = http.post("/api/alerts/" + high.eventId() + "/ack",
        Http.form(Map.of("outcome", "referred", "note", "spoke to alice; referred to CAMHS")), "Authorization", DSL);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("closed", JSON.readTree(r.body()).get("status").asText());
    assertEquals("referred", JSON.readTree(r.body()).get("outcome").get("outcome").asText());
    assertEquals(2, get("/api/alerts?status=open").get("alerts").size());
    assertEquals(1, get("/api/alerts?status=closed").get("alerts").size());
    assertEquals(409, http.post("/api/alerts/" + high.eventId() + "/ack",
        Http.form(Map.of("outcome", "no-concern")), "Authorization", DSL).statusCode());
    String audit = Files.readString(dataDir.resolve("audit.log"));
    assertTrue(audit.contains("\"action\":\"alert.ack\"") && audit.contains("CAMHS"), audit);
    // survives a restart
    ui.close();
    ui = LogsUi.start(new UiSettings("127.0.0.1", 0), null, dataDir, TestUsers.store(), new MutableClock(T0));
    http = new Http(ui.port());
    assertEquals(1, get("/api/alerts?status=closed").get("alerts").size());
  }

  @Test
  void ack_unknownOutcome_is400_andAlertStaysOpen() throws Exception {
    HttpResponse<String> r = http.post("/api/alerts/" + high.eventId() + "/ack",
        Http.form(Map.of("outcome", "shrug")), "Authorization", DSL);
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("logged-a-concern"));
    assertEquals(3, get("/api/alerts?status=open").get("alerts").size());
  }

  @Test
  void alertPage_rendersContextAsText_andClosesViaFormWithCsrf() {
    String cookie = LoginHelper.login(http, "dsl");
    HttpResponse<String> inbox = http.get("/alerts", "Cookie", cookie);
    assertEquals(200, inbox.statusCode());
    assertTrue(inbox.body().indexOf(critical.eventId().toString()) < inbox.body().indexOf(high.eventId().toString()));
    HttpResponse<String> page = http.get("/alerts/" + high.eventId(), "Cookie", cookie);
    assertEquals(200, page.statusCode());
    assertFalse(page.body().contains("<script>alert(1)"), "escaped");
    assertTrue(page.body().contains("&lt;b&gt;feel better&lt;/b&gt;"));
    assertTrue(page.body().contains("class=\"focus\""));
    String form = Http.form(Map.of("outcome", "no-concern", "note", "fine"));
    assertEquals(403, http.post("/alerts/" + high.eventId() + "/ack", form, "Cookie", cookie).statusCode());
    HttpResponse<String> ok = http.post("/alerts/" + high.eventId() + "/ack",
        form + "&csrf=" + LoginHelper.csrfOf(page.body()), "Cookie", cookie);
    assertEquals(200, ok.statusCode());
    assertTrue(ok.body().contains("Closed: No concern"));
  }
}
