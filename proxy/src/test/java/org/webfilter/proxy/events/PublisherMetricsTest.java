package org.webfilter.proxy.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PublisherMetricsTest {

  @Test
  void prometheusText_hasEveryCounterGaugeAndACumulativeLatencyHistogram() {
    Counters c = new Counters();
    c.accepted.add(10);
    c.acknowledged.add(9);
    c.dropped(1, "a test");
    c.latency.record(TimeUnit.MICROSECONDS.toNanos(500));
    c.latency.record(TimeUnit.MILLISECONDS.toNanos(20));
    c.latency.record(TimeUnit.SECONDS.toNanos(100));
    PublisherMetrics m = c.snapshot(4096, 3);
    String text = m.prometheusText();

    assertTrue(text.contains("# TYPE webfilter_events_accepted_total counter\nwebfilter_events_accepted_total 10\n"), text);
    assertTrue(text.contains("\nwebfilter_events_acknowledged_total 9\n"), text);
    assertTrue(text.contains("\nwebfilter_events_dropped_total 1\n"), text);
    assertTrue(text.contains("# TYPE webfilter_events_spool_bytes gauge\nwebfilter_events_spool_bytes 4096\n"), text);
    assertTrue(text.contains("\nwebfilter_events_queued 3\n"), text);
    for (String name : new String[] {"alerts", "produced", "failed", "spooled", "replayed", "spool_damaged"}) {
      assertTrue(text.contains("\nwebfilter_events_" + name + "_total 0\n"), name + " in\n" + text);
    }
    assertTrue(text.contains("webfilter_events_producer_latency_seconds_bucket{le=\"0.001\"} 1\n"), text);
    assertTrue(text.contains("webfilter_events_producer_latency_seconds_bucket{le=\"0.025\"} 2\n"), text);
    assertTrue(text.contains("webfilter_events_producer_latency_seconds_bucket{le=\"60\"} 2\n"), text);
    assertTrue(text.contains("webfilter_events_producer_latency_seconds_bucket{le=\"+Inf\"} 3\n"), text);
    assertTrue(text.contains("webfilter_events_producer_latency_seconds_count 3\n"), text);
    assertTrue(text.endsWith("\n"));
    assertEquals(3, m.latency().count());
    assertEquals(0.025, m.latency().quantileUpperBound(0.5));
  }
}
