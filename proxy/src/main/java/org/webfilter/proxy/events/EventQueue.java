package org.webfilter.proxy.events;

import io.netty.util.internal.PlatformDependent;
import java.util.List;
import java.util.Queue;
import org.webfilter.events.AccessEvent;

/**
 * The bounded hand-over from the event loops (many producers) to the publisher thread (one consumer),
 * without a lock. A locked queue ({@code ArrayBlockingQueue}) parked an event loop for up to
 * milliseconds whenever the publisher was descheduled while holding the lock mid-drain: every
 * request on that loop waited (measured with JFR, docs/benchmarks.md, "Proxy under load").
 */
final class EventQueue {
  private final Queue<AccessEvent> queue;
  private final int capacity;

  EventQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("queue capacity must be at least 1: " + capacity);
    }
    this.capacity = capacity;
    // Netty's array-backed MPSC queue (JCTools): no lock, no allocation per offer; its array is
    // rounded up to a power of two, so the bound is checked here
    this.queue = PlatformDependent.newFixedMpscQueue(capacity);
  }

  /**
   * Adds {@code e} unless the queue holds {@code capacity} events; never blocks. Producers racing
   * at the bound may together overshoot it by fewer events than there are producers.
   */
  boolean offer(AccessEvent e) {
    return queue.size() < capacity && queue.offer(e);
  }

  /** Moves up to {@code max} events to {@code into}, oldest first (consumer thread only). */
  void drainTo(List<AccessEvent> into, int max) {
    AccessEvent e;
    for (int i = 0; i < max && (e = queue.poll()) != null; i++) {
      into.add(e);
    }
  }

  int size() {
    return queue.size();
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }
}
