package org.webfilter.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.ReviewRequest;
import org.webfilter.policy.config.KafkaSettings;
import org.webfilter.proxy.events.AlertRules;
import org.webfilter.proxy.events.EventPipeline;
import org.webfilter.proxy.events.PublisherMetrics;
import org.webfilter.proxy.events.PublisherOptions;

/**
 * The proxy's {@link EventSink} in production: publishes access events to Kafka, and the alerts they
 * raise to the alerts topic, without ever blocking the caller. {@link #publish} only offers the event to
 * a bounded in-memory queue; everything else happens on the {@link EventPipeline}'s threads, which
 * spool to disk while Kafka is unreachable or slow and replay in order when it is back (see there).
 *
 * <p>The record key is {@link AccessEvent#key()} (user, else client IP), so one pupil's events stay in
 * order; the value is {@link org.webfilter.events.EventCodec#encode}.
 */
public final class KafkaEventPublisher implements EventSink, AutoCloseable {
  static final int DEFAULT_CAPACITY = 100_000;

  private final EventPipeline pipeline;

  private KafkaEventPublisher(EventPipeline pipeline) {
    this.pipeline = pipeline;
  }

  /**
   * A publisher with the default alert rules and <b>no disk spool</b>: events Kafka cannot take are
   * dropped and counted. Prefer {@link #start(KafkaSettings, Path)}.
   */
  public static KafkaEventPublisher start(KafkaSettings settings) {
    return start(settings, PublisherOptions.defaults(null), AlertRules.defaults());
  }

  /**
   * A publisher with the default options and alert rules, spooling to {@code spoolDir} (the app passes
   * {@code <data-dir>/spool}) and replaying what an earlier run left there.
   *
   * @throws UncheckedIOException when the spool directory cannot be created or read
   */
  public static KafkaEventPublisher start(KafkaSettings settings, Path spoolDir) {
    return start(settings, PublisherOptions.defaults(spoolDir), AlertRules.defaults());
  }

  /**
   * A publisher with explicit options and alert rules.
   *
   * @throws UncheckedIOException when the spool directory cannot be created or read
   */
  public static KafkaEventPublisher start(KafkaSettings settings, PublisherOptions options, AlertRules alerts) {
    try {
      return new KafkaEventPublisher(EventPipeline.start(settings, options, alerts));
    } catch (IOException e) {
      throw new UncheckedIOException("event spool " + options.spoolDir() + ": " + e.getMessage(), e);
    }
  }

  static KafkaEventPublisher start(KafkaSettings settings, int capacity) {
    return start(settings, PublisherOptions.defaults(null).withQueueCapacity(capacity).withCreateTopics(false),
        AlertRules.defaults());
  }

  @Override
  public void publish(AccessEvent event) {
    pipeline.offer(event);
  }

  /** Published to {@link org.webfilter.events.Topics#REVIEWS}, spooled like access events. */
  @Override
  public boolean publishReview(ReviewRequest request) {
    return pipeline.offerReview(request);
  }

  @Override
  public boolean takesReviews() {
    return true;
  }

  /** Counters and gauges for {@code /metrics}: {@code metrics().prometheusText()}. */
  public PublisherMetrics metrics() {
    return pipeline.metrics();
  }

  /** Records handed to the Kafka producer. */
  public long published() {
    return metrics().produced();
  }

  /** Records the broker acknowledged. */
  public long acknowledged() {
    return metrics().acknowledged();
  }

  /** Records the producer failed or refused. */
  public long failed() {
    return metrics().failed();
  }

  /** Records dropped (queue full, spool full, no spool, or the publisher closed). */
  public long dropped() {
    return metrics().dropped();
  }

  /** Events waiting in the queue. */
  public int queued() {
    return (int) metrics().queued();
  }

  /** Sends or spools what is queued, then closes the producer and the spool. */
  @Override
  public void close() {
    pipeline.close();
  }
}
