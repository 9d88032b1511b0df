package org.webfilter.proxy.events;

import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's live counters, and the one place that logs loss and damage: drops and I/O failures
 * at ERROR at most once per 10 s each (with the running total), every damaged spool place once.
 */
final class Counters implements Spool.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);

  final LongAdder accepted = new LongAdder();
  final LongAdder alerts = new LongAdder();
  final LongAdder produced = new LongAdder();
  final LongAdder acknowledged = new LongAdder();
  final LongAdder failed = new LongAdder();
  final LongAdder spooled = new LongAdder();
  final LongAdder replayed = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder damaged = new LongAdder();
  final LatencyHistogram latency = new LatencyHistogram();
  final LossAlerts losses = new LossAlerts(java.time.Clock.systemUTC());
  private final RateLimit dropLog = new RateLimit(RateLimit.TEN_SECONDS);
  private final RateLimit failLog = new RateLimit(RateLimit.TEN_SECONDS);
  private final RateLimit ioLog = new RateLimit(RateLimit.TEN_SECONDS);

  @Override
  public void dropped(int records, String why) {
    if (records <= 0) {
      return;
    }
    dropped.add(records);
    losses.dropped(records, why);
    if (dropLog.due()) {
      LOG.error(
          "ACCESS EVENTS LOST: {} record(s) dropped because {}; {} dropped since start "
              + "(webfilter_events_dropped_total). Free disk space or raise the spool limit.",
          records,
          why,
          dropped.sum());
    }
  }

  @Override
  public void damaged(Path file, long offset, String what, long resumedAt) {
    damaged.increment();
    LOG.error(
        "damaged spool record in {} at offset {}: {}; skipped to offset {}, the records around it are delivered",
        file,
        offset,
        what,
        resumedAt);
  }

  @Override
  public void ioFailure(String what) {
    if (ioLog.due()) {
      LOG.error("event spool: {}", what);
    }
  }

  /** A send that failed or was refused; the caller spools the record (or drops it without a spool). */
  void sendFailed(String topic, Exception error) {
    failed.increment();
    if (failLog.due()) {
      LOG.warn(
          "Kafka is not taking events for {} ({} failed so far; they are spooled to disk): {}",
          topic,
          failed.sum(),
          error.toString());
    }
  }

  PublisherMetrics snapshot(long spoolBytes, long queued) {
    return new PublisherMetrics(
        accepted.sum(),
        alerts.sum(),
        produced.sum(),
        acknowledged.sum(),
        failed.sum(),
        spooled.sum(),
        replayed.sum(),
        dropped.sum(),
        damaged.sum(),
        spoolBytes,
        queued,
        latency.snapshot());
  }
}
