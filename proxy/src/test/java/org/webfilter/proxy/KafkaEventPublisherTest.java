package org.webfilter.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.EventCodec;
import org.webfilter.events.Topics;
import org.webfilter.kafka.embedded.EmbeddedKafka;
import org.webfilter.policy.config.KafkaSettings;

/** The publisher against a real single-node broker in this JVM. */
class KafkaEventPublisherTest {

  @Test
  void publishedEvents_allReachTheTopicWithKeys(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"))) {
      kafka.start();
      kafka.createTopics(List.of(Topics.ACCESS), 1);
      KafkaSettings settings =
          new KafkaSettings(
              kafka.bootstrapServers(), Topics.ACCESS, Topics.ALERTS, 1, (short) 1, Map.of());

      Map<UUID, String> sent = new HashMap<>();
      try (KafkaEventPublisher publisher = KafkaEventPublisher.start(settings)) {
        for (int i = 0; i < 1000; i++) {
          AccessEvent e = event(i);
          sent.put(e.eventId(), e.key());
          publisher.publish(e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (publisher.acknowledged() < 1000 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertEquals(1000, publisher.acknowledged());
        assertEquals(1000, publisher.published());
        assertEquals(0, publisher.failed());
        assertEquals(0, publisher.dropped());
      }

      Map<UUID, String> received = new HashMap<>();
      try (KafkaConsumer<String, byte[]> consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                  ConsumerConfig.GROUP_ID_CONFIG, "proxy-test",
                  ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
              new StringDeserializer(),
              new ByteArrayDeserializer())) {
        consumer.subscribe(List.of(Topics.ACCESS));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (received.size() < 1000 && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            AccessEvent e = EventCodec.decode(r.value());
            received.put(e.eventId(), r.key());
          }
        }
      }
      assertEquals(sent, received);
    }
  }

  @Test
  void startWithSpoolDir_publishesAndRaisesAlerts_andExposesPrometheusMetrics(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"))) {
      kafka.start();
      KafkaSettings settings =
          new KafkaSettings(kafka.bootstrapServers(), Topics.ACCESS, Topics.ALERTS, 2, (short) 1, Map.of());
      try (KafkaEventPublisher publisher = KafkaEventPublisher.start(settings, dir.resolve("spool"))) {
        AccessEvent e = event(1);
        publisher.publish(new AccessEvent(e.schemaVersion(), e.eventId(), e.time(), e.user(), e.role(),
            e.clientIp(), e.device(), e.method(), e.scheme(), e.host(), e.port(), e.url(), e.searchTerms(),
            List.of("self-harm"), AccessEvent.Verdict.BLOCK, e.rule(), e.reason(), 403, e.bytesIn(),
            e.bytesOut(), e.durationMs(), e.intercepted(), e.proxyNode()));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (publisher.acknowledged() < 2 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertEquals(2, publisher.acknowledged(), () -> "" + publisher.metrics());
        String text = publisher.metrics().prometheusText();
        assertTrue(text.contains("\nwebfilter_events_accepted_total 1\n"), text);
        assertTrue(text.contains("\nwebfilter_events_alerts_total 1\n"), text);
        assertTrue(text.contains("\nwebfilter_events_acknowledged_total 2\n"), text);
        assertTrue(text.contains("\nwebfilter_events_dropped_total 0\n"), text);
      }
    }
  }

  @Test
  void fullQueue_dropsAndCountsWithoutBlocking() {
    // nothing listens here: sends wait for metadata, so the tiny queue fills up
    KafkaSettings settings =
        new KafkaSettings(
            "127.0.0.1:1",
            Topics.ACCESS,
            Topics.ALERTS,
            1,
            (short) 1,
            Map.of("max.block.ms", "200"));
    KafkaEventPublisher publisher = KafkaEventPublisher.start(settings, 10);
    try {
      long start = System.nanoTime();
      for (int i = 0; i < 1000; i++) {
        publisher.publish(event(i));
      }
      assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 1000, "publish blocked");
      assertTrue(publisher.dropped() > 900, "dropped " + publisher.dropped());
    } finally {
      publisher.close();
    }
    assertEquals(0, publisher.acknowledged());
    assertTrue(publisher.failed() > 0, "failed " + publisher.failed());
  }

  private static AccessEvent event(int i) {
    String user = i % 3 == 0 ? null : "user" + (i % 7);
    return new AccessEvent(
        AccessEvent.SCHEMA_VERSION,
        UUID.randomUUID(),
        Instant.parse("2026-11-23T10:15:00.000Z").plusMillis(i),
        user,
        "pupil",
        "10.0.0." + (i % 250),
        null,
        "GET",
        "http",
        "site" + i + ".test",
        80,
        "http://site" + i + ".test/",
        null,
        List.of(),
        AccessEvent.Verdict.ALLOW,
        "default.allow",
        "allowed",
        200,
        100,
        1000,
        3,
        false,
        "test-node");
  }
}
