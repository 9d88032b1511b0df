package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.AccessEvent.Verdict;
import org.webfilter.events.EventCodec;
import org.webfilter.events.Topics;
import org.webfilter.kafka.embedded.EmbeddedKafka;
import org.webfilter.policy.config.KafkaSettings;
import org.webfilter.policy.config.UiSettings;

/**
 * A damaged index is moved aside and rebuilt from the real (in-process) Kafka topic; so is an
 * admin's rebuild.
 */
class IndexRebuildTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DSL = Http.basic("dsl", TestUsers.PASSWORD);
  private static final String ADMIN = Http.basic("admin", TestUsers.PASSWORD);
  private static final int EVENTS = 30;

  @TempDir Path tmp;

  @Test
  void corruptIndex_betweenStarts_isMovedAside_andRebuiltFromKafka_andAdminCanRebuildToo()
      throws Exception {
    Path dataDir = tmp.resolve("data");
    try (EmbeddedKafka broker = new EmbeddedKafka(tmp.resolve("kafka"))) {
      broker.start();
      broker.createTopics(List.of(Topics.ACCESS), 2);
      KafkaSettings kafka =
          new KafkaSettings(
              broker.bootstrapServers(), Topics.ACCESS, Topics.ALERTS, 2, (short) 1, Map.of());
      List<AccessEvent> events = new ArrayList<>();
      for (int i = 0; i < EVENTS; i++) {
        events.add(
            TestEvents.event(
                i, "user" + (i % 4), "h" + i + ".test", "https://h" + i + ".test/", Verdict.ALLOW));
      }
      try (KafkaProducer<byte[], byte[]> producer = producer(broker.bootstrapServers())) {
        for (AccessEvent e : events) {
          send(producer, e);
        }
        for (AccessEvent e : events.subList(0, 5)) {
          send(producer, e); // redelivered: must not show twice after a rebuild either
        }
        // Past ui.retention-days (365): a rebuild must not bring it back into the index.
        send(
            producer,
            TestEvents.event(
                java.util.UUID.randomUUID(),
                TestEvents.T0.minus(Duration.ofDays(400)),
                "ancient",
                "pupil",
                "10.0.0.1",
                "old.test",
                "https://old.test/",
                null,
                Verdict.ALLOW,
                "news"));
      }
      try (LogsUi ui =
          LogsUi.start(
              new UiSettings("127.0.0.1", 0),
              kafka,
              dataDir,
              TestUsers.store(),
              Clock.systemUTC())) {
        waitForAll(new Http(ui.port()), events);
      }

      corrupt(dataDir.resolve("index"));

      try (LogsUi ui =
          LogsUi.start(
              new UiSettings("127.0.0.1", 0),
              kafka,
              dataDir,
              TestUsers.store(),
              Clock.systemUTC())) {
        Http http = new Http(ui.port());
        HttpResponse<String> health = http.get("/healthz");
        assertEquals(200, health.statusCode());
        assertFalse(health.body().contains("Exception"), health.body());
        waitForAll(http, events);
        try (Stream<Path> s = Files.list(dataDir)) {
          assertEquals(
              1,
              s.filter(p -> p.getFileName().toString().startsWith(IndexRecovery.BROKEN_PREFIX))
                  .count());
        }
        String page = http.get("/admin/index", "Authorization", ADMIN).body();
        assertTrue(
            page.contains("Damaged indexes moved aside")
                && page.contains(IndexRecovery.BROKEN_PREFIX),
            page);
        waitUntil(http, "/api/index", ADMIN, i -> i.get("ok").asBoolean());

        // An admin's rebuild: refused to others, audited, and the index comes back whole.
        assertEquals(403, http.post("/api/index/rebuild", "", "Authorization", DSL).statusCode());
        HttpResponse<String> r = http.post("/api/index/rebuild", "", "Authorization", ADMIN);
        assertEquals(202, r.statusCode(), r.body());
        assertTrue(JSON.readTree(r.body()).get("rebuilding").asBoolean());
        waitUntil(
            http,
            "/api/index",
            ADMIN,
            i -> i.get("ok").asBoolean() && i.get("events").asInt() == EVENTS);
        waitForAll(http, events);
        assertTrue(
            Files.readAllLines(dataDir.resolve("audit.log")).stream()
                .anyMatch(
                    l -> l.contains("\"index.rebuild\"") && l.contains("\"actor\":\"admin\"")));
        assertEquals(
            0,
            JSON.readTree(http.get("/api/events?user=ancient", "Authorization", DSL).body())
                .get("events")
                .size());
      }
    }
  }

  @Test
  void corruptIndex_withoutKafka_saysSoOnThePages_neverAStackTrace() throws Exception {
    Path dataDir = tmp.resolve("data");
    try (EventStore store = EventStore.open(dataDir.resolve("index"))) {
      store.add(List.of(TestEvents.event(1, "alice", "a.test", "https://a.test/", Verdict.ALLOW)));
      store.commit();
    }
    corrupt(dataDir.resolve("index"));
    try (LogsUi ui =
        LogsUi.start(
            new UiSettings("127.0.0.1", 0), null, dataDir, TestUsers.store(), Clock.systemUTC())) {
      Http http = new Http(ui.port());
      HttpResponse<String> health = http.get("/healthz");
      assertEquals(200, health.statusCode());
      assertTrue(
          health
              .body()
              .startsWith(
                  "ok\n"
                      + "index: The event index could not be opened (damaged files) and was moved"
                      + " aside"),
          health.body());
      String events = http.get("/events", "Authorization", DSL).body();
      assertTrue(events.contains("id=\"index-banner\""), events);
      assertTrue(events.contains("No Kafka is configured to rebuild it from."), events);
      assertFalse(events.contains("Exception"), events);
      assertEquals(409, http.post("/api/index/rebuild", "", "Authorization", ADMIN).statusCode());

      // The page's button needs the tick box, and says plainly why it cannot rebuild here.
      String cookie = LoginHelper.login(http, "admin");
      String csrf = LoginHelper.csrfOf(http.get("/admin/index", "Cookie", cookie).body());
      HttpResponse<String> unticked =
          http.post("/admin/index/rebuild", Http.form(Map.of("csrf", csrf)), "Cookie", cookie);
      assertEquals(400, unticked.statusCode());
      assertTrue(unticked.body().contains("tick the box"), unticked.body());
      HttpResponse<String> ticked =
          http.post(
              "/admin/index/rebuild",
              Http.form(Map.of("csrf", csrf, "confirm", "yes")),
              "Cookie",
              cookie);
      assertEquals(409, ticked.statusCode());
      assertTrue(ticked.body().contains("no Kafka is configured"), ticked.body());
    }
  }

  @Test
  void emptyIndex_restartsQuietly_butAMissingOne_isReported() throws Exception {
    Path dataDir = tmp.resolve("data");
    for (int i = 0; i < 2; i++) { // first start, then a restart with nothing indexed yet
      try (LogsUi ui =
          LogsUi.start(
              new UiSettings("127.0.0.1", 0),
              null,
              dataDir,
              TestUsers.store(),
              Clock.systemUTC())) {
        assertEquals("ok", new Http(ui.port()).get("/healthz").body());
      }
    }
    try (Stream<Path> files = Files.walk(dataDir.resolve("index"))) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
    try (LogsUi ui =
        LogsUi.start(
            new UiSettings("127.0.0.1", 0), null, dataDir, TestUsers.store(), Clock.systemUTC())) {
      assertTrue(
          new Http(ui.port())
              .get("/healthz")
              .body()
              .startsWith("ok\nindex: The event index was missing."));
    }
  }

  /**
   * Overwrites every index file with random bytes of the same length, as a bad disk or copy would.
   */
  static void corrupt(Path index) throws IOException {
    Random random = new Random(42);
    try (Stream<Path> files = Files.list(index)) {
      for (Path f : files.filter(p -> !p.getFileName().toString().equals("write.lock")).toList()) {
        byte[] junk = new byte[(int) Files.size(f)];
        random.nextBytes(junk);
        Files.write(f, junk);
      }
    }
  }

  private static void waitForAll(Http http, List<AccessEvent> events) throws Exception {
    JsonNode body =
        waitUntil(http, "/api/events?limit=500", DSL, b -> b.get("events").size() >= events.size());
    Set<String> ids = new HashSet<>();
    body.get("events").forEach(e -> assertTrue(ids.add(e.get("eventId").asText()), "twice: " + e));
    for (AccessEvent e : events) {
      assertTrue(ids.contains(e.eventId().toString()), "missing " + e.eventId());
    }
  }

  /** Polls as a person would (no timed assertion: 60 s only bounds a hang). */
  private static JsonNode waitUntil(Http http, String path, String auth, Predicate<JsonNode> done)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode body = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = http.get(path, "Authorization", auth);
      assertEquals(200, r.statusCode(), r.body());
      body = JSON.readTree(r.body());
      if (done.test(body)) {
        return body;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(path + " never got there; last answer: " + body);
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, AccessEvent e) throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                Topics.ACCESS, e.key().getBytes(StandardCharsets.UTF_8), EventCodec.encode(e)))
        .get(20, TimeUnit.SECONDS);
  }
}
