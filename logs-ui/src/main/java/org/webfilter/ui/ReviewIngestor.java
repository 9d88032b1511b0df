package org.webfilter.ui;

import java.io.IOException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.webfilter.events.ReviewCodec;
import org.webfilter.events.ReviewRequest;
import org.webfilter.events.Topics;
import org.webfilter.policy.config.KafkaSettings;

/**
 * Copies pupils' review requests, taken by the proxy from its block pages, from Kafka into the {@link
 * ReviewStore} (which writes each change to disk before the offsets are committed) and audits each new
 * one, as the UI's own review endpoint does.
 */
final class ReviewIngestor implements TopicIngestor.Sink, AutoCloseable {
  static final String GROUP_ID = "webfilter-logs-ui-reviews";

  private final ReviewStore store;
  private final AuditLog audit;
  private final TopicIngestor ingestor;

  ReviewIngestor(KafkaSettings kafka, ReviewStore store, AuditLog audit) {
    this.store = store;
    this.audit = audit;
    this.ingestor = new TopicIngestor(kafka, Topics.REVIEWS, GROUP_ID, "logs-ui-reviews", this);
  }

  void start() {
    ingestor.start();
  }

  @Override
  public void add(ConsumerRecords<byte[], byte[]> records) throws IOException {
    for (ReviewRequest r : TopicIngestor.decodeEach(records, ReviewCodec::decode)) {
      if (store.addFromProxy(r)) {
        audit.record("block-page", "review.request",
            Map.of("id", r.requestId().toString(), "url", r.url(), "ip", r.clientIp(), "via", "proxy"));
      }
    }
  }

  @Override
  public boolean commitNow(boolean idle) {
    return true; // rare, and the store is written on every add
  }

  @Override
  public void makeDurable() {
    // ReviewStore.addFromProxy already wrote the file
  }

  @Override
  public void close() {
    ingestor.close();
  }
}
