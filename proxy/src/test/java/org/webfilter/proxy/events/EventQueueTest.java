package org.webfilter.proxy.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.webfilter.events.AccessEvent;

class EventQueueTest {

  @Test
  void holdsAtMostItsCapacity_evenWhenTheArrayIsRoundedUp() {
    EventQueue q = new EventQueue(5); // the array behind it has 8 slots
    for (int i = 0; i < 5; i++) {
      assertTrue(q.offer(TestEvents.event(i)));
    }
    assertFalse(q.offer(TestEvents.event(5)));
    assertEquals(5, q.size());
  }

  @Test
  void drainsOldestFirst_andNoMoreThanAsked() {
    EventQueue q = new EventQueue(10);
    List<AccessEvent> offered = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      offered.add(TestEvents.event(i));
      q.offer(offered.get(i));
    }
    List<AccessEvent> drained = new ArrayList<>();
    q.drainTo(drained, 4);
    assertEquals(offered.subList(0, 4), drained);
    q.drainTo(drained, 100);
    assertEquals(offered, drained);
    assertTrue(q.isEmpty());
  }

  @Test
  void rejectsAnEmptyBound() {
    assertThrows(IllegalArgumentException.class, () -> new EventQueue(0));
  }

  /** Four event loops offering while the publisher drains: every accepted event comes out once. */
  @Test
  void concurrentProducers_loseAndRepeatNothing() throws Exception {
    int producers = 4;
    int perProducer = 50_000;
    int capacity = 1_000;
    EventQueue q = new EventQueue(capacity);
    List<AccessEvent> events = new ArrayList<>();
    for (int i = 0; i < producers * perProducer; i++) {
      events.add(TestEvents.event(i));
    }
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger maxSeen = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(producers);
    for (int p = 0; p < producers; p++) {
      int first = p * perProducer;
      Thread t = new Thread(() -> {
        for (int i = first; i < first + perProducer; i++) {
          if (q.offer(events.get(i))) {
            accepted.incrementAndGet();
          }
          maxSeen.accumulateAndGet(q.size(), Math::max);
        }
        done.countDown();
      });
      t.start();
    }
    Set<UUID> received = new HashSet<>();
    List<AccessEvent> batch = new ArrayList<>();
    while (done.getCount() > 0 || !q.isEmpty()) {
      q.drainTo(batch, 100);
      for (AccessEvent e : batch) {
        assertTrue(received.add(e.eventId()), "drained twice: " + e.eventId());
      }
      batch.clear();
    }
    assertEquals(accepted.get(), received.size());
    assertTrue(maxSeen.get() <= capacity + producers, "held " + maxSeen.get());
  }
}
