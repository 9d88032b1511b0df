package org.webfilter.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.webfilter.events.AccessEvent;

/** Keeps what the proxy publishes, for tests to wait on. */
final class CollectingSink implements EventSink {
  private final LinkedBlockingQueue<AccessEvent> events = new LinkedBlockingQueue<>();
  private final List<AccessEvent> seen = new ArrayList<>();

  @Override
  public void publish(AccessEvent e) {
    events.add(e);
  }

  /** The first event (in publication order) matching, waiting up to 30 s (shared build machines). */
  synchronized AccessEvent await(Predicate<AccessEvent> match) throws InterruptedException {
    for (AccessEvent e : seen) {
      if (match.test(e)) {
        return e;
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      long left = deadline - System.nanoTime();
      AccessEvent e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
      if (e == null) {
        throw new AssertionError("no matching event in 30 s; seen: " + seen);
      }
      seen.add(e);
      if (match.test(e)) {
        return e;
      }
    }
  }
}
