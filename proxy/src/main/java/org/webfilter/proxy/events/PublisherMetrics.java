package org.webfilter.proxy.events;

import java.util.Arrays;
import java.util.Locale;

/**
 * A snapshot of what the event pipeline did with every event since it started, so operators can see
 * (and alert on) loss: every accepted access event is eventually acknowledged, spooled or dropped, and
 * {@code dropped} should stay 0 (a suggested Prometheus alert: {@code
 * increase(webfilter_events_dropped_total[5m]) > 0}).
 *
 * <p>Counts are of Kafka records (access events and alerts) unless named otherwise.
 *
 * @param accepted access events taken by {@code publish()}
 * @param alerts alert records raised by the alert rules
 * @param produced records handed to the Kafka producer (a replayed record counts again when resent)
 * @param acknowledged records the brokers acknowledged (direct and replayed)
 * @param failed records the producer reported failed or refused; each was spooled, or else dropped
 * @param spooled records written to the disk spool
 * @param replayed records from the spool that the brokers acknowledged
 * @param dropped records lost: in-memory queue full, spool full, disk full, or no spool configured
 * @param spoolDamaged damaged places found in the spool (each reported in the log with file and offset)
 * @param spoolBytes bytes on disk in spool segments now
 * @param queued access events waiting in memory now
 * @param latency send-to-acknowledgement latency of acknowledged records
 */
public record PublisherMetrics(
    long accepted,
    long alerts,
    long produced,
    long acknowledged,
    long failed,
    long spooled,
    long replayed,
    long dropped,
    long spoolDamaged,
    long spoolBytes,
    long queued,
    Latency latency) {

  /**
   * A histogram: {@code counts[i]} records took at most {@code bounds[i]} seconds (and more than the
   * bound before); the last count is above every bound.
   */
  public record Latency(double[] bounds, long[] counts, double sumSeconds) {
    public long count() {
      return Arrays.stream(counts).sum();
    }

    /** An upper bound of the {@code q} quantile (0..1), in seconds; +Inf when beyond the last bound. */
    public double quantileUpperBound(double q) {
      long total = count();
      long seen = 0;
      for (int i = 0; i < counts.length; i++) {
        seen += counts[i];
        if (total > 0 && seen >= Math.ceil(q * total)) {
          return i < bounds.length ? bounds[i] : Double.POSITIVE_INFINITY;
        }
      }
      return 0;
    }
  }

  /** The Prometheus text exposition format (version 0.0.4) of this snapshot, for {@code /metrics}. */
  public String prometheusText() {
    StringBuilder sb = new StringBuilder(2048);
    counter(sb, "accepted", "Access events accepted by the proxy's publish().", accepted);
    counter(sb, "alerts", "Safeguarding alert records raised by the alert rules.", alerts);
    counter(sb, "produced", "Records handed to the Kafka producer (replays count again).", produced);
    counter(sb, "acknowledged", "Records acknowledged by Kafka.", acknowledged);
    counter(sb, "failed", "Records the Kafka producer failed or refused (then spooled or dropped).", failed);
    counter(sb, "spooled", "Records written to the disk spool.", spooled);
    counter(sb, "replayed", "Records replayed from the disk spool and acknowledged by Kafka.", replayed);
    counter(sb, "dropped", "Records lost: queue full, spool full, disk full or no spool. Should stay 0.", dropped);
    counter(sb, "spool_damaged", "Damaged places found in spool segments (see the log for file and offset).",
        spoolDamaged);
    gauge(sb, "spool_bytes", "Bytes in disk spool segments.", spoolBytes);
    gauge(sb, "queued", "Access events waiting in memory.", queued);
    String name = "webfilter_events_producer_latency_seconds";
    sb.append("# HELP ").append(name).append(" Time from send to Kafka acknowledgement.\n");
    sb.append("# TYPE ").append(name).append(" histogram\n");
    long cumulative = 0;
    for (int i = 0; i < latency.counts().length; i++) {
      cumulative += latency.counts()[i];
      String le = i < latency.bounds().length ? number(latency.bounds()[i]) : "+Inf";
      sb.append(name).append("_bucket{le=\"").append(le).append("\"} ").append(cumulative).append('\n');
    }
    sb.append(name).append("_sum ").append(number(latency.sumSeconds())).append('\n');
    sb.append(name).append("_count ").append(cumulative).append('\n');
    return sb.toString();
  }

  private static void counter(StringBuilder sb, String name, String help, long value) {
    String full = "webfilter_events_" + name + "_total";
    sb.append("# HELP ").append(full).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(full).append(" counter\n");
    sb.append(full).append(' ').append(value).append('\n');
  }

  private static void gauge(StringBuilder sb, String name, String help, long value) {
    String full = "webfilter_events_" + name;
    sb.append("# HELP ").append(full).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(full).append(" gauge\n");
    sb.append(full).append(' ').append(value).append('\n');
  }

  private static String number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.format(Locale.ROOT, "%s", d);
  }
}
