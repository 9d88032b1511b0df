package org.webfilter.ui;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes access events older than {@code ui.retention-days} from the index: at start and then
 * daily, so personal data is not kept longer than the school's retention policy says. Every run is
 * audited (actor {@code system}) with the cutoff and the count, as evidence that retention is
 * enforced. Time comes from the injected clock, so tests move it instead of waiting.
 */
final class RetentionPurge implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionPurge.class);
  static final Duration INTERVAL = Duration.ofDays(1);

  /** The outcome of the last run. */
  record Run(Instant at, Instant cutoff, long deleted) {}

  private final EventStore store;
  private final AuditLog audit;
  private final Clock clock;
  private final int days;
  private volatile Run last;

  RetentionPurge(EventStore store, AuditLog audit, Clock clock, int days) {
    if (days < 1) {
      throw new IllegalArgumentException("retention days: " + days + " (expected: at least 1)");
    }
    this.store = store;
    this.audit = audit;
    this.clock = clock;
    this.days = days;
  }

  int days() {
    return days;
  }

  /** The oldest time an event may have and stay. */
  Instant cutoff() {
    return clock.instant().minus(Duration.ofDays(days));
  }

  /** Purges now. @return how many events were deleted */
  long purge() throws IOException {
    Instant now = clock.instant();
    Instant cutoff = now.minus(Duration.ofDays(days));
    long deleted = store.deleteOlderThan(cutoff);
    Map<String, String> d = new LinkedHashMap<>();
    d.put("deleted", Long.toString(deleted));
    d.put("cutoff", cutoff.toString());
    d.put("retentionDays", Integer.toString(days));
    audit.record("system", "events.purge", d);
    last = new Run(now, cutoff, deleted);
    LOG.info("retention: deleted {} events older than {} ({} days)", deleted, cutoff, days);
    return deleted;
  }

  /** For the scheduler: a failed run is logged and retried at the next one, never thrown. */
  @Override
  public void run() {
    try {
      purge();
    } catch (IOException | RuntimeException e) {
      LOG.warn("retention purge failed, will retry in {}: {}", INTERVAL, e.toString());
    }
  }

  /** The last run, or null before the first. */
  Run last() {
    return last;
  }
}
