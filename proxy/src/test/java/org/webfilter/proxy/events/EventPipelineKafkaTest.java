package org.webfilter.proxy.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.AlertCodec;
import org.webfilter.events.AlertEvent;
import org.webfilter.events.EventCodec;
import org.webfilter.events.Topics;
import org.webfilter.kafka.embedded.EmbeddedKafka;
import org.webfilter.policy.config.KafkaSettings;

/**
 * The pipeline against a real single-node KRaft broker in this JVM, including the broker going away.
 * Waits poll for up to 60 s (the machine is shared); nothing asserts on timing.
 */
class EventPipelineKafkaTest {
  private static final int PARTITIONS = 3;

  @TempDir Path dir;
  private EmbeddedKafka kafka;
  private final List<EventPipeline> pipelines = new ArrayList<>();

  private void startKafka() throws IOException {
    kafka = new EmbeddedKafka(dir.resolve("kafka"), EmbeddedKafka.freePort(), EmbeddedKafka.freePort());
    kafka.start();
    kafka.createTopics(List.of(Topics.ACCESS, Topics.ALERTS), PARTITIONS);
  }

  private KafkaSettings settings() {
    return new KafkaSettings(kafka.bootstrapServers(), Topics.ACCESS, Topics.ALERTS, PARTITIONS, (short) 1, Map.of());
  }

  private EventPipeline pipeline(PublisherOptions options) throws IOException {
    EventPipeline p = EventPipeline.start(settings(), options.withCreateTopics(false), AlertRules.defaults());
    pipelines.add(p);
    return p;
  }

  private PublisherOptions options() {
    return PublisherOptions.defaults(dir.resolve("spool"));
  }

  @AfterEach
  void tearDown() {
    pipelines.forEach(EventPipeline::close);
    if (kafka != null) {
      kafka.close();
    }
  }

  private Map<UUID, Integer> consumeAccess(int expected) {
    return TopicReader.countIds(kafka.bootstrapServers(), Topics.ACCESS, EventCodec::decode, AccessEvent::eventId,
        expected, null);
  }

  private static long spoolSegments(Path spool) throws IOException {
    try (Stream<Path> s = Files.list(spool)) {
      return s.filter(p -> p.toString().endsWith(".seg")).count();
    }
  }

  @Test
  void hundredThousandEvents_allConsumed_eachEventIdOnce() throws Exception {
    startKafka();
    EventPipeline p = pipeline(options());
    Set<UUID> sent = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      AccessEvent e = TestEvents.event(i);
      sent.add(e.eventId());
      while (p.queued() > 90_000) {
        Thread.sleep(1); // the test feeds faster than any proxy; do not let the queue overflow
      }
      assertTrue(p.offer(e));
    }
    assertTrue(TopicReader.await(60, () -> p.metrics().acknowledged() >= 100_000), () -> "" + p.metrics());

    Map<UUID, Integer> seen = consumeAccess(100_000);
    assertEquals(sent, seen.keySet());
    assertEquals(Map.of(), duplicates(seen));
    PublisherMetrics m = p.metrics();
    assertEquals(100_000, m.accepted());
    assertEquals(100_000, m.acknowledged());
    assertEquals(0, m.dropped());
    assertEquals(0, m.failed());
  }

  @Test
  void brokerDown30s_everyEventArrives_noneTwiceAfterDedupe() throws Exception {
    startKafka();
    EventPipeline p = pipeline(options());
    Set<UUID> sent = java.util.concurrent.ConcurrentHashMap.newKeySet();
    AtomicBoolean flowing = new AtomicBoolean(true);
    Thread feeder = new Thread(() -> {
      for (int i = 0; flowing.get(); i++) {
        AccessEvent e = TestEvents.event(i);
        sent.add(e.eventId());
        p.offer(e);
        try {
          Thread.sleep(2); // a few hundred events a second, like a busy school
        } catch (InterruptedException ex) {
          return;
        }
      }
    });
    feeder.start();
    Thread.sleep(3_000);
    kafka.stop();
    Thread.sleep(30_000);
    PublisherMetrics duringOutage = p.metrics();
    kafka.start(); // same data dir and ports
    Thread.sleep(3_000);
    flowing.set(false);
    feeder.join();

    assertTrue(duringOutage.spooled() > 0, "nothing was spooled during the outage: " + duringOutage);
    assertTrue(TopicReader.await(60, () -> p.metrics().acknowledged() >= sent.size()
        && p.metrics().spoolBytes() == 0), () -> "" + p.metrics());
    Map<UUID, Integer> seen = consumeAccess(sent.size());
    assertEquals(Set.of(), difference(sent, seen.keySet()), "events missing");
    assertEquals(sent.size(), seen.size());
    assertEquals(0, p.metrics().dropped());
    assertEquals(0, spoolSegments(dir.resolve("spool")), "delivered segments are deleted");
    System.out.printf("brokerDown30s: %d events, %d spooled, %d replayed, %d delivered twice (deduplicated)%n",
        sent.size(), p.metrics().spooled(), p.metrics().replayed(), duplicates(seen).size());
  }

  /**
   * Kafka unreachable since the start: the producer never gets metadata and fails each record only
   * after blocking max.block.ms (1 s). The publisher spools the rest of a batch at the first failure
   * instead of waiting a second per event, so a proxy stopped now has every event on disk (before:
   * the close gave up after 30 s and dropped the rest). The publisher first tries for 10 s to create
   * the topics, so all 100 events are one batch when it starts sending.
   */
  @Test
  void brokerUnreachableSinceTheStart_stoppedAtOnce_everyEventSpooled() throws Exception {
    KafkaSettings nowhere = new KafkaSettings(
        "127.0.0.1:" + EmbeddedKafka.freePort(), Topics.ACCESS, Topics.ALERTS, PARTITIONS, (short) 1, Map.of());
    EventPipeline p = EventPipeline.start(nowhere, options().withCreateTopics(true), AlertRules.defaults());
    pipelines.add(p);
    for (int i = 0; i < 100; i++) {
      assertTrue(p.offer(TestEvents.event(i)));
    }
    p.close();
    PublisherMetrics m = p.metrics();
    assertEquals(0, m.dropped(), m::toString);
    assertEquals(100, m.spooled(), m::toString);
  }

  @Test
  void closedWhileBrokerDown_newPublisherOnSameSpool_deliversSpooledEvents() throws Exception {
    startKafka();
    EventPipeline first = pipeline(options());
    Set<UUID> sent = new HashSet<>();
    first.offer(remember(sent, TestEvents.event(10_000)));
    assertTrue(TopicReader.await(60, () -> first.metrics().acknowledged() == 1));
    kafka.stop();
    for (int i = 0; i < 200; i++) {
      first.offer(remember(sent, TestEvents.event(i))); // in flight in the producer: no acks come
    }
    Thread.sleep(4_000); // past the stall timeout: what comes now goes straight to disk
    for (int i = 200; i < 500; i++) {
      first.offer(remember(sent, TestEvents.event(i)));
    }
    assertTrue(TopicReader.await(60, () -> first.metrics().spooled() >= 300), () -> "" + first.metrics());
    first.close(); // the product stops mid-outage: in-flight records are spooled too
    PublisherMetrics closed = first.metrics();
    assertEquals(500, closed.spooled(), closed::toString);
    assertEquals(0, closed.dropped());
    assertTrue(spoolSegments(dir.resolve("spool")) > 0);

    kafka.start();
    EventPipeline second = pipeline(options());
    assertTrue(TopicReader.await(60, () -> second.metrics().replayed() >= 500), () -> "" + second.metrics());
    Map<UUID, Integer> seen = consumeAccess(501);
    assertEquals(sent, seen.keySet());
    assertEquals(0, second.metrics().spoolDamaged());
  }

  @Test
  void corruptedSegment_goodRecordsDelivered_badOneReported_noExceptionLoop() throws Exception {
    Path spoolDir = dir.resolve("spool");
    List<UUID> ids = new ArrayList<>();
    SpoolTest.Reports reports = new SpoolTest.Reports();
    try (Spool spool = Spool.open(spoolDir, 1L << 30, 64L << 20, Duration.ZERO, reports)) {
      List<OutRecord> records = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        AccessEvent e = TestEvents.event(i);
        ids.add(e.eventId());
        records.add(new OutRecord(OutRecord.Kind.ACCESS, e.key(), EventCodec.encode(e)));
      }
      spool.append(records);
    }
    Path segment;
    try (Stream<Path> s = Files.list(spoolDir)) {
      segment = s.filter(f -> f.toString().endsWith(".seg")).findFirst().orElseThrow();
    }
    // record 5 gets a flipped checksum byte; a torn write is left at the end
    byte[] bytes = Files.readAllBytes(segment);
    int offset = 0;
    for (int i = 0; i < 5; i++) {
      offset += SpoolFormat.HEADER + ByteBuffer.wrap(bytes, offset + 4, 4).getInt();
    }
    bytes[offset + 8] ^= (byte) 0x80;
    Files.write(segment, bytes);
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(bytes, 0, 30));
    }

    startKafka();
    EventPipeline p = pipeline(options());
    assertTrue(TopicReader.await(60, () -> p.metrics().replayed() >= 19 && p.metrics().spoolBytes() == 0),
        () -> "" + p.metrics());
    assertEquals(2, p.metrics().spoolDamaged(), "the bad record and the torn tail are each reported once");
    AccessEvent after = TestEvents.event(99);
    p.offer(after); // and the pipeline carries on
    Map<UUID, Integer> seen = consumeAccess(20);
    Set<UUID> expected = new HashSet<>(ids);
    expected.remove(ids.get(5));
    expected.add(after.eventId());
    assertEquals(expected, seen.keySet());
    assertEquals(0, spoolSegments(spoolDir));
  }

  @Test
  void extremistEvent_yieldsOneHighSeverityAlert_onTheAlertsTopic() throws Exception {
    startKafka();
    EventPipeline p = pipeline(options());
    AccessEvent extremist = TestEvents.event(1, List.of("extremist"), AccessEvent.Verdict.BLOCK);
    p.offer(TestEvents.event(2, List.of("extremist"), AccessEvent.Verdict.ALLOW)); // allowed: no alert
    p.offer(TestEvents.event(3, List.of("games"), AccessEvent.Verdict.BLOCK)); // not alerting
    p.offer(extremist);
    assertTrue(TopicReader.await(60, () -> p.metrics().acknowledged() >= 4), () -> "" + p.metrics());

    List<AlertEvent> alerts = new ArrayList<>();
    Map<UUID, Integer> seen = TopicReader.countIds(kafka.bootstrapServers(), Topics.ALERTS, AlertCodec::decode,
        AlertEvent::eventId, 1, alerts);
    assertEquals(1, seen.size(), alerts::toString);
    AlertEvent alert = alerts.get(0);
    assertEquals(AlertEvent.Severity.HIGH, alert.severity());
    assertEquals("extremist", alert.kind());
    assertEquals(extremist, alert.event());
    assertEquals(1, p.metrics().alerts());
    assertEquals(3, consumeAccess(3).size());
  }

  @Test
  void lostEvents_raiseOneOperationalAlert_withTheCount() throws Exception {
    startKafka();
    EventPipeline p = pipeline(options().withQueueCapacity(10));
    for (int i = 0; i < 20_000; i++) {
      p.offer(TestEvents.event(i)); // far faster than a 10-event queue drains: most are dropped
    }
    long dropped = p.metrics().dropped();
    assertTrue(dropped > 0, () -> "" + p.metrics());

    List<AlertEvent> alerts = new ArrayList<>();
    TopicReader.countIds(kafka.bootstrapServers(), Topics.ALERTS, AlertCodec::decode, AlertEvent::eventId, 1, alerts);
    assertEquals(1, alerts.size(), alerts::toString); // one summary, not one alert per lost event
    AlertEvent alert = alerts.get(0);
    assertEquals(LossAlerts.KIND, alert.kind());
    assertEquals(AlertEvent.Severity.CRITICAL, alert.severity());
    assertEquals("proxy.events-dropped", alert.event().rule());
    String reason = alert.event().reason();
    long reported = Long.parseLong(reason.substring(0, reason.indexOf(' ')));
    // the alert may be cut while the feeder is still dropping; the rest waits for the next minute's alert
    assertTrue(reported > 0 && reported <= dropped, reason);
    assertTrue(reason.contains(" access event(s) lost since "), reason);
    assertTrue(alert.event().reason().contains("the in-memory event queue is full"), alert.event()::reason);
  }

  private static AccessEvent remember(Set<UUID> sent, AccessEvent e) {
    sent.add(e.eventId());
    return e;
  }

  private static Map<UUID, Integer> duplicates(Map<UUID, Integer> seen) {
    Map<UUID, Integer> d = new java.util.HashMap<>();
    seen.forEach((k, v) -> {
      if (v > 1) {
        d.put(k, v);
      }
    });
    return d;
  }

  private static Set<UUID> difference(Set<UUID> a, Set<UUID> b) {
    Set<UUID> d = new HashSet<>(a);
    d.removeAll(b);
    return d;
  }
}
