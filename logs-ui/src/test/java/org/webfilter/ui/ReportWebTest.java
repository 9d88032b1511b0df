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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.AccessEvent.Verdict;
import org.webfilter.policy.config.UiSettings;

/** Report aggregates and the reports page, over a small index spread across three days. */
class ReportWebTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String DSL = Http.basic("dsl", TestUsers.PASSWORD);
  static final long DAY = 86_400;

  @TempDir static Path dataDir;
  static LogsUi ui;
  static Http http;

  static AccessEvent ev(long second, String user, String host, String search, Verdict v, String... cats) {
    return TestEvents.event(UUID.randomUUID(), T0.plusSeconds(second), user, "pupil", "10.0.0.1", host,
        "https://" + host + "/", search, v, cats);
  }

  @BeforeAll
  static void start() throws Exception {
    List<AccessEvent> events = new ArrayList<>();
    // day 0 (2026-11-23): 3 self-harm blocks (alice 2, bob 1), 1 games block; day 1: 1 self-harm block; day 2: one allow
    events.add(ev(0, "alice", "harm.test", "how to <hurt>", Verdict.BLOCK, "self-harm"));
    events.add(ev(60, "alice", "harm2.test", null, Verdict.BLOCK, "self-harm"));
    events.add(ev(120, "bob", "harm.test", null, Verdict.BLOCK, "self-harm"));
    events.add(ev(180, "bob", "games.test", null, Verdict.BLOCK, "games"));
    events.add(ev(DAY + 10, "alice", "harm.test", "how to <hurt>", Verdict.LOG, "self-harm"));
    events.add(ev(2 * DAY, "carol", "news.test", "weather", Verdict.ALLOW, "news"));
    try (EventStore store = EventStore.open(dataDir.resolve("index"))) {
      store.add(events);
      store.commit();
    }
    ui = LogsUi.start(new UiSettings("127.0.0.1", 0), null, dataDir, TestUsers.store(), new MutableClock(T0.plusSeconds(2 * DAY)));
    http = new Http(ui.port());
  }

  @AfterAll
  static void stop() {
    ui.close();
  }

  static JsonNode get(String path) throws Exception {
    HttpResponse<String> r = http.get(path, "Authorization", DSL);
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  @Test
  void blocksPerCategoryPerDay_countsEachDay() throws Exception {
    JsonNode j = get("/api/reports/blocks?from=2026-11-23&to=2026-11-26");
    assertEquals("2026-11-23", j.get("days").get(0).asText());
    assertEquals(3, j.get("days").size());
    assertEquals("[3,0,0]", j.get("series").get("self-harm").toString(), "the LOG on day 1 is not a block");
    assertEquals("[1,0,0]", j.get("series").get("games").toString());
  }

  @Test
  void topUsersAndHosts_forACategory() throws Exception {
    JsonNode j = get("/api/reports/top?category=self-harm&from=2026-11-23&to=2026-11-26");
    assertEquals("alice", j.get("users").get(0).get("name").asText());
    assertEquals(3, j.get("users").get(0).get("count").asInt());
    assertEquals("harm.test", j.get("hosts").get(0).get("name").asText());
    assertEquals(3, j.get("hosts").get(0).get("count").asInt());
  }

  @Test
  void searchTerms_onlyBlockedOrLogged_perDay() throws Exception {
    JsonNode j = get("/api/reports/search-terms?from=2026-11-23&to=2026-11-26");
    assertEquals(1, j.get("terms").size(), j.toString());
    assertEquals("how to <hurt>", j.get("terms").get(0).get("name").asText());
    assertEquals(2, j.get("terms").get(0).get("count").asInt());
    assertEquals(1, j.get("perDay").get(1).get("count").asInt());
  }

  @Test
  void pupilSummary_countsDecisionsCategoriesAndSearches() throws Exception {
    JsonNode j = get("/api/reports/pupil?user=alice&from=2026-11-23&to=2026-11-26");
    assertEquals(2, j.get("decisions").get("BLOCK").asInt());
    assertEquals(1, j.get("decisions").get("LOG").asInt());
    assertEquals(0, j.get("decisions").get("ALLOW").asInt());
    assertEquals("self-harm", j.get("loggedCategories").get(0).get("name").asText());
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "/api/reports/blocks?from=yesterday",
    "/api/reports/blocks?from=2026-11-25&to=2026-11-23",
    "/api/reports/blocks?from=2020-01-01&to=2026-01-01",
    "/api/reports/top",
    "/api/reports/pupil",
    "/api/reports/blocks?sort=x"
  })
  void badParameters_are400(String path) {
    assertEquals(400, http.get(path, "Authorization", DSL).statusCode(), path);
  }

  @Test
  void reports_needDslOrAdmin_andAreAudited() throws Exception {
    assertEquals(401, http.get("/api/reports/blocks").statusCode());
    assertEquals(403, http.get("/api/reports/blocks", "Authorization", Http.basic("ict", TestUsers.PASSWORD)).statusCode());
    get("/api/reports/pupil?user=alice");
    assertTrue(Files.readString(dataDir.resolve("audit.log")).contains("\"report\":\"pupil\""));
  }

  @Test
  void reportsPage_drawsSvgCharts_withLabelsAsText() {
    HttpResponse<String> r = http.get("/reports?from=2026-11-23&to=2026-11-26&user=alice", "Authorization", DSL);
    assertEquals(200, r.statusCode());
    assertTrue(r.body().contains("<svg") && r.body().contains("id=\"chart-blocks\""));
    assertTrue(r.body().contains("id=\"pupil\""));
    assertTrue(r.body().contains("how to &lt;hurt&gt;"));
    assertFalse(r.body().contains("<hurt>"));
    assertFalse(r.body().contains("<script"), "no script on the page");
  }

  @Test
  void niceStep_givesRoundGridLines() {
    assertEquals(1, Charts.niceStep(3));
    assertEquals(2, Charts.niceStep(12));
    assertEquals(50, Charts.niceStep(230));
  }
}
