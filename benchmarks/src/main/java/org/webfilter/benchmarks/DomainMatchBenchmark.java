package org.webfilter.benchmarks;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.webfilter.categoriser.Categorisation;
import org.webfilter.categoriser.Categoriser;
import org.webfilter.categoriser.Target;

/**
 * Host → categories lookups against every domain list in {@code ../shared/data} (all of UT1, the hosts
 * lists and the Block List Project: about 1.6 M domain entries), for a Zipf-distributed mix of hits (list
 * entries and subdomains of entries) and misses (generated plausible hosts and popular unlisted sites),
 * three ways side by side in one run:
 *
 * <ul>
 *   <li>{@link #hashSetBaseline}: a naive {@code HashSet<String>} parent-domain walk that only answers
 *       "listed or not" and stops at the first hit (less work per hit than the others);
 *   <li>{@link #categoriseUncached}: the compact domain tables alone (host cache off), building the
 *       evidence (category, entry, file:line) for every hit;
 *   <li>{@link #categoriseCached}: the production path, the same tables behind the default host cache
 *       (Caffeine, {@value Categoriser#DEFAULT_HOST_CACHE_SIZE} hosts).
 * </ul>
 *
 * <p>Run from the repository root (single thread, figures in docs/benchmarks.md):
 *
 * <pre>
 * mvn -q install -pl categoriser,benchmarks -DskipTests
 * java -Xmx2g -jar benchmarks/target/benchmarks.jar DomainMatchBenchmark -f 1 -wi 3 -i 5 -t 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class DomainMatchBenchmark {

  private static final int SEQUENCE = 1 << 20;

  /** Share of distinct pool hosts that are on a list. */
  @Param({"0.3"})
  public double hitShare;

  /** Hosts the cached variant keeps (the product's default unless overridden with {@code -p}). */
  @Param({"100000"})
  public int hostCacheSize;

  Categoriser categoriser;
  Categoriser uncached;
  Set<String> baseline;
  Target[] targets;
  String[] hosts;

  @Setup(Level.Trial)
  public void setUp() {
    Path data = BenchData.root();
    long before = BenchData.usedHeapAfterGc();
    long t0 = System.nanoTime();
    Categoriser.Builder builder = BenchData.loadAllInto(data, Categoriser.builder());
    categoriser = builder.hostCacheSize(hostCacheSize).build();
    long loadMs = (System.nanoTime() - t0) / 1_000_000;
    uncached = builder.hostCacheSize(0).build();
    builder = null;
    long compact = (BenchData.usedHeapAfterGc() - before) / 2;

    List<String> entries = BenchData.allEntries(data);
    before = BenchData.usedHeapAfterGc();
    baseline = new HashSet<>(entries);
    long naive = BenchData.usedHeapAfterGc() - before;

    List<String> pool = BenchData.pool(entries, 100_000, hitShare, 7);
    int[] sequence = BenchData.zipfSequence(pool.size(), 0.99, SEQUENCE, 11);
    targets = new Target[SEQUENCE];
    hosts = new String[SEQUENCE];
    int hits = 0;
    for (int i = 0; i < SEQUENCE; i++) {
      targets[i] = new Target(pool.get(sequence[i]), 443, "");
      hosts[i] = targets[i].host();
      hits += uncached.categorise(targets[i]).isEmpty() ? 0 : 1;
    }
    before = BenchData.usedHeapAfterGc();
    for (Target t : targets) {
      categoriser.categorise(t);
    }
    long cache = BenchData.usedHeapAfterGc() - before;
    System.out.printf("host cache after one pass over the mix: %s, %.1f MB = %.0f B/host%n",
        categoriser.hostCacheStats(), cache / 1e6, (double) cache / categoriser.hostCacheStats().size());
    System.out.printf(
        "%n%d domain entries (%d distinct) loaded and compiled in %d ms; retained heap %.1f MB = %.1f B/entry;"
            + " naive HashSet of %d names %.1f MB = %.1f B/name; query mix %.1f%% hits%n",
        categoriser.domainCount(), categoriser.distinctDomainCount(), loadMs, compact / 1e6,
        (double) compact / categoriser.domainCount(), baseline.size(), naive / 1e6,
        (double) naive / baseline.size(), 100.0 * hits / SEQUENCE);
  }

  /** Per-thread position in the shared query sequence. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    int advance() {
      int i = next;
      next = (i + 1) & (SEQUENCE - 1);
      return i;
    }
  }

  @Benchmark
  public Categorisation categoriseCached(Cursor cursor) {
    return categoriser.categorise(targets[cursor.advance()]);
  }

  @Benchmark
  public Categorisation categoriseUncached(Cursor cursor) {
    return uncached.categorise(targets[cursor.advance()]);
  }

  @Benchmark
  public boolean hashSetBaseline(Cursor cursor) {
    String d = hosts[cursor.advance()];
    while (true) {
      if (baseline.contains(d)) {
        return true;
      }
      int dot = d.indexOf('.');
      if (dot < 0) {
        return false;
      }
      d = d.substring(dot + 1);
    }
  }
}
