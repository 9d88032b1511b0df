package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.webfilter.ui.TestEvents.T0;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
import org.junit.jupiter.params.provider.CsvSource;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.AccessEvent.Verdict;
import org.webfilter.policy.config.UiSettings;

/**
 * A pupil's timeline and the CSV export for a case file, through real HTTP with the production
 * wiring.
 */
class TimelineAndExportWebTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String DSL = Http.basic("dsl", TestUsers.PASSWORD);
  static final String ADMIN = Http.basic("admin", TestUsers.PASSWORD);
  static final String ICT = Http.basic("ict", TestUsers.PASSWORD);
  static final String FORMULA = "=HYPERLINK(\"http://evil.test/\",\"click\")";
  static final UUID MOMENT = UUID.randomUUID();

  @TempDir static Path dataDir;
  static LogsUi ui;
  static Http http;

  static AccessEvent at(
      int second, String user, String ip, String url, String search, Verdict v, String cat) {
    return TestEvents.event(
        UUID.randomUUID(),
        T0.plusSeconds(second),
        user,
        "pupil",
        ip,
        java.net.URI.create(url).getHost(),
        url,
        search,
        v,
        cat);
  }

  @BeforeAll
  static void start() throws IOException {
    List<AccessEvent> events = new ArrayList<>();
    events.add(
        at(-31 * 60, "alice", "10.0.0.7", "https://too-early.test/", null, Verdict.ALLOW, "news"));
    events.add(
        at(-30 * 60, "alice", "10.0.0.7", "https://edge-early.test/", null, Verdict.ALLOW, "news"));
    events.add(
        at(
            -60,
            "alice",
            "10.0.0.7",
            "https://search.test/?q=x",
            "<script>alert(1)</script>",
            Verdict.ALLOW,
            "search"));
    events.add(
        TestEvents.event(
            MOMENT,
            T0,
            "alice",
            "pupil",
            "10.0.0.7",
            "harm.test",
            "https://harm.test/\"><img src=x>",
            null,
            Verdict.BLOCK,
            "self-harm"));
    events.add(
        at(120, "alice", "10.0.0.7", "https://help.test/", null, Verdict.ALLOW, "education"));
    events.add(
        at(30 * 60, "alice", "10.0.0.7", "https://edge-late.test/", null, Verdict.LOG, "games"));
    events.add(
        at(31 * 60, "alice", "10.0.0.7", "https://too-late.test/", null, Verdict.ALLOW, "news"));
    events.add(at(5, "bob", "10.0.0.8", "https://bob.test/", null, Verdict.ALLOW, "news"));
    events.add(at(6, null, "10.0.0.99", "https://anon.test/", null, Verdict.BLOCK, "games"));
    events.add(at(7, "carol", "10.0.0.9", "https://sheet.test/", FORMULA, Verdict.LOG, "chat"));
    events.add(
        at(
            8,
            "carol",
            "10.0.0.9",
            "https://sheet.test/b",
            "+1, said \"x\"\nnext line",
            Verdict.ALLOW,
            "chat"));
    events.add(
        at(
            9,
            "carol",
            "10.0.0.9",
            "https://sheet.test/c",
            "@SUM(A1) Zoë's café",
            Verdict.ALLOW,
            "chat"));
    try (EventStore store = EventStore.open(dataDir.resolve("index"))) {
      store.add(events);
      store.commit();
    }
    ui =
        LogsUi.start(
            new UiSettings("127.0.0.1", 0),
            null,
            dataDir,
            TestUsers.store(),
            new MutableClock(T0.plusSeconds(3600)));
    http = new Http(ui.port());
  }

  @AfterAll
  static void stop() {
    ui.close();
  }

  static JsonNode json(HttpResponse<String> r) throws IOException {
    return JSON.readTree(r.body());
  }

  static List<String> urls(JsonNode timeline) {
    List<String> out = new ArrayList<>();
    timeline.get("events").forEach(e -> out.add(e.get("url").asText()));
    return out;
  }

  @Test
  void timelineApi_showsOnePupilAroundTheMoment_oldestFirst_bothEdgesIncluded() throws IOException {
    HttpResponse<String> r =
        http.get(
            "/api/timeline?user=alice&at=2026-11-23T10:00:00Z&minutes=30", "Authorization", DSL);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode t = json(r);
    assertEquals(
        List.of(
            "https://edge-early.test/",
            "https://search.test/?q=x",
            "https://harm.test/\"><img src=x>",
            "https://help.test/",
            "https://edge-late.test/"),
        urls(t));
    assertEquals(5, t.get("total").asInt());
    assertEquals(1, t.get("blocked").asInt());
    assertEquals("alice", t.get("user").asText());

    JsonNode narrow =
        json(
            http.get(
                "/api/timeline?user=alice&at=2026-11-23T10:00:00Z&minutes=1",
                "Authorization",
                DSL));
    assertEquals(
        List.of("https://search.test/?q=x", "https://harm.test/\"><img src=x>"), urls(narrow));
  }

  @Test
  void timelineApi_withoutUser_followsTheDevice() throws IOException {
    JsonNode t =
        json(http.get("/api/timeline?ip=10.0.0.99&at=2026-11-23T10:00:06Z", "Authorization", DSL));
    assertEquals(List.of("https://anon.test/"), urls(t));
  }

  @Test
  void timeline_isDslOrAdminOnly_andAudited() throws IOException {
    assertEquals(
        403,
        http.get("/api/timeline?user=bob&at=2026-11-23T10:00:00Z", "Authorization", ICT)
            .statusCode());
    assertEquals(401, http.get("/api/timeline?user=bob&at=2026-11-23T10:00:00Z").statusCode());
    assertEquals(
        200,
        http.get("/api/timeline?user=bob&at=2026-11-23T10:00:00Z", "Authorization", ADMIN)
            .statusCode());
    String audit = Files.readString(dataDir.resolve("audit.log"));
    assertTrue(
        audit
            .lines()
            .anyMatch(
                l ->
                    l.contains("\"timeline.view\"")
                        && l.contains("\"actor\":\"admin\"")
                        && l.contains("\"user\":\"bob\"")
                        && l.contains("\"at\":\"2026-11-23T10:00:00Z\"")),
        audit);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "at=2026-11-23T10:00:00Z | user",
        "user=a&ip=10.0.0.1&at=2026-11-23T10:00:00Z | ip",
        "user=a | at",
        "user=a&at=soon | at",
        "user=a&at=2026-11-23T10:00:00Z&minutes=0 | minutes",
        "user=a&at=2026-11-23T10:00:00Z&minutes=721 | minutes",
        "user=a&at=2026-11-23T10:00:00Z&focus=nope | focus",
        "user=a&at=2026-11-23T10:00:00Z&colour=red | colour",
        "user=a&at=+999999999-01-01T00:00:00Z | at",
      })
  void timelineApi_badParameter_is400NamingIt(String query, String param) throws IOException {
    HttpResponse<String> r = http.get("/api/timeline?" + query, "Authorization", DSL);
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(json(r).get("error").asText().startsWith(param + ": "), r.body());
  }

  @Test
  void timelinePage_highlightsTheFocus_marksTheMoment_andEscapesEventText() {
    String cookie = LoginHelper.login(http, "dsl");
    HttpResponse<String> r =
        http.get("/timeline?user=alice&at=2026-11-23T10:00:00Z&focus=" + MOMENT, "Cookie", cookie);
    assertEquals(200, r.statusCode(), r.body());
    String html = r.body();
    assertTrue(html.contains("<tr class=\"block focus\" data-id=\"" + MOMENT + "\">"), html);
    assertTrue(html.contains("the moment you came from"));
    assertTrue(html.contains("id=\"timeline-chart\""), "activity chart");
    assertTrue(html.contains("10:00 · blocked: 1"), "the blocked request in its minute");
    assertTrue(html.contains("10:30 · logged: 1"), "the last minute of the window is included");
    assertFalse(html.contains("<script>alert"), "raw script in page");
    assertFalse(html.contains("<img src=x"), "raw img in page");
    assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assertTrue(
        html.contains(
            "id=\"earlier\""
                + " href=\"/timeline?user=alice&amp;at=2026-11-23T09%3A30%3A00Z&amp;minutes=30"),
        html);
    assertEquals(400, http.get("/timeline?user=alice", "Cookie", cookie).statusCode());
  }

  @Test
  void eventsPage_linksEachRowToItsTimeline_andOffersTheExport() {
    String html = http.get("/events?user=alice", "Cookie", LoginHelper.login(http, "dsl")).body();
    assertTrue(
        html.contains(
            "href=\"/timeline?user=alice&amp;at=2026-11-23T10%3A00%3A00Z&amp;minutes=30&amp;focus="
                + MOMENT
                + "\""),
        html);
    assertTrue(
        html.contains("href=\"/timeline?ip=10.0.0.99") || !html.contains("anon.test"),
        "no-user rows link by device");
    assertTrue(
        html.contains("id=\"export-csv\" download href=\"/api/events.csv?user=alice\""), html);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "=1+2 | '=1+2",
        "+44 7700 900000 | '+44 7700 900000",
        "-2 | '-2",
        "@SUM(A1) | '@SUM(A1)",
        "`\tcmd` | `'\tcmd`",
        "plain text | plain text",
        "`a,b` | `\"a,b\"`",
        "`say \"hi\"` | `\"say \"\"hi\"\"\"`",
        "`=cmd|' /C calc'!A0,x` | `\"'=cmd|' /C calc'!A0,x\"`",
      })
  void csvCell_neutralisesFormulas_andQuotes(String in, String out) {
    assertEquals(out, Csv.cell(in));
  }

  @Test
  void csvCell_carriageReturnAndNewline_areQuoted() {
    assertEquals("\"'\rx\"", Csv.cell("\rx"));
    assertEquals("\"a\nb\"", Csv.cell("a\nb"));
    assertEquals("", Csv.cell(null));
  }

  @Test
  void export_writesTheSearchAsSafeUtf8Csv_withAFilename_andIsAudited() throws IOException {
    HttpResponse<String> r = http.get("/api/events.csv?user=carol&q=sheet", "Authorization", DSL);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("text/csv; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
    assertEquals(
        "attachment; filename=\"webfilter-events-20261123T110000Z.csv\"",
        r.headers().firstValue("Content-Disposition").orElse(""));
    assertTrue(r.headers().firstValue(CsvExportRoutes.CAPPED_HEADER).isEmpty());
    String body = r.body(); // decoded as the UTF-8 the Content-Type names
    assertTrue(body.startsWith("\uFEFFtime,eventId,user,role,clientIp,"), body);
    List<String> lines = List.of(body.substring(1).split("\r\n"));
    assertEquals(4, lines.size(), body); // header + 3 rows (one has a quoted line break inside)
    assertTrue(lines.get(1).startsWith("2026-11-23T10:00:09Z,"), "newest first: " + lines.get(1));
    assertTrue(body.contains(",'@SUM(A1) Zoë's café,"), body);
    assertTrue(body.contains(",\"'+1, said \"\"x\"\"\nnext line\","), body);
    assertTrue(body.contains(",\"'=HYPERLINK(\"\"http://evil.test/\"\",\"\"click\"\")\","), body);
    assertFalse(body.contains(",=HYPERLINK"), "no cell starts with a formula");

    String audit = Files.readString(dataDir.resolve("audit.log"));
    assertTrue(
        audit
            .lines()
            .anyMatch(
                l ->
                    l.contains("\"events.export\"")
                        && l.contains("\"actor\":\"dsl\"")
                        && l.contains("\"user\":\"carol\"")
                        && l.contains("\"q\":\"sheet\"")),
        audit);
  }

  @Test
  void export_overTheCap_saysSoInTheFileAndAHeader() {
    HttpResponse<String> r = http.get("/api/events.csv?limit=2", "Authorization", DSL);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("rows=2", r.headers().firstValue(CsvExportRoutes.CAPPED_HEADER).orElse(null));
    List<String> lines = r.body().lines().toList();
    assertEquals(4, lines.size(), r.body());
    assertTrue(lines.get(3).startsWith("# capped at 2 rows"), lines.get(3));
  }

  @Test
  void export_isDslOrAdminOnly_andRefusesBadParameters() throws IOException {
    assertEquals(403, http.get("/api/events.csv", "Authorization", ICT).statusCode());
    assertEquals(401, http.get("/api/events.csv").statusCode());
    for (String bad :
        List.of(
            "limit=0", "limit=10001", "from=2026-11-24&to=2026-11-23", "cursor=x", "colour=red")) {
      HttpResponse<String> r = http.get("/api/events.csv?" + bad, "Authorization", DSL);
      assertEquals(400, r.statusCode(), bad);
      assertNotNull(json(r).get("error"), bad);
    }
  }
}
