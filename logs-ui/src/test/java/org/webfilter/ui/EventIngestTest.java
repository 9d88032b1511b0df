package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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

/** Kafka to the API end to end, with a real in-process broker that comes up after the UI. */
class EventIngestTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DSL = Http.basic("dsl", TestUsers.PASSWORD);

  @TempDir Path tmp;

  @Test
  void ingest_startsBeforeKafka_skipsGarbage_dedupesIds_andCommitsOffsets() throws Exception {
    int brokerPort = EmbeddedKafka.freePort();
    KafkaSettings kafka =
        new KafkaSettings(
            "127.0.0.1:" + brokerPort, Topics.ACCESS, Topics.ALERTS, 2, (short) 1, Map.of());
    Path dataDir = tmp.resolve("data");
    try (EmbeddedKafka broker =
        new EmbeddedKafka(tmp.resolve("kafka"), brokerPort, EmbeddedKafka.freePort())) {
      // The UI comes up while Kafka is still down: it must serve and keep retrying.
      LogsUi ui =
          LogsUi.start(
              new UiSettings("127.0.0.1", 0), kafka, dataDir, TestUsers.store(), Clock.systemUTC());
      try {
        Http http = new Http(ui.port());
        assertEquals(200, http.get("/healthz").statusCode());

        broker.start();
        broker.createTopics(List.of(Topics.ACCESS), 2);
        List<AccessEvent> events = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          events.add(
              TestEvents.event(
                  i,
                  "user" + (i % 3),
                  "h" + i + ".test",
                  "https://h" + i + ".test/",
                  Verdict.ALLOW));
        }
        int records;
        try (KafkaProducer<byte[], byte[]> producer = producer(broker.bootstrapServers())) {
          for (AccessEvent e : events) {
            send(producer, e.key(), EventCodec.encode(e));
          }
          for (AccessEvent e : events.subList(0, 5)) {
            send(producer, e.key(), EventCodec.encode(e)); // redelivered duplicates
          }
          send(producer, "junk", "{not json".getBytes(StandardCharsets.UTF_8));
          send(producer, "junk", null);
          producer.flush();
          records = events.size() + 5 + 2;
        }

        JsonNode page = waitForEvents(http, events.size());
        Map<String, Integer> seen = new HashMap<>();
        for (JsonNode e : page.get("events")) {
          seen.merge(e.get("eventId").asText(), 1, Integer::sum);
        }
        assertEquals(events.size(), seen.size());
        assertTrue(seen.values().stream().allMatch(n -> n == 1), "each event once: " + seen);
        for (AccessEvent e : events) {
          assertTrue(seen.containsKey(e.eventId().toString()), "missing " + e.eventId());
        }
        assertEquals(
            "https://h19.test/", page.get("events").get(0).get("url").asText(), "newest first");
        assertEquals(
            records,
            committedOffsets(broker.bootstrapServers()),
            "offsets committed after indexing");
      } finally {
        ui.close();
      }

      // A restart keeps the index and resumes from the committed offsets.
      LogsUi again =
          LogsUi.start(
              new UiSettings("127.0.0.1", 0), kafka, dataDir, TestUsers.store(), Clock.systemUTC());
      try {
        AccessEvent late =
            TestEvents.event(
                100, "late", "late.test", "https://late.test/", Verdict.BLOCK, "games");
        try (KafkaProducer<byte[], byte[]> producer = producer(broker.bootstrapServers())) {
          send(producer, late.key(), EventCodec.encode(late));
        }
        JsonNode page = waitForEvents(new Http(again.port()), 21);
        assertEquals("late", page.get("events").get(0).get("user").asText());
      } finally {
        again.close();
      }
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
    return new KafkaProducer<>(p);
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, String key, byte[] value)
      throws Exception {
    producer
        .send(new ProducerRecord<>(Topics.ACCESS, key.getBytes(StandardCharsets.UTF_8), value))
        .get(20, TimeUnit.SECONDS);
  }

  /** Polls the API (as the DSL would) until {@code n} events are visible, for at most 30 s. */
  private static JsonNode waitForEvents(Http http, int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode body = null;
    while (System.nanoTime() < deadline) {
      var r = http.get("/api/events?limit=500", "Authorization", DSL);
      assertEquals(200, r.statusCode(), r.body());
      body = JSON.readTree(r.body());
      if (body.get("events").size() >= n) {
        Thread.sleep(1000); // let any stray duplicate land before asserting on counts
        return JSON.readTree(http.get("/api/events?limit=500", "Authorization", DSL).body());
      }
      Thread.sleep(200);
    }
    throw new AssertionError("expected " + n + " events, last answer: " + body);
  }

  private static long committedOffsets(String bootstrap) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<?, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(EventIngestor.GROUP_ID)
              .partitionsToOffsetAndMetadata()
              .get(20, TimeUnit.SECONDS);
      return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    }
  }
}
