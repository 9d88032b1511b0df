package org.webfilter.proxy.events;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay thread: whenever the spool has records, reads them in batches and sends them, keeping up
 * to {@value #IN_FLIGHT} batches in flight; a batch is committed (which lets the spool delete delivered
 * segments) only when Kafka acknowledged all of it and every batch before it. When a batch fails, the
 * ones after it are settled and everything from the committed position is sent again after a back-off
 * (1 s, doubling to 10 s): records that did arrive arrive twice, which consumers deduplicate by {@code
 * eventId}.
 */
final class Replayer implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);
  private static final int IN_FLIGHT = 3;
  private static final long MAX_BATCH_BYTES = 8L << 20;
  private static final long MIN_BACKOFF_MS = 1_000;
  private static final long MAX_BACKOFF_MS = 10_000;

  /** A batch handed to the producer: its outcome and where the spool continues after it. */
  private record Outstanding(Sender.Replay replay, Spool.Position end, int records) {}

  private final Spool spool;
  private final Sender sender;
  private final Counters counters;
  private final int batchRecords;
  private final RateLimit readErrorLog = new RateLimit(RateLimit.TEN_SECONDS);
  private final Deque<Outstanding> outstanding = new ArrayDeque<>();
  private volatile boolean stopping;

  Replayer(Spool spool, Sender sender, Counters counters, int batchRecords) {
    this.spool = spool;
    this.sender = sender;
    this.counters = counters;
    this.batchRecords = batchRecords;
  }

  /** Start no new batch; those in flight are still awaited (close the producer to settle them). */
  void stop() {
    stopping = true;
  }

  @Override
  public void run() {
    long backoff = MIN_BACKOFF_MS;
    Spool.Position next = spool.committed();
    try {
      while (true) {
        boolean readFailed = false;
        while (!stopping && !readFailed && outstanding.size() < IN_FLIGHT
            && spool.awaitRecordsAfter(next, outstanding.isEmpty() ? 100 : 0, TimeUnit.MILLISECONDS)) {
          Spool.Position end = sendBatch(next);
          if (end == null) {
            readFailed = true;
          } else {
            next = end;
          }
        }
        if (outstanding.isEmpty()) {
          if (stopping) {
            return;
          }
          if (readFailed) {
            sleep(backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            next = spool.committed();
          }
          continue;
        }
        Outstanding head = outstanding.peekFirst();
        if (!head.replay().await(100)) {
          continue; // Kafka holds it until delivered or timed out; close() settles it
        }
        outstanding.removeFirst();
        if (head.replay().succeeded()) {
          spool.commit(head.end());
          counters.replayed.add(head.records());
          backoff = MIN_BACKOFF_MS;
          if (next.before(spool.committed())) {
            next = spool.committed();
          }
        } else {
          settleAll();
          if (stopping) {
            return;
          }
          sleep(backoff);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
          next = spool.committed();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads and sends one batch from {@code from}; returns where it ends, or null when reading failed. */
  private Spool.Position sendBatch(Spool.Position from) {
    Spool.Batch batch;
    try {
      batch = spool.read(from, batchRecords, MAX_BATCH_BYTES);
    } catch (IOException | OutOfMemoryError e) {
      // OutOfMemoryError: the JDK could not get a direct buffer for the read (the proxy's
      // connections hold the limit); the records stay on disk and are read again later
      if (readErrorLog.due()) {
        LOG.error("cannot read the event spool in {}: {}", spool.dir(), e.toString());
      }
      return null;
    }
    List<OutRecord> records = batch.records();
    outstanding.addLast(new Outstanding(sender.replay(records), batch.end(), records.size()));
    return batch.end();
  }

  /** Waits until every outstanding batch has an outcome, and forgets them (they are read again). */
  private void settleAll() throws InterruptedException {
    for (Outstanding o : outstanding) {
      while (!o.replay().await(100)) {
        // settled by Kafka's delivery timeout or by close()
      }
    }
    outstanding.clear();
  }

  private void sleep(long millis) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!stopping && System.nanoTime() < until) {
      Thread.sleep(50);
    }
  }
}
