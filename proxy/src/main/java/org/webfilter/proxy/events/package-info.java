/**
 * The lossless access-event stream: an in-memory queue drained by one publisher thread into a tuned,
 * idempotent Kafka producer; a disk spool of checksummed, append-only segments that takes over when
 * Kafka is unreachable or slow and is replayed in order when it is back (also after a restart); the
 * alert rules that copy safeguarding-relevant events to the alerts topic; and the metrics that show
 * what happened to every event. The public surface is {@link
 * org.webfilter.proxy.events.EventPipeline}, {@link org.webfilter.proxy.events.PublisherOptions},
 * {@link org.webfilter.proxy.events.AlertRules}, {@link org.webfilter.proxy.events.PublisherMetrics}
 * and {@link org.webfilter.proxy.events.KafkaTopics}; the spool and the threads are package-private.
 */
package org.webfilter.proxy.events;
