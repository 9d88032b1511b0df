package org.webfilter.proxy.events;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.AlertCodec;
import org.webfilter.events.EventCodec;
import org.webfilter.events.ReviewCodec;
import org.webfilter.events.ReviewRequest;
import org.webfilter.policy.config.KafkaSettings;

/**
 * The publisher thread: takes events off the in-memory queue in batches, encodes them (and the alerts
 * they raise), and sends them straight to Kafka while Kafka keeps up. It writes them to the spool
 * instead while the spool has a backlog (so replayed and new events stay in order), while Kafka is
 * stalled, and while the queue is above the high-water mark; records Kafka refuses go to the spool too.
 */
final class PublisherLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);
  private static final int BATCH = 1_000;
  /** How long the thread sleeps when it finds the queue empty. */
  private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final EventQueue queue;
  private final Queue<ReviewRequest> reviews;
  private final Sender sender;
  private final Spool spool; // null: no spool
  private final AlertRules alerts;
  private final Counters counters;
  private final int highWaterMark;
  private final KafkaSettings topicsToCreate; // null: do not create
  private volatile boolean stopping;

  PublisherLoop(EventQueue queue, Queue<ReviewRequest> reviews, Sender sender, Spool spool, AlertRules alerts,
      Counters counters, int highWaterMark, KafkaSettings topicsToCreate) {
    this.queue = queue;
    this.reviews = reviews;
    this.sender = sender;
    this.spool = spool;
    this.alerts = alerts;
    this.counters = counters;
    this.highWaterMark = highWaterMark;
    this.topicsToCreate = topicsToCreate;
  }

  /** Finish what is queued, then return. */
  void stop() {
    stopping = true;
  }

  @Override
  public void run() {
    createTopics();
    List<AccessEvent> events = new ArrayList<>(BATCH);
    List<OutRecord> records = new ArrayList<>(BATCH * 2);
    while (true) {
      queue.drainTo(events, BATCH);
      spoolFailed();
      reportLosses();
      sendReviews();
      if (events.isEmpty()) {
        if (spool != null) {
          spool.syncIfDue();
        }
        if (stopping && queue.isEmpty()) {
          break;
        }
        // Sleep instead of waiting on the queue: an offer then never has a thread to wake (a futex
        // call on the proxy's event loop, and a publisher wake-up, per event at a proxy's rate), and
        // the next drain finds a batch. Costs at most IDLE_NANOS of latency.
        LockSupport.parkNanos(IDLE_NANOS);
        if (Thread.currentThread().isInterrupted()) {
          break;
        }
        continue;
      }
      try {
        for (AccessEvent e : events) {
          records.add(new OutRecord(OutRecord.Kind.ACCESS, e.key(), EventCodec.encode(e)));
          alerts.evaluate(e).ifPresent(a -> {
            counters.alerts.increment();
            records.add(new OutRecord(OutRecord.Kind.ALERT, a.key(), AlertCodec.encode(a)));
          });
        }
        deliver(records);
      } catch (RuntimeException | OutOfMemoryError e) {
        // a bug, or no direct memory left for a spool write: say so, count the loss and keep the
        // thread alive (a dead publisher would lose every later event)
        LOG.error("event publisher failed on a batch of {} events", events.size(), e);
        counters.dropped(events.size(), "of an unexpected error: " + e);
      }
      events.clear();
      records.clear();
    }
  }

  private void createTopics() {
    if (topicsToCreate == null) {
      return;
    }
    try {
      List<String> created = KafkaTopics.ensure(topicsToCreate, Duration.ofSeconds(10));
      if (!created.isEmpty()) {
        LOG.info("created Kafka topics {}", created);
      }
    } catch (IOException e) {
      LOG.warn("could not check or create the Kafka topics (events are spooled meanwhile): {}", e.getMessage());
    }
  }

  private void deliver(List<OutRecord> records) {
    if (spool != null
        && (sender.hasFailed() || spool.hasBacklog() || sender.stalled() || queue.size() > highWaterMark)) {
      toSpool(records);
      return;
    }
    for (int i = 0; i < records.size(); i++) {
      boolean handedOver = sender.send(records.get(i));
      // Without metadata (Kafka unreachable since the start) the producer fails each record only after
      // blocking max.block.ms, through the callback: stop at the first failure, as at a refusal, or a
      // batch of a thousand would hold this thread for a thousand seconds.
      if (spool != null && (!handedOver || sender.hasFailed())) {
        spoolFailed(); // what Kafka failed so far first, this record included: order is kept
        toSpool(records.subList(handedOver ? i + 1 : i, records.size()));
        return;
      }
      if (!handedOver) {
        counters.dropped(1, "Kafka refused it and there is no spool");
      }
    }
  }

  private void sendReviews() {
    if (reviews.isEmpty()) {
      return; // the usual case: nothing to allocate
    }
    List<OutRecord> out = new ArrayList<>();
    for (ReviewRequest r; (r = reviews.poll()) != null; ) {
      out.add(new OutRecord(OutRecord.Kind.REVIEW, r.key(), ReviewCodec.encode(r)));
    }
    if (!out.isEmpty()) {
      deliver(out);
    }
  }

  /** Sends the operational alert for lost events once Kafka takes records again (see LossAlerts). */
  private void reportLosses() {
    if (sender.hasFailed() || sender.stalled()) {
      return;
    }
    counters.losses.take().ifPresent(a -> {
      counters.alerts.increment();
      deliver(List.of(new OutRecord(OutRecord.Kind.ALERT, a.key(), AlertCodec.encode(a))));
    });
  }

  private void spoolFailed() {
    if (spool != null && sender.hasFailed()) {
      List<OutRecord> failed = sender.takeFailed();
      try {
        toSpool(failed);
      } catch (RuntimeException | OutOfMemoryError e) {
        // e.g. no direct memory left for the file write: count the loss, keep the thread alive
        LOG.error("could not spool {} records Kafka failed", failed.size(), e);
        counters.dropped(failed.size(), "they could not be spooled: " + e);
      }
    }
  }

  private void toSpool(List<OutRecord> records) {
    counters.spooled.add(spool.append(records));
  }
}
