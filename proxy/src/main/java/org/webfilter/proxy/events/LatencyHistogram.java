package org.webfilter.proxy.events;

import java.util.concurrent.atomic.LongAdder;

/** Send-to-acknowledgement latency in fixed buckets, cheap enough to record on every ack. */
final class LatencyHistogram {
  /** Upper bounds in seconds, Prometheus style; the last bucket is +Inf. */
  static final double[] BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
  private final LongAdder sumNanos = new LongAdder();

  LatencyHistogram() {
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = new LongAdder();
    }
  }

  void record(long nanos) {
    double seconds = nanos / 1e9;
    int i = 0;
    while (i < BOUNDS.length && seconds > BOUNDS[i]) {
      i++;
    }
    buckets[i].increment();
    sumNanos.add(nanos);
  }

  PublisherMetrics.Latency snapshot() {
    long[] counts = new long[buckets.length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = buckets[i].sum();
    }
    return new PublisherMetrics.Latency(BOUNDS.clone(), counts, sumNanos.sum() / 1e9);
  }
}
