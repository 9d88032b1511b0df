package org.webfilter.ui;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.events.EventCodec;
import org.webfilter.policy.config.KafkaSettings;

/**
 * Copies one Kafka topic into a store on one dedicated thread. Each batch is made durable in the store
 * first and committed to Kafka second: a crash in between only re-delivers records, and the stores drop
 * duplicates by id. Any failure (broker down, disk error) closes the consumer and starts again after a
 * back-off, resuming from the last committed offsets, so the thread never dies while the UI runs.
 */
final class TopicIngestor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicIngestor.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final long MAX_BACKOFF_MS = 30_000;

  /** What to do with the records of one topic. */
  interface Sink {
    /** Decodes and stores a batch (not necessarily durably yet). */
    void add(ConsumerRecords<byte[], byte[]> records) throws Exception;

    /** Whether to make what was added durable now; {@code idle} when the last poll was empty. */
    boolean commitNow(boolean idle);

    /** Makes everything added so far durable, before the Kafka offsets are committed. */
    void makeDurable() throws Exception;
  }

  private final KafkaSettings kafka;
  private final String topic;
  private final String groupId;
  private final Sink sink;
  private final Thread thread;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  TopicIngestor(KafkaSettings kafka, String topic, String groupId, String threadName, Sink sink) {
    this.kafka = kafka;
    this.topic = topic;
    this.groupId = groupId;
    this.sink = sink;
    this.thread = new Thread(this::run, threadName);
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
        c.subscribe(List.of(topic));
        boolean pending = false;
        while (running) {
          ConsumerRecords<byte[], byte[]> records = c.poll(POLL);
          if (!records.isEmpty()) {
            sink.add(records);
            pending = true;
          }
          if (pending && sink.commitNow(records.isEmpty())) {
            sink.makeDurable();
            c.commitSync();
            pending = false;
          }
          backoff = 500;
        }
      } catch (WakeupException e) {
        // close() asked us to stop
      } catch (Exception e) {
        if (!running) {
          break;
        }
        LOG.warn("ingest of {} from {} failed, retrying in {} ms: {}", topic, kafka.bootstrap(), backoff, e.toString());
        sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      } finally {
        consumer = null;
      }
    }
  }

  /** Decodes every record; a malformed one is logged with topic, partition and offset, and skipped. */
  static <T> List<T> decodeEach(ConsumerRecords<byte[], byte[]> records, Function<byte[], T> decoder) {
    List<T> out = new ArrayList<>(records.count());
    for (ConsumerRecord<byte[], byte[]> r : records) {
      try {
        out.add(decoder.apply(r.value() == null ? new byte[0] : r.value()));
      } catch (EventCodec.MalformedEventException e) {
        LOG.warn("skipping malformed record at {}-{} offset {}: {}", r.topic(), r.partition(), r.offset(),
            e.getMessage().lines().findFirst().orElse(""));
      }
    }
    return out;
  }

  private Properties consumerProperties() {
    Properties p = new Properties();
    p.putAll(kafka.clientProperties());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId);
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
