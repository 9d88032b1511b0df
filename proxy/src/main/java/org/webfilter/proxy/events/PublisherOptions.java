package org.webfilter.proxy.events;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the event pipeline buffers: the in-memory queue in front of Kafka and the disk spool behind it.
 * The defaults suit a school's proxy (thousands of events per second, outages of hours); {@link
 * #defaults(Path)} is what the app uses with {@code <data-dir>/spool}.
 *
 * @param spoolDir the spool directory; null means no spool (events Kafka cannot take are dropped)
 * @param spoolMaxBytes the most the spool may hold on disk; beyond it events are dropped, counted and
 *     logged (default 1 GiB, about 1.5 million events)
 * @param segmentBytes size at which a spool segment is closed and a new one started (default 64 MiB)
 * @param fsyncInterval longest time spooled bytes wait for an fsync (default 200 ms; zero: every batch)
 * @param queueCapacity events held in memory before {@code publish()} drops (default 100,000)
 * @param highWaterMark queued events above which the publisher thread writes to the spool instead of
 *     Kafka, because Kafka is not keeping up (default 50,000)
 * @param stallTimeout records in flight with no acknowledgement for this long mean Kafka is unreachable
 *     or stuck: new events go to the spool (default 3 s)
 * @param replayBatch records replayed from the spool per round trip (default 20,000)
 * @param createTopics whether to create the access and alerts topics on start when missing
 */
public record PublisherOptions(
    Path spoolDir,
    long spoolMaxBytes,
    long segmentBytes,
    Duration fsyncInterval,
    int queueCapacity,
    int highWaterMark,
    Duration stallTimeout,
    int replayBatch,
    boolean createTopics) {

  public PublisherOptions {
    List<String> errors = new ArrayList<>();
    if (spoolMaxBytes < 1 << 20) {
      errors.add("spoolMaxBytes: " + spoolMaxBytes + " (expected: at least 1 MiB)");
    }
    if (segmentBytes < 64 << 10 || segmentBytes > 1L << 30) {
      errors.add("segmentBytes: " + segmentBytes + " (expected: 64 KiB - 1 GiB)");
    }
    if (fsyncInterval == null || fsyncInterval.isNegative()) {
      errors.add("fsyncInterval: " + fsyncInterval + " (expected: zero or more)");
    }
    if (queueCapacity < 1) {
      errors.add("queueCapacity: " + queueCapacity + " (expected: 1 or more)");
    }
    if (highWaterMark < 0 || highWaterMark > queueCapacity) {
      errors.add("highWaterMark: " + highWaterMark + " (expected: 0 - queueCapacity " + queueCapacity + ")");
    }
    if (stallTimeout == null || stallTimeout.isNegative() || stallTimeout.isZero()) {
      errors.add("stallTimeout: " + stallTimeout + " (expected: more than zero)");
    }
    if (replayBatch < 1) {
      errors.add("replayBatch: " + replayBatch + " (expected: 1 or more)");
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("event publisher options: " + String.join("; ", errors));
    }
  }

  /** The defaults, spooling to {@code spoolDir} (null: no spool). */
  public static PublisherOptions defaults(Path spoolDir) {
    return new PublisherOptions(
        spoolDir, 1L << 30, 64L << 20, Duration.ofMillis(200), 100_000, 50_000, Duration.ofSeconds(3), 20_000, true);
  }

  public PublisherOptions withSpoolMaxBytes(long bytes) {
    return new PublisherOptions(spoolDir, bytes, segmentBytes, fsyncInterval, queueCapacity, highWaterMark, stallTimeout, replayBatch, createTopics);
  }

  public PublisherOptions withSegmentBytes(long bytes) {
    return new PublisherOptions(spoolDir, spoolMaxBytes, bytes, fsyncInterval, queueCapacity, highWaterMark,
        stallTimeout, replayBatch, createTopics);
  }

  public PublisherOptions withFsyncInterval(Duration interval) {
    return new PublisherOptions(spoolDir, spoolMaxBytes, segmentBytes, interval, queueCapacity, highWaterMark,
        stallTimeout, replayBatch, createTopics);
  }

  /** The queue capacity, with the high-water mark at half of it. */
  public PublisherOptions withQueueCapacity(int capacity) {
    return new PublisherOptions(spoolDir, spoolMaxBytes, segmentBytes, fsyncInterval, capacity, capacity / 2,
        stallTimeout, replayBatch, createTopics);
  }

  public PublisherOptions withStallTimeout(Duration timeout) {
    return new PublisherOptions(spoolDir, spoolMaxBytes, segmentBytes, fsyncInterval, queueCapacity, highWaterMark,
        timeout, replayBatch, createTopics);
  }

  public PublisherOptions withCreateTopics(boolean create) {
    return new PublisherOptions(spoolDir, spoolMaxBytes, segmentBytes, fsyncInterval, queueCapacity, highWaterMark,
        stallTimeout, replayBatch, create);
  }
}
