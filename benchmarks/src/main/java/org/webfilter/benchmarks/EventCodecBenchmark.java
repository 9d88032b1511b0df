package org.webfilter.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.EventCodec;

/**
 * Encoding one access event to its v1 JSON, as the publisher thread does for every request: the
 * hand-written encoder the product uses ({@code handWritten}, {@link EventCodec#encode}) against the
 * Jackson databind encoder it replaced ({@code databind}, kept package-private in the events module as
 * the tests' reference and called here through a method handle), side by side in one run.
 *
 * <p>Inputs: 4,096 events shaped like the proxy's (hosts from the shared UT1 shopping, press and games
 * lists; a third CONNECT tunnels, the rest full URLs with paths and queries, some web searches with
 * search terms; a quarter without a user; 30 % blocked with a category), cycled in order.
 *
 * <pre>
 * mvn -B -q package -pl benchmarks -am -DskipTests -o
 * java -jar benchmarks/target/benchmarks.jar EventCodecBenchmark -prof gc
 * </pre>
 *
 * Read {@code ns/op} and {@code gc.alloc.rate.norm} (bytes allocated per encoded event).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class EventCodecBenchmark {
  private static final int EVENTS = 4096;
  private static final MethodHandle DATABIND;

  static {
    try {
      DATABIND = MethodHandles.privateLookupIn(EventCodec.class, MethodHandles.lookup())
          .findStatic(EventCodec.class, "encodeWithDatabind", MethodType.methodType(byte[].class, AccessEvent.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  AccessEvent[] events;
  int next;

  @Setup
  public void setUp() {
    List<String> hosts = hosts();
    Random r = new Random(42);
    Instant start = Instant.parse("2026-11-23T09:00:00Z");
    String[] words = {"volcano", "diagram", "minecraft", "tudors", "homework", "football", "recipe", "weather"};
    events = new AccessEvent[EVENTS];
    for (int i = 0; i < EVENTS; i++) {
      String host = hosts.get(r.nextInt(hosts.size()));
      boolean tunnel = i % 3 == 0;
      boolean search = !tunnel && i % 10 == 1;
      String terms = search ? words[r.nextInt(words.length)] + " " + words[r.nextInt(words.length)] : null;
      String url = tunnel ? host + ":443"
          : search ? "https://" + host + "/search?q=" + terms.replace(' ', '+') + "&hl=en-GB&source=hp"
          : "https://" + host + "/" + words[r.nextInt(words.length)] + "/" + r.nextInt(100_000) + "?ref=home&page="
              + r.nextInt(20);
      boolean block = r.nextInt(10) < 3;
      events[i] = new AccessEvent(AccessEvent.SCHEMA_VERSION, UUID.randomUUID(), start.plusMillis(i * 37L),
          i % 4 == 0 ? null : "y" + (7 + i % 7) + ".pupil" + r.nextInt(1300), "pupil",
          "10.20." + r.nextInt(40) + "." + r.nextInt(250), null, tunnel ? "CONNECT" : "GET", "https", host, 443, url,
          terms, block ? List.of("games") : List.of(), block ? AccessEvent.Verdict.BLOCK : AccessEvent.Verdict.ALLOW,
          block ? "pupil.category.games" : "default.allow",
          block ? "category games is blocked for role pupil" : "no rule blocks this request", block ? 403 : 200,
          420 + r.nextInt(2000), block ? 2310 : r.nextInt(200_000), r.nextInt(900), !tunnel, "proxy-1");
    }
  }

  private static List<String> hosts() {
    List<String> hosts = new ArrayList<>();
    Path ut1 = BenchData.root().resolve("ut1");
    for (String category : List.of("shopping", "press", "games")) {
      try (Stream<String> lines = Files.lines(ut1.resolve(category).resolve("domains"))) {
        lines.filter(l -> !l.isBlank() && !l.startsWith("#")).limit(2_000).forEach(hosts::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return hosts;
  }

  private AccessEvent nextEvent() {
    AccessEvent e = events[next];
    next = (next + 1) & (EVENTS - 1);
    return e;
  }

  @Benchmark
  public byte[] handWritten() {
    return EventCodec.encode(nextEvent());
  }

  @Benchmark
  public byte[] databind() throws Throwable {
    return (byte[]) DATABIND.invokeExact(nextEvent());
  }
}
