package org.webfilter.benchmarks;

import java.io.BufferedWriter;
import java.io.FileWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.Decision;
import org.webfilter.policy.Policy;
import org.webfilter.policy.PolicyLoader;
import org.webfilter.policy.config.ConfigOverrides;

/**
 * Writes a fingerprint of every field of 1,000,000 decisions — verdict, rule, reason, blocked
 * category, categories and the whole reason trace — one line each: {@link DecisionBenchmark}'s
 * configuration and 100,000 hosts (all of UT1) with search, image, banner and cache paths or as
 * tunnels, for five roles at a school-day morning and lunchtime. Two builds decide alike when their
 * files are the same, so a change meant to make deciding cheaper can be checked against the whole
 * lists, not only the unit tests' recording ({@code DecisionGoldenTest}).
 *
 * <pre>
 * mvn -q -o package -DskipTests -pl benchmarks -am
 * java -Xmx2g -cp benchmarks/target/benchmarks.jar org.webfilter.benchmarks.DecisionDump /tmp/new.txt
 * # an older build: this class in front of its benchmarks.jar (as for DecisionCpuTime)
 * java -Xmx2g -cp /tmp/h:/tmp/old-benchmarks.jar org.webfilter.benchmarks.DecisionDump /tmp/old.txt
 * cmp /tmp/old.txt /tmp/new.txt
 * </pre>
 */
public final class DecisionDump {

  private DecisionDump() {}

  public static void main(String[] a) throws Exception {
    Path data = BenchData.root();
    Policy policy = PolicyLoader.load(Path.of("conf/webfilter.yaml"),
        new ConfigOverrides(Path.of("target/bench-data"), null, null, List.of(data.resolve("ut1")), null, Map.of())).policy();
    List<String> hosts = BenchData.pool(BenchData.allEntries(data), 100_000, 0.35, 42);
    String[] paths = {"/search?q=homework+help&page=", "/search?q=free+porn+videos&x=", "/", "/images?q=tbn:", "/banner/x", "/search?q=cache:x+sex&n="};
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (PrintWriter out = new PrintWriter(new BufferedWriter(new FileWriter(a[0])))) {
      long n = 0;
      Map<String, Integer> verdicts = new TreeMap<>();
      for (String role : List.of("pupil", "pupil-primary", "sixth-form", "staff", "guest")) {
        for (Instant at : List.of(Instant.parse("2026-11-24T10:15:00Z"), Instant.parse("2026-11-24T12:30:00Z"))) {
          for (int i = 0; i < hosts.size(); i++) {
            String h = hosts.get(i);
            Target t = i % 3 == 0 ? Target.ofConnect(h + ":443") : Target.parse("http://" + h + paths[i % paths.length] + i);
            Decision d = policy.decide(role, t, at);
            String line = d.verdict() + "|" + d.rule() + "|" + d.reason() + "|" + d.blockedCategory() + "|"
                + new TreeSet<>(d.categories()) + "|" + String.join("\n", d.trace());
            verdicts.merge(d.verdict() + " " + role, 1, Integer::sum);
            byte[] dig = md.digest(line.getBytes(StandardCharsets.UTF_8));
            out.println(HexFormat.of().formatHex(dig, 0, 8));
            n++;
          }
        }
      }
      System.out.println(n + " decisions " + verdicts);
    }
  }
}
