package org.webfilter.benchmarks;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.Decision;
import org.webfilter.policy.Identification;
import org.webfilter.policy.Policy;
import org.webfilter.policy.PolicyLoader;
import org.webfilter.policy.config.ConfigOverrides;

/**
 * A whole request decision as the proxy makes it: identity from the client network, categorisation
 * against the shipped lists plus all of UT1, and the shipped {@code pupil} policy with its time rules,
 * allow-lists and phrase threshold — for a Zipf mix of hits and misses, half of them full URLs with a
 * path (URL lists and phrases apply) and half CONNECT-style host-only targets, at a school-day instant.
 *
 * <p>Run from the repository root (figures in docs/benchmarks.md):
 *
 * <pre>
 * mvn -q -o package -DskipTests -pl benchmarks -am
 * java -Xmx2g -jar benchmarks/target/benchmarks.jar DecisionBenchmark -f 1 -wi 2 -w 3s -i 3 -r 3s -t 1 -prof gc
 * </pre>
 *
 * <p>On a shared machine, {@link DecisionCpuTime} measures the same decisions in CPU time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DecisionBenchmark {
  private static final int POOL = 100_000;
  private static final Instant SCHOOL_DAY = Instant.parse("2026-11-24T10:15:00Z");

  private Policy policy;
  private Target[] targets;
  private int[] sequence;
  private InetAddress pupil;
  private int next;

  @Setup
  public void load() throws Exception {
    Path data = BenchData.root();
    policy = PolicyLoader.load(Path.of("conf/webfilter.yaml"),
        new ConfigOverrides(Path.of("target/bench-data"), null, null, List.of(data.resolve("ut1")), null, java.util.Map.of()))
        .policy();
    List<String> hosts = BenchData.pool(BenchData.allEntries(data), POOL, 0.35, 42);
    targets = new Target[POOL];
    for (int i = 0; i < POOL; i++) {
      String h = hosts.get(i);
      targets[i] = i % 2 == 0 ? Target.parse("http://" + h + "/search?q=homework+help&page=" + i) : Target.ofConnect(h + ":443");
    }
    sequence = BenchData.zipfSequence(POOL, 1.0, 1 << 20, 7);
    pupil = InetAddress.getByName("127.0.0.1");
  }

  @Benchmark
  public Decision identifyAndDecide() {
    Target t = targets[sequence[next++ & (sequence.length - 1)]];
    Identification id = policy.identify(pupil, null);
    String role = ((Identification.Identified) id).identity().role();
    return policy.decide(role, t, SCHOOL_DAY);
  }

  /**
   * As the proxy uses a decision: a blocked request's reason trace is read for its block page (the
   * policy writes a trace only when it is read), an allowed one's is not.
   */
  @Benchmark
  public Object identifyDecideAndExplainBlocks() {
    Decision d = identifyAndDecide();
    return d.blocked() ? d.trace().get(d.trace().size() - 1) : d;
  }
}
