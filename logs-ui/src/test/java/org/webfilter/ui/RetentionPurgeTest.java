package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.webfilter.ui.TestEvents.T0;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.AccessEvent.Verdict;
import org.webfilter.policy.config.UiSettings;

/**
 * Events past {@code ui.retention-days} leave the index, with a clock moved by hand (no sleeping).
 */
class RetentionPurgeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static AccessEvent aged(Instant now, int days, String url) {
    return TestEvents.event(
        UUID.randomUUID(),
        now.minus(Duration.ofDays(days)),
        "alice",
        "pupil",
        "10.0.0.1",
        "x.test",
        url,
        null,
        Verdict.ALLOW,
        "news");
  }

  @Test
  void purge_deletesOnlyEventsOlderThanTheCutoff_andAuditsCountAndCutoff() throws Exception {
    MutableClock clock = new MutableClock(T0);
    AuditLog audit = new AuditLog(dir.resolve("audit.log"), clock);
    try (EventStore store = EventStore.open(dir.resolve("index"))) {
      store.add(
          List.of(
              aged(T0, 400, "https://x.test/400"),
              aged(T0, 366, "https://x.test/366"),
              aged(T0, 364, "https://x.test/364"),
              aged(T0, 1, "https://x.test/1")));
      store.commit();
      RetentionPurge purge = new RetentionPurge(store, audit, clock, 365);

      assertEquals(2, purge.purge());
      assertEquals(2, store.count(EventQuery.all()));
      assertEquals(0, purge.purge(), "nothing more to do at the same moment");

      clock.advance(Duration.ofDays(2));
      assertEquals(1, purge.purge(), "the 364-day-old event has now passed 365 days");
      assertEquals(
          List.of("https://x.test/1"),
          store.search(EventQuery.all()).events().stream().map(AccessEvent::url).toList());

      List<JsonNode> entries = audit.latest(10);
      JsonNode first = entries.get(entries.size() - 1);
      assertEquals("system", first.get("actor").asText());
      assertEquals("events.purge", first.get("action").asText());
      assertEquals("2", first.get("details").get("deleted").asText());
      assertEquals(
          T0.minus(Duration.ofDays(365)).toString(), first.get("details").get("cutoff").asText());
      assertEquals("365", first.get("details").get("retentionDays").asText());
      assertEquals("1", entries.get(0).get("details").get("deleted").asText());
      assertEquals(
          new RetentionPurge.Run(clock.instant(), clock.instant().minus(Duration.ofDays(365)), 1),
          purge.last());
    }
  }

  @Test
  void start_purgesAtOnce_withTheConfiguredRetention() throws Exception {
    Path dataDir = dir.resolve("data");
    try (EventStore store = EventStore.open(dataDir.resolve("index"))) {
      store.add(List.of(aged(T0, 10, "https://x.test/old"), aged(T0, 2, "https://x.test/recent")));
      store.commit();
    }
    try (LogsUi ui =
        LogsUi.start(
            new UiSettings("127.0.0.1", 0, 7),
            null,
            dataDir,
            TestUsers.store(),
            new MutableClock(T0))) {
      Http http = new Http(ui.port());
      JsonNode body =
          JSON.readTree(
              http.get("/api/events", "Authorization", Http.basic("dsl", TestUsers.PASSWORD))
                  .body());
      assertEquals(1, body.get("events").size());
      assertEquals("https://x.test/recent", body.get("events").get(0).get("url").asText());
      JsonNode index =
          JSON.readTree(
              http.get("/api/index", "Authorization", Http.basic("admin", TestUsers.PASSWORD))
                  .body());
      assertEquals(7, index.get("retentionDays").asInt());
      assertEquals(1, index.get("events").asInt());
      assertTrue(index.get("ok").asBoolean());
      String page =
          http.get("/admin/index", "Authorization", Http.basic("admin", TestUsers.PASSWORD)).body();
      assertTrue(page.contains("deleted 1 events older than 2026-11-16T10:00:00Z"), page);
    }
    assertTrue(Files.readString(dataDir.resolve("audit.log")).contains("\"events.purge\""));
  }
}
