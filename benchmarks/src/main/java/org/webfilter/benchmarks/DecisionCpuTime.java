package org.webfilter.benchmarks;

import java.lang.management.ManagementFactory;
import org.webfilter.policy.Decision;

/**
 * {@link DecisionBenchmark}'s decisions measured in CPU time and bytes allocated by the deciding
 * thread, not wall-clock time: on a machine shared with other builds (2 cores, load average well
 * above 2) a thread waits for a core much of the time, and JMH's throughput then measures the
 * queue more than the code. Same configuration, lists, mix and instant as {@code DecisionBenchmark}.
 *
 * <p>Run from the repository root (figures in docs/benchmarks.md, "Whole decisions"); the
 * arguments are rounds and seconds per round, after a warm-up of the same length, and {@code
 * explain} to read the reason trace of every blocked decision as the proxy's block page does:
 *
 * <pre>
 * mvn -q -o package -DskipTests -pl benchmarks -am
 * java -Xmx2g -cp benchmarks/target/benchmarks.jar org.webfilter.benchmarks.DecisionCpuTime 5 3 [explain]
 * </pre>
 *
 * <p>It uses only {@code DecisionBenchmark}'s public methods, so it can also measure an older build:
 * put this class's folder before that build's {@code benchmarks.jar} on the class path.
 */
public final class DecisionCpuTime {

  private DecisionCpuTime() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    boolean explain = args.length > 2 && args[2].equals("explain");
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    DecisionBenchmark b = new DecisionBenchmark();
    b.load();
    long sink = 0;
    for (int round = -1; round < rounds; round++) { // round -1: warm-up
      long wall0 = System.nanoTime();
      long cpu0 = threads.getCurrentThreadCpuTime();
      long bytes0 = threads.getThreadAllocatedBytes(self);
      long n = 0;
      long end = wall0 + (long) (seconds * 1e9);
      while ((n & 1023) != 0 || System.nanoTime() < end) {
        Decision d = b.identifyAndDecide();
        sink += d.rule().length() + d.verdict().ordinal();
        if (explain && d.blocked()) {
          sink += d.trace().get(d.trace().size() - 1).length();
        }
        n++;
      }
      long cpu = threads.getCurrentThreadCpuTime() - cpu0;
      long wall = System.nanoTime() - wall0;
      long bytes = threads.getThreadAllocatedBytes(self) - bytes0;
      System.out.printf("%s%s %,d decisions: %.2f us CPU each (%,.0f per CPU-second), %,.0f per wall-second"
              + " (%.0f %% on a core), %,.0f B each%n",
          explain ? "explain " : "", round < 0 ? "warm-up" : "round " + (round + 1), n, cpu / 1e3 / n, n / (cpu / 1e9),
          n / (wall / 1e9), 100.0 * cpu / wall, (double) bytes / n);
    }
    System.out.println("(sink " + (sink & 1) + ")");
  }
}
