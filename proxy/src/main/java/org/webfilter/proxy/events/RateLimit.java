package org.webfilter.proxy.events;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** True at most once per interval, across threads: keeps a loud log line from flooding the log. */
final class RateLimit {
  static final long TEN_SECONDS = TimeUnit.SECONDS.toNanos(10);

  private final long intervalNanos;
  private final AtomicLong next = new AtomicLong(System.nanoTime());

  RateLimit(long intervalNanos) {
    this.intervalNanos = intervalNanos;
  }

  boolean due() {
    long now = System.nanoTime();
    long n = next.get();
    return now - n >= 0 && next.compareAndSet(n, now + intervalNanos);
  }
}
