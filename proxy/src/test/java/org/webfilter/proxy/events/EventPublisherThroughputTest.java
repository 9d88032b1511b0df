package org.webfilter.proxy.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.EventCodec;
import org.webfilter.events.Topics;
import org.webfilter.kafka.embedded.EmbeddedKafka;
import org.webfilter.policy.config.KafkaSettings;

/**
 * Throughput harness (not a JMH benchmark): events/s the publisher sustains into the embedded broker,
 * from the first {@code offer} until Kafka acknowledged the last event. The feeder only backs off when
 * the queue is 90 % full, so nothing is dropped and the pipeline is the bottleneck. Asserts only that
 * everything arrived; the figure is printed. For the recorded figure:
 *
 * <pre>
 * cd /work/main &amp;&amp; mvn -q install -pl proxy -Dtest=EventPublisherThroughputTest \
 *     -Dwebfilter.bench.events=1000000 -Dsurefire.failIfNoSpecifiedTests=false
 * grep 'events/s' proxy/target/surefire-reports/*ThroughputTest-output.txt
 * </pre>
 */
class EventPublisherThroughputTest {
  private static final int EVENTS = Integer.getInteger("webfilter.bench.events", 200_000);

  @Test
  void publisher_sustainsThroughput_intoTheEmbeddedBroker(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"))) {
      kafka.start();
      kafka.createTopics(List.of(Topics.ACCESS, Topics.ALERTS), 3);
      KafkaSettings settings =
          new KafkaSettings(kafka.bootstrapServers(), Topics.ACCESS, Topics.ALERTS, 3, (short) 1, Map.of());
      AccessEvent[] events = new AccessEvent[10_000]; // templates; each sent event gets its own id
      for (int i = 0; i < events.length; i++) {
        events[i] = TestEvents.event(i);
      }
      int bytes = EventCodec.encode(events[0]).length;
      run("warm-up", settings, PublisherOptions.defaults(dir.resolve("warm")), events, Math.min(EVENTS, 50_000), bytes);
      run("default options (spool takes over above the high-water mark)", settings,
          PublisherOptions.defaults(dir.resolve("spool")), events, EVENTS, bytes);
      PublisherOptions direct = PublisherOptions.defaults(dir.resolve("direct"));
      direct = new PublisherOptions(direct.spoolDir(), direct.spoolMaxBytes(), direct.segmentBytes(),
          direct.fsyncInterval(), direct.queueCapacity(), direct.queueCapacity(), direct.stallTimeout(),
          direct.replayBatch(), false);
      run("straight to Kafka (high-water mark = capacity)", settings, direct, events, EVENTS, bytes);
    }
  }

  private static final long RUN = System.nanoTime();

  private static AccessEvent withId(AccessEvent e, int i) {
    return new AccessEvent(e.schemaVersion(), new UUID(RUN, i), e.time(), e.user(), e.role(), e.clientIp(),
        e.device(), e.method(), e.scheme(), e.host(), e.port(), e.url(), e.searchTerms(), e.categories(),
        e.decision(), e.rule(), e.reason(), e.status(), e.bytesIn(), e.bytesOut(), e.durationMs(),
        e.intercepted(), e.proxyNode());
  }

  private static void run(String name, KafkaSettings settings, PublisherOptions options, AccessEvent[] events,
      int count, int bytes) throws Exception {
    EventPipeline p = EventPipeline.start(settings, options.withCreateTopics(false), AlertRules.defaults());
    try {
      long before = p.metrics().acknowledged();
      int limit = options.queueCapacity() * 9 / 10;
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        while (p.queued() > limit) {
          Thread.onSpinWait();
        }
        p.offer(withId(events[i % events.length], i));
      }
      assertTrue(TopicReader.await(120, () -> p.metrics().acknowledged() - before >= count), () -> "" + p.metrics());
      double seconds = (System.nanoTime() - start) / 1e9;
      PublisherMetrics m = p.metrics();
      assertEquals(0, m.dropped());
      System.out.printf(
          "event publisher, %s: %,d events of ~%d bytes in %.2f s = %,.0f events/s acknowledged"
              + " (%,d via the spool; ack latency p50 <= %.3f s, p99 <= %.3f s)%n",
          name, count, bytes, seconds, count / seconds, m.spooled(), m.latency().quantileUpperBound(0.5),
          m.latency().quantileUpperBound(0.99));
    } finally {
      p.close();
    }
  }
}
