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
 * side by side with a naive {@code HashSet<String>} parent-domain walk as the baseline.
 *
 * <p>{@link #categorise} is the production path and builds the evidence (category, entry, file:line) for
 * every hit; {@link #hashSetBaseline} only answers "listed or not", so it does less work per hit.
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

  Categoriser categoriser;
  Set<String> baseline;
  Target[] targets;
  String[] hosts;

  @Setup(Level.Trial)
  public void setUp() {
    Path data = BenchData.root();
    long before = BenchData.usedHeapAfterGc();
    long t0 = System.nanoTime();
    categoriser = BenchData.loadAll(data);
    long loadMs = (System.nanoTime() - t0) / 1_000_000;
    long compact = BenchData.usedHeapAfterGc() - before;

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
      hits += categoriser.categorise(targets[i]).isEmpty() ? 0 : 1;
    }
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
  public Categorisation categorise(Cursor cursor) {
    return categoriser.categorise(targets[cursor.advance()]);
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
