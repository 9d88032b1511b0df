package org.webfilter.ui;

import java.io.IOException;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.webfilter.events.AlertCodec;
import org.webfilter.policy.config.KafkaSettings;

/**
 * Copies safeguarding alerts from Kafka into the {@link AlertStore}, which writes and forces each batch
 * before the offsets are committed; the store drops re-delivered alerts by id.
 */
final class AlertIngestor implements TopicIngestor.Sink, AutoCloseable {
  static final String GROUP_ID = "webfilter-logs-ui-alerts";

  private final AlertStore store;
  private final TopicIngestor ingestor;

  AlertIngestor(KafkaSettings kafka, AlertStore store) {
    this.store = store;
    this.ingestor = new TopicIngestor(kafka, kafka.alertsTopic(), GROUP_ID, "logs-ui-alerts", this);
  }

  void start() {
    ingestor.start();
  }

  @Override
  public void add(ConsumerRecords<byte[], byte[]> records) throws IOException {
    store.add(TopicIngestor.decodeEach(records, AlertCodec::decode));
  }

  @Override
  public boolean commitNow(boolean idle) {
    return true; // alerts are rare and the store is durable on add
  }

  @Override
  public void makeDurable() {
    // AlertStore.add already forced the batch to disk
  }

  @Override
  public void close() {
    ingestor.close();
  }
}
