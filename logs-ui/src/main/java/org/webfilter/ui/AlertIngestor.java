package org.webfilter.ui;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.events.AlertCodec;
import org.webfilter.events.AlertEvent;
import org.webfilter.events.EventCodec;
import org.webfilter.policy.config.KafkaSettings;

/**
 * Copies safeguarding alerts from Kafka ({@code kafka.alertsTopic()}, group {@value #GROUP_ID}) into
 * the {@link AlertStore} on one dedicated thread, like {@link EventIngestor}.
 *
 * <p>Each batch is written (and forced) to the alert file first and committed to Kafka second: a crash
 * in between only re-delivers alerts, and the store drops duplicates by id. Malformed records are logged and
 * skipped. Any other failure (broker down, disk error) closes the consumer and starts again after a
 * back-off, resuming from the last committed offsets, so the thread never dies while the UI runs.
 */
final class AlertIngestor implements AutoCloseable {
  static final String GROUP_ID = "webfilter-logs-ui-alerts";
  private static final Logger LOG = LoggerFactory.getLogger(AlertIngestor.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final long MAX_BACKOFF_MS = 30_000;

  private final KafkaSettings kafka;
  private final AlertStore store;
  private final Thread thread;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  AlertIngestor(KafkaSettings kafka, AlertStore store) {
    this.kafka = kafka;
    this.store = store;
    this.thread = new Thread(this::run, "logs-ui-alerts");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void run() {
    long backoff = 500;
    while (running) {
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProperties())) {
        consumer = c;
        if (!running) {
          break; // close() ran before the consumer was published, so its wakeup() missed it
        }
        c.subscribe(List.of(kafka.alertsTopic()));
        while (running) {
          ConsumerRecords<byte[], byte[]> records = c.poll(POLL);
          if (!records.isEmpty()) {
            store.add(decode(records));
            c.commitSync();
          }
          backoff = 500;
        }
      } catch (WakeupException e) {
        // close() asked us to stop
      } catch (Exception e) {
        if (!running) {
          break;
        }
        LOG.warn(
            "alert ingest from {} failed, retrying in {} ms: {}",
            kafka.bootstrap(),
            backoff,
            e.toString());
        sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      } finally {
        consumer = null;
      }
    }
  }

  private static List<AlertEvent> decode(ConsumerRecords<byte[], byte[]> records) {
    List<AlertEvent> events = new ArrayList<>(records.count());
    for (ConsumerRecord<byte[], byte[]> r : records) {
      try {
        events.add(AlertCodec.decode(r.value() == null ? new byte[0] : r.value()));
      } catch (EventCodec.MalformedEventException e) {
        LOG.warn(
            "skipping malformed alert at {}-{} offset {}: {}",
            r.topic(),
            r.partition(),
            r.offset(),
            e.getMessage().lines().findFirst().orElse(""));
      }
    }
    return events;
  }

  private Properties consumerProperties() {
    Properties p = new Properties();
    p.putAll(kafka.clientProperties());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "webfilter-logs-ui-alerts");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  private void sleep(long ms) {
    try {
      stopping.await(ms, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Stops polling and waits for the thread to finish its batch (at most 10 s). */
  @Override
  public void close() {
    running = false;
    stopping.countDown();
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
