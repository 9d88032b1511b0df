package org.webfilter.proxy.events;

import java.io.IOException;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Queue;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.ReviewRequest;
import org.webfilter.policy.config.KafkaSettings;

/**
 * Gets every access event (and the alerts it raises) into Kafka, however Kafka behaves, without ever
 * making the caller wait. A safeguarding log with holes is worse than none, so the design is:
 *
 * <ol>
 *   <li>{@link #offer} only puts the event on a bounded in-memory queue (safe on a Netty event loop);
 *   <li>one publisher thread encodes queued events and sends them with an idempotent, {@code acks=all}
 *       producer, keyed by {@link AccessEvent#key()} so one pupil's events stay in order;
 *   <li>when Kafka is unreachable or slow (a send is refused or fails, nothing acknowledged for the stall
 *       timeout, the queue above its high-water mark) events go to a disk spool of checksummed,
 *       append-only segments instead, and keep going there until the spool is empty again, so order is
 *       kept;
 *   <li>a replay thread sends the spool's records in order, and commits them only once Kafka has
 *       acknowledged them; a segment is deleted when all of it is acknowledged. The spool survives a
 *       restart: whatever was spooled and not acknowledged is replayed by the next pipeline on the
 *       same directory.
 * </ol>
 *
 * Delivery is at least once: a record may arrive twice after a failure or an unclean stop, and
 * consumers deduplicate by {@code eventId}. Events are dropped only when the queue or the spool (or the
 * disk) is full; each drop is counted ({@link PublisherMetrics#dropped()}) and logged at ERROR at most
 * every 10 s. Events still in the producer's memory at a crash (at most a few seconds' worth while
 * Kafka is healthy) are lost; {@link #close} spools them.
 */
public final class EventPipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);
  private static final Duration JOIN_WAIT = Duration.ofSeconds(30);

  private final EventQueue queue;
  private final Counters counters = new Counters();
  private final Producer<String, byte[]> producer;
  private final Spool spool;
  private final Sender sender;
  private final PublisherLoop loop;
  private final Queue<ReviewRequest> reviews;
  private final Replayer replayer;
  private final Thread loopThread;
  private final Thread replayThread;
  private volatile boolean closed;

  private EventPipeline(KafkaSettings settings, PublisherOptions options, AlertRules alerts) throws IOException {
    this.queue = new EventQueue(options.queueCapacity());
    this.reviews = new java.util.concurrent.ConcurrentLinkedQueue<>();
    this.spool =
        options.spoolDir() == null
            ? null
            : Spool.open(options.spoolDir(), options.spoolMaxBytes(), options.segmentBytes(),
                options.fsyncInterval(), counters);
    try {
      this.producer =
          new KafkaProducer<>(ProducerConfigs.forEvents(settings), new StringSerializer(), new ByteArraySerializer());
    } catch (RuntimeException e) {
      if (spool != null) {
        spool.close();
      }
      throw e;
    }
    this.sender = new Sender(producer, settings.accessTopic(), settings.alertsTopic(), counters,
        options.stallTimeout().toNanos(), spool != null);
    this.loop = new PublisherLoop(queue, reviews, sender, spool, alerts, counters, options.highWaterMark(),
        options.createTopics() ? settings : null);
    this.replayer = spool == null ? null : new Replayer(spool, sender, counters, options.replayBatch());
    this.loopThread = new Thread(loop, "webfilter-event-publisher");
    this.loopThread.setDaemon(true);
    this.replayThread = replayer == null ? null : new Thread(replayer, "webfilter-event-replayer");
    if (replayThread != null) {
      replayThread.setDaemon(true);
    }
  }

  /**
   * Starts a pipeline to {@code settings.bootstrap()}: access events to {@code settings.accessTopic()},
   * alerts matching {@code alerts} to {@code settings.alertsTopic()}. Spooled records left by an
   * earlier run in {@code options.spoolDir()} are replayed first.
   *
   * @throws IOException when the spool directory cannot be created or read
   * @throws IllegalArgumentException when {@code settings.bootstrap()} is empty
   */
  public static EventPipeline start(KafkaSettings settings, PublisherOptions options, AlertRules alerts)
      throws IOException {
    if (settings.embedded()) {
      throw new IllegalArgumentException("kafka.bootstrap: empty (expected: host:port,...)");
    }
    EventPipeline p = new EventPipeline(settings, options, alerts);
    if (p.spool == null) {
      LOG.warn("no event spool configured: access events are dropped while Kafka is unreachable");
    } else if (p.spool.hasBacklog()) {
      LOG.info("event spool in {} holds {} bytes from an earlier run; replaying them", options.spoolDir(),
          p.spool.bytes());
    }
    p.loopThread.start();
    if (p.replayThread != null) {
      p.replayThread.start();
    }
    return p;
  }

  /**
   * Queues one event without blocking; false (and counted as dropped) when the queue is full or the
   * pipeline closed.
   */
  public boolean offer(AccessEvent event) {
    if (closed || !queue.offer(event)) {
      counters.dropped(1, closed ? "the event publisher is closed" : "the in-memory event queue is full");
      return false;
    }
    counters.accepted.increment();
    return true;
  }

  /**
   * Queues a pupil's review request without blocking; it goes the way access events go (spooled while
   * Kafka is away). Requests are rare and rate-limited by the proxy, so this queue has no bound of its
   * own. False when the pipeline is closed.
   */
  public boolean offerReview(ReviewRequest request) {
    if (closed) {
      return false;
    }
    reviews.add(request);
    return true;
  }

  /** Events waiting in memory (cheaper than {@link #metrics()}). */
  int queued() {
    return queue.size();
  }

  /** What happened to the events so far. Cheap; safe from any thread. */
  public PublisherMetrics metrics() {
    return counters.snapshot(spool == null ? 0 : spool.bytes(), queue.size());
  }

  /**
   * Sends or spools what is queued, gives Kafka up to 10 s (1 s when it is unreachable) to acknowledge
   * what it holds, spools whatever it did not take, and closes the spool. Events offered afterwards are
   * dropped.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    loop.stop();
    join(loopThread);
    if (replayer != null) {
      replayer.stop();
    }
    boolean healthy = !sender.stalled() && (spool == null || !spool.hasBacklog());
    producer.close(healthy ? Duration.ofSeconds(10) : Duration.ofSeconds(1));
    if (replayThread != null) {
      join(replayThread);
    }
    if (spool != null) {
      counters.spooled.add(spool.append(sender.takeFailed()));
      spool.close();
    }
    int left = queue.size();
    if (left > 0) {
      counters.dropped(left, "the event publisher closed before sending them");
    }
  }

  private static void join(Thread t) {
    try {
      t.join(JOIN_WAIT.toMillis());
      if (t.isAlive()) {
        t.interrupt();
        t.join(1_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
