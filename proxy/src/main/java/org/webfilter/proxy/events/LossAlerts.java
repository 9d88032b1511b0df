package org.webfilter.proxy.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.AlertEvent;

/**
 * Turns lost access events into an operational alert for the alerts inbox: a safeguarding log with a
 * hole must say so where the DSL looks, not only in the server log and {@code /metrics}.
 *
 * <p>Drops are summed as they happen (any thread); the publisher thread asks for the alert only when
 * Kafka is taking records again (a loss usually means Kafka and the spool both failed), at most once a
 * minute, so an outage yields a few alerts with running totals rather than one per record.
 *
 * <p>The alert's triggering event is a synthetic one: role {@code system}, rule {@code
 * proxy.events-dropped}, decision {@code LOG}, and the count, reason and time span in {@code reason}.
 */
final class LossAlerts {
  static final String KIND = "events-dropped";
  static final Duration MIN_INTERVAL = Duration.ofMinutes(1);

  private final Clock clock;
  private long pending;
  private String firstWhy;
  private Instant firstAt;
  private Instant lastAlertAt;

  LossAlerts(Clock clock) {
    this.clock = clock;
  }

  /** Records {@code records} lost because {@code why}. */
  synchronized void dropped(int records, String why) {
    if (records <= 0) {
      return;
    }
    if (pending == 0) {
      firstWhy = why;
      firstAt = clock.instant();
    }
    pending += records;
  }

  /** The alert summing the losses since the last one, if any are pending and one is due. */
  synchronized Optional<AlertEvent> take() {
    Instant now = clock.instant();
    if (pending == 0 || (lastAlertAt != null && now.isBefore(lastAlertAt.plus(MIN_INTERVAL)))) {
      return Optional.empty();
    }
    String reason = pending + " access event(s) lost since " + firstAt + " because " + firstWhy
        + "; the access log has a gap for this period";
    AccessEvent synthetic = new AccessEvent(AccessEvent.SCHEMA_VERSION, UUID.randomUUID(), now, null,
        "system", "-", null, null, null, null, 0, null, null, List.of(), AccessEvent.Verdict.LOG,
        "proxy.events-dropped", reason, 0, 0, 0, 0, false, null);
    pending = 0;
    lastAlertAt = now;
    return Optional.of(AlertEvent.of(AlertEvent.Severity.CRITICAL, KIND, synthetic));
  }
}
