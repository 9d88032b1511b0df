package org.webfilter.ui;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.events.EventCodec;
import org.webfilter.policy.config.KafkaSettings;

/**
 * Copies one Kafka topic into a store on one dedicated thread. Each batch is made durable in the
 * store first and committed to Kafka second: a crash in between only re-delivers records, and the
 * stores drop duplicates by id. Any failure (broker down, disk error) closes the consumer and
 * starts again after a back-off, resuming from the last committed offsets, so the thread never dies
 * while the UI runs. {@link #rewind()} reads the topic again from the start (to rebuild a store).
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

    /** Drops everything stored, before the topic is read again from its earliest offsets. */
    default void clearForRewind() throws Exception {}

    /**
     * How far a rewind has got: records read of those in the topic when it began; {@code done} once
     * caught up.
     */
    default void rewindProgress(long read, long total, boolean done) {}
  }

  private final KafkaSettings kafka;
  private final String topic;
  private final String groupId;
  private final Sink sink;
  private final Thread thread;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  /** Set by {@link #rewind()}; acted on, on this thread, when partitions are next assigned. */
  private final AtomicBoolean rewind = new AtomicBoolean();

  /** While rewinding: where each partition started and where it ended when the rewind began. */
  private Map<TopicPartition, Long> rewindStart;

  private Map<TopicPartition, Long> rewindEnd;

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

  /**
   * Reads the whole topic again, from the earliest offsets Kafka still has: the sink is cleared
   * first and the re-read records are committed as usual, so a crash part-way resumes where it
   * stopped. Safe to call before {@link #start()} and from any thread; the work happens on the
   * ingest thread.
   */
  void rewind() {
    rewind.set(true);
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup(); // the loop makes a new consumer, whose assignment performs the rewind
    }
  }

  private void run() {
    long backoff = 500;
    while (running) {
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProperties())) {
        consumer = c;
        if (!running) {
          break; // close() ran before the consumer was published, so its wakeup() missed it
        }
        c.subscribe(List.of(topic), new RewindOnAssign(c));
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
          reportRewind(c);
          backoff = 500;
        }
      } catch (WakeupException e) {
        // close() asked us to stop, or rewind() to start again
      } catch (Exception e) {
        if (!running) {
          break;
        }
        LOG.warn(
            "ingest of {} from {} failed, retrying in {} ms: {}",
            topic,
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

  /**
   * Performs a requested rewind when this consumer gets its partitions, before anything is fetched.
   */
  private final class RewindOnAssign implements ConsumerRebalanceListener {
    private final KafkaConsumer<byte[], byte[]> c;

    RewindOnAssign(KafkaConsumer<byte[], byte[]> c) {
      this.c = c;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty() || !rewind.get()) {
        return;
      }
      try {
        sink.clearForRewind();
      } catch (Exception e) {
        throw new KafkaException(
            "clearing the store for a rewind failed", e); // poll throws it; we retry
      }
      c.seekToBeginning(partitions);
      rewindStart = new HashMap<>(c.beginningOffsets(partitions));
      rewindEnd = new HashMap<>(c.endOffsets(partitions));
      rewind.set(false);
      LOG.info("rewound {} to the earliest offsets {} (end {})", topic, rewindStart, rewindEnd);
    }
  }

  /** While rewinding, tells the sink how far it has got, and when it has caught up. */
  private void reportRewind(KafkaConsumer<byte[], byte[]> c) {
    if (rewindEnd == null) {
      return;
    }
    long read = 0;
    long total = 0;
    boolean done = true;
    for (Map.Entry<TopicPartition, Long> e : rewindEnd.entrySet()) {
      long start = rewindStart.getOrDefault(e.getKey(), 0L);
      long position = c.assignment().contains(e.getKey()) ? c.position(e.getKey()) : start;
      read += Math.max(0, Math.min(position, e.getValue()) - start);
      total += e.getValue() - start;
      done &= position >= e.getValue();
    }
    sink.rewindProgress(read, total, done);
    if (done) {
      rewindStart = null;
      rewindEnd = null;
    }
  }

  /** Decodes every record; a malformed one is logged with topic, partition and offset, and skipped. */
  static <T> List<T> decodeEach(ConsumerRecords<byte[], byte[]> records, Function<byte[], T> decoder) {
    List<T> out = new ArrayList<>(records.count());
    for (ConsumerRecord<byte[], byte[]> r : records) {
      try {
        out.add(decoder.apply(r.value() == null ? new byte[0] : r.value()));
      } catch (EventCodec.MalformedEventException e) {
        LOG.warn(
            "skipping malformed record at {}-{} offset {}: {}",
            r.topic(),
            r.partition(),
            r.offset(),
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
