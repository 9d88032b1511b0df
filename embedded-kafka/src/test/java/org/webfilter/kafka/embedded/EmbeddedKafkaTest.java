package org.webfilter.kafka.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

  @Test
  void restartOnSameDir_keepsRecords(@TempDir Path dir) throws Exception {
    int broker = EmbeddedKafka.freePort();
    int controller = EmbeddedKafka.freePort();
    try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), broker, controller)) {
      kafka.start();
      kafka.createTopics(List.of("t"), 1);
      try (KafkaProducer<String, String> p =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", kafka.bootstrapServers()),
              new StringSerializer(),
              new StringSerializer())) {
        p.send(new ProducerRecord<>("t", "k", "before restart")).get();
      }
    }
    try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), broker, controller)) {
      kafka.start();
      try (KafkaConsumer<String, String> c =
          new KafkaConsumer<>(
              Map.of(
                  "bootstrap.servers", kafka.bootstrapServers(),
                  "group.id", "g",
                  "auto.offset.reset", "earliest"),
              new StringDeserializer(),
              new StringDeserializer())) {
        c.subscribe(List.of("t"));
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (seen.isEmpty() && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
            seen.add(r.value());
          }
        }
        assertEquals(List.of("before restart"), seen);
      }
    }
  }
}
