package org.webfilter.proxy.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.EventCodec;
import org.webfilter.events.Topics;
import org.webfilter.kafka.embedded.EmbeddedKafka;
import org.webfilter.policy.config.KafkaSettings;

/**
 * Throughput harness (not a JMH benchmark): events/s the publisher sustains into the embedded broker,
 * from the first {@code offer} until Kafka acknowledged the last event, and the CPU each event costs.
 * The feeder only backs off when the queue is 90 % full, so nothing is dropped and the pipeline is the
 * bottleneck. A last, paced run offers events at a fixed rate (a busy proxy's, 20,000/s by default, from
 * 4 threads standing in for the event loops; {@code -Dwebfilter.bench.paced.rate/seconds/feeders}) and
 * reports the CPU per event there too, since at a real proxy's rate the producer's batching, not the
 * saturated pipeline, decides how many produce requests the broker handles. Asserts only that everything
 * arrived; the figures are printed. CPU per event is reported two ways: the publisher's own threads
 * (publisher, replayer and the producer's network thread, {@code ThreadMXBean}) and the whole process
 * minus the feeding threads (that is, including the in-process broker, GC and JIT). It also reports the
 * bytes the publisher thread allocates per event and the average wall time of one {@code offer} (what
 * an event loop pays, including two {@code System.nanoTime} calls).
 *
 * <p>{@code -Dwebfilter.bench.producer.<key>=<value>} overrides a producer setting (as an operator's
 * {@code kafka.client} properties would), e.g. {@code -Dwebfilter.bench.producer.linger.ms=100}.
 * For the recorded figures:
 *
 * <pre>
 * mvn -B -q -o verify -pl events,proxy -am -Dtest=EventPublisherThroughputTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dwebfilter.bench.events=1000000 -Dwebfilter.bench.paced.seconds=20
 * grep -h 'event publisher' proxy/target/surefire-reports/*ThroughputTest-output.txt
 * </pre>
 */
class EventPublisherThroughputTest {
  private static final int EVENTS = Integer.getInteger("webfilter.bench.events", 200_000);
  private static final int PACED_RATE = Integer.getInteger("webfilter.bench.paced.rate", 20_000);
  private static final int PACED_SECONDS = Integer.getInteger("webfilter.bench.paced.seconds", 2);
  private static final int PACED_FEEDERS = Integer.getInteger("webfilter.bench.paced.feeders", 4);
  private static final String PRODUCER_PREFIX = "webfilter.bench.producer.";
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private static Map<String, String> producerOverrides() {
    Map<String, String> overrides = new TreeMap<>();
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(PRODUCER_PREFIX))
        .forEach(k -> overrides.put(k.substring(PRODUCER_PREFIX.length()), System.getProperty(k)));
    return overrides;
  }

  @Test
  void publisher_sustainsThroughput_intoTheEmbeddedBroker(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"))) {
      kafka.start();
      kafka.createTopics(List.of(Topics.ACCESS, Topics.ALERTS), 3);
      Map<String, String> overrides = producerOverrides();
      if (!overrides.isEmpty()) {
        System.out.println("event publisher, producer overrides: " + overrides);
      }
      KafkaSettings settings =
          new KafkaSettings(kafka.bootstrapServers(), Topics.ACCESS, Topics.ALERTS, 3, (short) 1, overrides);
      AccessEvent[] events = new AccessEvent[10_000]; // templates; each sent event gets its own id
      for (int i = 0; i < events.length; i++) {
        events[i] = TestEvents.event(i);
      }
      int bytes = EventCodec.encode(events[0]).length;
      run("warm-up", settings, PublisherOptions.defaults(dir.resolve("warm")), events, Math.min(EVENTS, 50_000), bytes, 0, 1);
      run("default options (spool takes over above the high-water mark)", settings,
          PublisherOptions.defaults(dir.resolve("spool")), events, EVENTS, bytes, 0, 1);
      PublisherOptions direct = PublisherOptions.defaults(dir.resolve("direct"));
      direct = new PublisherOptions(direct.spoolDir(), direct.spoolMaxBytes(), direct.segmentBytes(),
          direct.fsyncInterval(), direct.queueCapacity(), direct.queueCapacity(), direct.stallTimeout(),
          direct.replayBatch(), false);
      run("straight to Kafka (high-water mark = capacity)", settings, direct, events, EVENTS, bytes, 0, 1);
      if (PACED_SECONDS > 0) {
        run("paced at " + PACED_RATE + "/s (default options)", settings,
            PublisherOptions.defaults(dir.resolve("paced")), events, PACED_RATE * PACED_SECONDS, bytes, PACED_RATE,
            PACED_FEEDERS);
      }
    }
  }

  private static final long RUN = System.nanoTime();

  private static AccessEvent withId(AccessEvent e, int i) {
    return new AccessEvent(e.schemaVersion(), new UUID(RUN, i), e.time(), e.user(), e.role(), e.clientIp(),
        e.device(), e.method(), e.scheme(), e.host(), e.port(), e.url(), e.searchTerms(), e.categories(),
        e.decision(), e.rule(), e.reason(), e.status(), e.bytesIn(), e.bytesOut(), e.durationMs(),
        e.intercepted(), e.proxyNode());
  }

  /**
   * CPU nanoseconds [0] and allocated bytes [1] of the pipeline's own threads so far (they live as
   * long as the pipeline): the publisher and replayer threads, then the producer's network thread.
   */
  private static long[][] pipelineUsage() {
    long[][] sum = new long[2][2];
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String name = t.getName();
      int i = name.startsWith("webfilter-event-") ? 0 : name.startsWith("kafka-producer-network-thread") ? 1 : -1;
      if (i >= 0) {
        sum[0][i] += Math.max(THREADS.getThreadCpuTime(t.getId()), 0);
        sum[1][i] += Math.max(THREADS.getThreadAllocatedBytes(t.getId()), 0);
      }
    }
    return sum;
  }

  /**
   * Offers {@code count} events from {@code feeders} threads (standing in for the proxy's event
   * loops), as fast as the queue takes them ({@code rate} 0) or {@code rate} per second in all, and
   * waits until Kafka acknowledged them all.
   */
  private static void run(String name, KafkaSettings settings, PublisherOptions options, AccessEvent[] events,
      int count, int bytes, int rate, int feeders) throws Exception {
    EventPipeline p = EventPipeline.start(settings, options.withCreateTopics(false), AlertRules.defaults());
    try {
      long before = p.metrics().acknowledged();
      int limit = options.queueCapacity() * 9 / 10;
      long processCpu0 = OS.getProcessCpuTime();
      long[][] usage0 = pipelineUsage();
      long start = System.nanoTime();
      AtomicLong feederCpu = new AtomicLong();
      AtomicLong offerNanos = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      for (int k = 0; k < feeders; k++) {
        int first = k;
        threads.add(new Thread(() -> {
          long cpu0 = THREADS.getCurrentThreadCpuTime();
          long offering = 0;
          for (int i = first; i < count; i += feeders) {
            if (rate > 0) {
              long due = start + (long) i * 1_000_000_000L / rate;
              for (long wait; (wait = due - System.nanoTime()) > 1_000_000; ) {
                LockSupport.parkNanos(wait); // bursts of up to 1 ms, as event loops see requests
              }
            }
            while (p.queued() > limit) {
              Thread.onSpinWait();
            }
            AccessEvent e = withId(events[i % events.length], i);
            long t0 = System.nanoTime();
            p.offer(e);
            offering += System.nanoTime() - t0;
          }
          offerNanos.addAndGet(offering);
          feederCpu.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu0);
        }, "feeder-" + k));
      }
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join();
      }
      assertTrue(TopicReader.await(120, () -> p.metrics().acknowledged() - before >= count), () -> "" + p.metrics());
      double seconds = (System.nanoTime() - start) / 1e9;
      long[][] usage = pipelineUsage();
      double publisherUs = (usage[0][0] - usage0[0][0]) / 1e3 / count;
      double producerUs = (usage[0][1] - usage0[0][1]) / 1e3 / count;
      double processUs = (OS.getProcessCpuTime() - processCpu0 - feederCpu.get()) / 1e3 / count;
      long publisherBytes = (usage[1][0] - usage0[1][0]) / count;
      PublisherMetrics m = p.metrics();
      assertEquals(0, m.dropped());
      System.out.printf(
          "event publisher, %s: %,d events of ~%d bytes in %.2f s = %,.0f events/s acknowledged"
              + " (%,d via the spool; ack latency p50 <= %.3f s, p99 <= %.3f s);"
              + " CPU per event: publisher threads %.2f us (publisher %.2f + producer I/O %.2f),"
              + " process without the feeders %.2f us; publisher thread allocates %,d B/event;"
              + " offer() %.0f ns on average (%d feeder thread(s))%n",
          name, count, bytes, seconds, count / seconds, m.spooled(), m.latency().quantileUpperBound(0.5),
          m.latency().quantileUpperBound(0.99), publisherUs + producerUs, publisherUs, producerUs, processUs,
          publisherBytes, (double) offerNanos.get() / count, feeders);
    } finally {
      p.close();
    }
  }
}
