package org.webfilter.ui;

import java.io.IOException;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.webfilter.events.EventCodec;
import org.webfilter.policy.config.KafkaSettings;

/**
 * Copies access events from Kafka into the {@link EventStore}. Added events are searchable at once
 * (near-real-time reader); the durable Lucene commit, which fsyncs, happens about once a second under
 * load and whenever the topic goes quiet, and only then are the Kafka offsets committed.
 */
final class EventIngestor implements TopicIngestor.Sink, AutoCloseable {
  static final String GROUP_ID = "webfilter-logs-ui";
  private static final long COMMIT_INTERVAL_NANOS = 1_000_000_000L;

  private final EventStore store;
  private final TopicIngestor ingestor;
  private long lastCommit = System.nanoTime();

  EventIngestor(KafkaSettings kafka, EventStore store) {
    this.store = store;
    this.ingestor = new TopicIngestor(kafka, kafka.accessTopic(), GROUP_ID, "logs-ui-ingest", this);
  }

  void start() {
    ingestor.start();
  }

  @Override
  public void add(ConsumerRecords<byte[], byte[]> records) throws IOException {
    store.add(TopicIngestor.decodeEach(records, EventCodec::decode));
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
