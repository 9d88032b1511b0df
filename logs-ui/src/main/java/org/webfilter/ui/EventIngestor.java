package org.webfilter.ui;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.EventCodec;
import org.webfilter.policy.config.KafkaSettings;

/**
 * Copies access events from Kafka into the {@link EventStore}. Added events are searchable at once
 * (near-real-time reader); the durable Lucene commit, which fsyncs, happens about once a second
 * under load and whenever the topic goes quiet, and only then are the Kafka offsets committed.
 * Events already past the retention cutoff (a rebuild re-reads old ones) are skipped, so they never
 * reappear.
 */
final class EventIngestor implements TopicIngestor.Sink, AutoCloseable {
  static final String GROUP_ID = "webfilter-logs-ui";
  private static final long COMMIT_INTERVAL_NANOS = 1_000_000_000L;

  private final EventStore store;
  private final IndexHealth health;
  private final Supplier<Instant> retentionCutoff;
  private final TopicIngestor ingestor;
  private long lastCommit = System.nanoTime();

  EventIngestor(
      KafkaSettings kafka,
      EventStore store,
      IndexHealth health,
      Supplier<Instant> retentionCutoff) {
    this.store = store;
    this.health = health;
    this.retentionCutoff = retentionCutoff;
    this.ingestor = new TopicIngestor(kafka, kafka.accessTopic(), GROUP_ID, "logs-ui-ingest", this);
  }

  void start() {
    ingestor.start();
  }

  /**
   * Empties the index and fills it again from the earliest events Kafka retains ({@code why} is
   * shown until it has caught up). Events come back with their ids, so nothing appears twice.
   */
  void rebuild(String why) {
    health.rebuildRequested(why);
    ingestor.rewind();
  }

  @Override
  public void clearForRewind() throws IOException {
    store.deleteAll();
  }

  @Override
  public void rewindProgress(long read, long total, boolean done) {
    health.progress(read, total, done);
  }

  @Override
  public void add(ConsumerRecords<byte[], byte[]> records) throws IOException {
    Instant cutoff = retentionCutoff.get();
    List<AccessEvent> events = TopicIngestor.decodeEach(records, EventCodec::decode);
    store.add(events.stream().filter(e -> !e.time().isBefore(cutoff)).toList());
    store.refresh();
  }

  @Override
  public boolean commitNow(boolean idle) {
    return idle || System.nanoTime() - lastCommit >= COMMIT_INTERVAL_NANOS;
  }

  @Override
  public void makeDurable() throws IOException {
    store.commit();
    lastCommit = System.nanoTime();
  }

  @Override
  public void close() {
    ingestor.close();
  }
}
