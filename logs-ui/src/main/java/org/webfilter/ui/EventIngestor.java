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
import org.webfilter.events.AccessEvent;
import org.webfilter.events.EventCodec;
import org.webfilter.policy.config.KafkaSettings;

/**
 * Copies access events from Kafka into the {@link EventStore} on one dedicated thread.
 *
 * <p>Each batch is committed to Lucene first and to Kafka second: a crash in between only
 * re-delivers events, and the store drops duplicates by id. Malformed records are logged and
 * skipped. Any other failure (broker down, disk error) closes the consumer and starts again after a
 * back-off, resuming from the last committed offsets, so the thread never dies while the UI runs.
 */
final class EventIngestor implements AutoCloseable {
  static final String GROUP_ID = "webfilter-logs-ui";
  private static final Logger LOG = LoggerFactory.getLogger(EventIngestor.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final long MAX_BACKOFF_MS = 30_000;

  private final KafkaSettings kafka;
  private final EventStore store;
  private final Thread thread;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  EventIngestor(KafkaSettings kafka, EventStore store) {
    this.kafka = kafka;
    this.store = store;
    this.thread = new Thread(this::run, "logs-ui-ingest");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private static final long COMMIT_INTERVAL_NANOS = 1_000_000_000L;

  private void run() {
    long backoff = 500;
    while (running) {
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProperties())) {
        consumer = c;
        if (!running) {
          break; // close() ran before the consumer was published, so its wakeup() missed it
        }
        c.subscribe(List.of(kafka.accessTopic()));
        long lastCommit = System.nanoTime();
        boolean pending = false;
        while (running) {
          ConsumerRecords<byte[], byte[]> records = c.poll(POLL);
          if (!records.isEmpty()) {
            store.add(decode(records));
            store.refresh(); // searchable at once; durable at the next commit
            pending = true;
          }
          // A Lucene commit fsyncs: under load do it about once a second, not once per poll.
          if (pending && (records.isEmpty() || System.nanoTime() - lastCommit >= COMMIT_INTERVAL_NANOS)) {
            store.commit();
            c.commitSync(); // only after the index is durable: a crash in between re-delivers, never loses
            pending = false;
            lastCommit = System.nanoTime();
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
            "event ingest from {} failed, retrying in {} ms: {}",
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

  private static List<AccessEvent> decode(ConsumerRecords<byte[], byte[]> records) {
    List<AccessEvent> events = new ArrayList<>(records.count());
    for (ConsumerRecord<byte[], byte[]> r : records) {
      try {
        events.add(EventCodec.decode(r.value() == null ? new byte[0] : r.value()));
      } catch (EventCodec.MalformedEventException e) {
        LOG.warn(
            "skipping malformed event at {}-{} offset {}: {}",
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
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "webfilter-logs-ui");
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
