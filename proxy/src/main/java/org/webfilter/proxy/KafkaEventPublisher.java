package org.webfilter.proxy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.EventCodec;
import org.webfilter.policy.config.KafkaSettings;

/**
 * Publishes access events to Kafka without ever blocking the caller. {@link #publish} only offers
 * the event to a bounded in-memory queue; one daemon thread encodes events and hands them to the
 * {@link KafkaProducer} (whose {@code send} can block for {@code max.block.ms} when metadata is
 * missing, which must never happen on a Netty event loop).
 *
 * <p>When the queue is full (Kafka down for long enough) events are dropped and counted, with a
 * WARN at most every 10 s. Spooling them to disk instead is a later issue.
 *
 * <p>The record key is {@link AccessEvent#key()} (user, else client IP), so one pupil's events stay
 * in order; the value is {@link EventCodec#encode}.
 */
public final class KafkaEventPublisher implements EventSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventPublisher.class);
  static final int DEFAULT_CAPACITY = 100_000;
  private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final Producer<String, byte[]> producer;
  private final String topic;
  private final BlockingQueue<AccessEvent> queue;
  private final Thread drainer;
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final RateLimitedWarning dropWarning = new RateLimitedWarning(WARN_INTERVAL_NANOS);
  private final RateLimitedWarning failWarning = new RateLimitedWarning(WARN_INTERVAL_NANOS);
  private volatile boolean closing;

  private KafkaEventPublisher(Producer<String, byte[]> producer, String topic, int capacity) {
    this.producer = producer;
    this.topic = topic;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.drainer = new Thread(this::drain, "webfilter-event-publisher");
    this.drainer.setDaemon(true);
  }

  /** Starts a publisher to {@code settings.bootstrap()}, topic {@code settings.accessTopic()}. */
  public static KafkaEventPublisher start(KafkaSettings settings) {
    return start(settings, DEFAULT_CAPACITY);
  }

  static KafkaEventPublisher start(KafkaSettings settings, int capacity) {
    if (settings.embedded()) {
      throw new IllegalArgumentException("kafka.bootstrap: empty (expected: host:port,...)");
    }
    KafkaEventPublisher p =
        new KafkaEventPublisher(
            new KafkaProducer<>(
                producerConfig(settings), new StringSerializer(), new ByteArraySerializer()),
            settings.accessTopic(),
            capacity);
    p.drainer.start();
    return p;
  }

  static Map<String, Object> producerConfig(KafkaSettings settings) {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
    c.put(ProducerConfig.CLIENT_ID_CONFIG, "webfilter-proxy");
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // "rebootstrap" can leave send() blocked on missing metadata (STACK.md §1).
    c.put("metadata.recovery.strategy", "none");
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    c.putAll(settings.clientProperties()); // TLS, SASL, ... from the operator win
    return c;
  }

  @Override
  public void publish(AccessEvent event) {
    if (closing || !queue.offer(event)) {
      long n = dropped.incrementAndGet();
      if (dropWarning.due()) {
        LOG.warn("access-event queue full or closed: {} events dropped so far", n);
      }
    }
  }

  private void drain() {
    while (true) {
      AccessEvent e;
      try {
        e = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException ie) {
        break; // close() gave up waiting; what is left stays unsent
      }
      if (e == null) {
        if (closing) {
          break;
        }
        continue;
      }
      send(e);
    }
  }

  private void send(AccessEvent e) {
    try {
      producer.send(
          new ProducerRecord<>(topic, e.key(), EventCodec.encode(e)),
          (metadata, error) -> {
            if (error == null) {
              acknowledged.incrementAndGet();
            } else {
              failed(error);
            }
          });
      published.incrementAndGet();
    } catch (RuntimeException ex) {
      failed(ex);
    }
  }

  private void failed(Exception error) {
    long n = failed.incrementAndGet();
    if (failWarning.due()) {
      LOG.warn(
          "cannot publish access events to Kafka topic {} ({} failed so far): {}",
          topic,
          n,
          error.toString());
    }
  }

  /** Events handed to the Kafka producer. */
  public long published() {
    return published.get();
  }

  /** Events the broker acknowledged. */
  public long acknowledged() {
    return acknowledged.get();
  }

  /** Events the producer gave up on. */
  public long failed() {
    return failed.get();
  }

  /** Events dropped because the queue was full (or the publisher closed). */
  public long dropped() {
    return dropped.get();
  }

  /** Events waiting in the queue. */
  public int queued() {
    return queue.size();
  }

  /** Sends what is queued (waiting at most about 10 s), then flushes and closes the producer. */
  @Override
  public void close() {
    closing = true;
    try {
      drainer.join(CLOSE_WAIT.toMillis());
      if (drainer.isAlive()) {
        drainer.interrupt();
        drainer.join(1_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(CLOSE_WAIT);
    int left = queue.size();
    if (left > 0) {
      dropped.addAndGet(left);
      LOG.warn("closed with {} access events unsent", left);
    }
  }

  /** True at most once per interval, across threads. */
  static final class RateLimitedWarning {
    private final long intervalNanos;
    private final AtomicLong next = new AtomicLong(System.nanoTime());

    RateLimitedWarning(long intervalNanos) {
      this.intervalNanos = intervalNanos;
    }

    boolean due() {
      long now = System.nanoTime();
      long n = next.get();
      return now - n >= 0 && next.compareAndSet(n, now + intervalNanos);
    }
  }
}
