package org.webfilter.proxy.events;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.webfilter.policy.config.KafkaSettings;

/** The producer's tuning, in one place with the reason for each setting. */
final class ProducerConfigs {
  private ProducerConfigs() {}

  static Map<String, Object> forEvents(KafkaSettings settings) {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
    c.put(ProducerConfig.CLIENT_ID_CONFIG, "webfilter-proxy");
    // Nothing lost and nothing doubled by retries: every in-sync replica has it, retries are deduplicated.
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5); // the most idempotence keeps in order
    // CPU, which the proxy shares with the broker on a small school server: few, large produce requests.
    // At 20,000 events/s (EventPublisherThroughputTest, paced run; docs/benchmarks.md) the whole process,
    // broker included, spent ~20-27 us per event with linger.ms 10, ~10 with 100, ~8 with 250, ~6 with
    // 500: 250 keeps the DSL's view of events within a few hundred ms (ack p99 <= 0.5 s there). lz4
    // beat zstd (the publisher thread, which compresses, spent twice as long) and none (the broker then
    // handles ~5x the bytes: ~14 vs ~10 us per event at 100 ms).
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    c.put(ProducerConfig.LINGER_MS_CONFIG, 250);
    c.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    c.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
    // With one broker, "rebootstrap" can leave send() blocked on missing metadata (STACK.md §1).
    c.put("metadata.recovery.strategy", "none");
    // send() is on the publisher thread, never an event loop, but it must not sit there either: when
    // metadata or buffer space is missing for 1 s the record goes to the spool instead.
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
    c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    // Records Kafka has not taken within 2 minutes fail, and go to the spool.
    c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    c.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    c.putAll(settings.clientProperties()); // TLS, SASL, ... from the operator win
    return c;
  }
}
