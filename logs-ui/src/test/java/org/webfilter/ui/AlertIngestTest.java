package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.events.AccessEvent.Verdict;
import org.webfilter.events.AlertCodec;
import org.webfilter.events.AlertEvent;
import org.webfilter.events.Topics;
import org.webfilter.kafka.embedded.EmbeddedKafka;
import org.webfilter.policy.config.KafkaSettings;
import org.webfilter.policy.config.UiSettings;

/** Alerts from the real alerts topic into the inbox: malformed records skipped, duplicates dropped. */
class AlertIngestTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String DSL = Http.basic("dsl", TestUsers.PASSWORD);

  @TempDir Path tmp;

  @Test
  void alertsTopic_reachesTheInbox_onceEach_skippingGarbage() throws Exception {
    try (EmbeddedKafka broker = new EmbeddedKafka(tmp.resolve("kafka"))) {
      broker.start();
      broker.createTopics(List.of(Topics.ALERTS), 1);
      KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers(), Topics.ACCESS, Topics.ALERTS, 1, (short) 1, Map.of());
      AlertEvent a = AlertEvent.of(AlertEvent.Severity.HIGH, "self-harm",
          TestEvents.event(1, "alice", "harm.test", "https://harm.test/", Verdict.BLOCK, "self-harm"));
      AlertEvent b = AlertEvent.of(AlertEvent.Severity.MEDIUM, "hate",
          TestEvents.event(2, "bob", "hate.test", "https://hate.test/", Verdict.LOG, "hate"));
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
        for (byte[] value : List.of(AlertCodec.encode(a), "{nope".getBytes(StandardCharsets.UTF_8),
            AlertCodec.encode(b), AlertCodec.encode(a))) {
          producer.send(new ProducerRecord<>(Topics.ALERTS, "k".getBytes(StandardCharsets.UTF_8), value)).get(20, TimeUnit.SECONDS);
        }
      }
      try (LogsUi ui = LogsUi.start(new UiSettings("127.0.0.1", 0), kafka, tmp.resolve("data"), TestUsers.store(), Clock.systemUTC())) {
        Http http = new Http(ui.port());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode alerts = null;
        while (System.nanoTime() < deadline) {
          alerts = JSON.readTree(http.get("/api/alerts?status=all", "Authorization", DSL).body()).get("alerts");
          if (alerts.size() >= 2) {
            Thread.sleep(1000); // let a stray duplicate land before counting
            alerts = JSON.readTree(http.get("/api/alerts?status=all", "Authorization", DSL).body()).get("alerts");
            break;
          }
          Thread.sleep(200);
        }
        assertEquals(2, alerts.size(), String.valueOf(alerts));
        assertEquals(a.eventId().toString(), alerts.get(0).get("id").asText(), "high before medium");
      }
    }
  }
}
