package org.webfilter.proxy.events;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The Kafka side of the pipeline: sends records without waiting, counts what happens to them, keeps
 * records that failed after being handed over for the spool, and judges whether Kafka is keeping up
 * (records in flight but no acknowledgement for the stall timeout means it is not).
 */
final class Sender {
  private final Producer<String, byte[]> producer;
  private final String accessTopic;
  private final String alertsTopic;
  private final Counters counters;
  private final long stallNanos;
  private final boolean spooling;
  private final AtomicLong inFlight = new AtomicLong();
  private volatile long lastProgressNanos = System.nanoTime();
  private final Queue<OutRecord> failed = new ConcurrentLinkedQueue<>();

  Sender(Producer<String, byte[]> producer, String accessTopic, String alertsTopic, Counters counters,
      long stallNanos, boolean spooling) {
    this.producer = producer;
    this.accessTopic = accessTopic;
    this.alertsTopic = alertsTopic;
    this.counters = counters;
    this.stallNanos = stallNanos;
    this.spooling = spooling;
  }

  private String topic(OutRecord r) {
    return switch (r.kind()) {
      case ACCESS -> accessTopic;
      case ALERT -> alertsTopic;
      case REVIEW -> org.webfilter.events.Topics.REVIEWS;
    };
  }

  /**
   * Hands {@code r} to the producer. A later failure queues it for the spool ({@link #takeFailed}) or,
   * without a spool, drops it.
   *
   * @return false when the producer refused it at once (no metadata, no buffer space): the caller keeps it
   */
  boolean send(OutRecord r) {
    long start = System.nanoTime();
    if (inFlight.getAndIncrement() == 0) {
      lastProgressNanos = start;
    }
    String topic = topic(r);
    try {
      producer.send(
          new ProducerRecord<>(topic, r.key(), r.value()),
          (metadata, error) -> {
            inFlight.decrementAndGet();
            if (error == null) {
              long now = System.nanoTime();
              lastProgressNanos = now;
              counters.acknowledged.increment();
              counters.latency.record(now - start);
            } else {
              counters.sendFailed(topic, error);
              if (spooling) {
                failed.add(r);
              } else {
                counters.dropped(1, "Kafka failed it and there is no spool: " + error);
              }
            }
          });
      counters.produced.increment();
      return true;
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      counters.sendFailed(topic, e);
      return false;
    }
  }

  /**
   * Sends a batch read from the spool; the result completes when Kafka acknowledged all of it or any
   * of it failed. Stops sending at the first refusal or immediate failure.
   */
  Replay replay(List<OutRecord> batch) {
    Replay replay = new Replay(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      OutRecord r = batch.get(i);
      long start = System.nanoTime();
      String topic = topic(r);
      try {
        producer.send(
            new ProducerRecord<>(topic, r.key(), r.value()),
            (metadata, error) -> {
              if (error == null) {
                counters.acknowledged.increment();
                counters.latency.record(System.nanoTime() - start);
              } else {
                counters.sendFailed(topic, error);
                replay.failed.set(true);
              }
              replay.pending.countDown();
            });
        counters.produced.increment();
      } catch (RuntimeException e) {
        counters.sendFailed(topic, e);
        replay.failed.set(true);
        for (int j = i; j < batch.size(); j++) {
          replay.pending.countDown();
        }
        break;
      }
      if (replay.failed.get()) {
        // failed at once (no metadata: after blocking max.block.ms): the batch is retried later
        // anyway, so do not block again for every other record of it
        for (int j = i + 1; j < batch.size(); j++) {
          replay.pending.countDown();
        }
        break;
      }
    }
    return replay;
  }

  /** The outcome of one replayed batch. */
  static final class Replay {
    final CountDownLatch pending;
    final AtomicBoolean failed = new AtomicBoolean();

    Replay(int records) {
      pending = new CountDownLatch(records);
    }

    /** True when every record has an outcome; waits at most {@code millis}. */
    boolean await(long millis) throws InterruptedException {
      return pending.await(millis, TimeUnit.MILLISECONDS);
    }

    boolean succeeded() {
      return pending.getCount() == 0 && !failed.get();
    }
  }

  /** True when records are in flight and Kafka has acknowledged none for the stall timeout. */
  boolean stalled() {
    return inFlight.get() > 0 && System.nanoTime() - lastProgressNanos > stallNanos;
  }

  /** Records that failed after being handed to the producer, oldest first; removes them. */
  List<OutRecord> takeFailed() {
    List<OutRecord> out = new java.util.ArrayList<>();
    for (OutRecord r; (r = failed.poll()) != null; ) {
      out.add(r);
    }
    return out;
  }

  boolean hasFailed() {
    return !failed.isEmpty();
  }
}
