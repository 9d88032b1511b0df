package org.webfilter.categoriser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Loads the real UT1 data from ../shared/data/ut1 (never copied into the repository), once for the
 * class, and checks correctness, heap per domain and a rough lookup rate (the JMH benchmark in
 * benchmarks/ gives the real figure).
 */
class Ut1FullLoadTest {

  static final Path UT1 = SharedData.dir().resolve("ut1");

  private static Categoriser c;
  private static ListLoader.Report report;
  private static long heapBytes;
  private static long loadMillis;

  @BeforeAll
  static void load() {
    assertTrue(Files.isDirectory(UT1), "shared data missing at " + UT1.toAbsolutePath());
    long before = usedHeapAfterGc();
    long t0 = System.nanoTime();
    Categoriser.Builder b = Categoriser.builder();
    report = ListLoader.loadUt1Root(UT1, new CategoryMap(Map.of("agressif", "hate", "drogue", "drugs")), b);
    c = b.build();
    loadMillis = (System.nanoTime() - t0) / 1_000_000;
    b = null; // the builder's maps are garbage once built
    heapBytes = usedHeapAfterGc() - before;
    System.out.printf(
        "UT1: %d domain lines, %d URL lines, %d expressions, %d categories, %d problems, %d distinct domains;"
            + " load+compile %d ms; retained heap %.1f MB = %.1f bytes/domain entry (%.1f per distinct)%n",
        report.domains(), report.urls(), c.expressionCount(), report.categories(), report.problems().size(),
        c.distinctDomainCount(), loadMillis, heapBytes / 1e6, (double) heapBytes / c.domainCount(),
        (double) heapBytes / c.distinctDomainCount());
    report.problems().stream().limit(20).forEach(p -> System.out.println("  " + p));
  }

  @Test
  void loadsAllOfUt1_andFindsKnownEntriesInSeveralCategories() {
    assertTrue(report.domains() > 1_000_000, "domains: " + report.domains());
    assertTrue(report.problems().size() < 100, "too many unusable lines: " + report.problems().size());
    assertTrue(has(c, "10minutemail.com", "/", "webmail"));
    assertTrue(has(c, "www.bet365.com", "/", "gambling"));
    assertTrue(has(c, "bet365.com", "/", "phishing") || has(c, "bet365.com", "/", "malware"));
    assertTrue(has(c, "subdomain.10minutemail.com", "", "webmail"));
    assertTrue(c.categorise(new Target("www.bbc.co.uk", 443, "")).categories().stream()
        .noneMatch(cat -> cat.equals("adult") || cat.equals("webmail")));
  }

  @Test
  void everyListedDomain_isFound_andEvidenceNamesItsLine() throws Exception {
    Path file = UT1.resolve("gambling/domains");
    List<String> lines = Files.readAllLines(file);
    int checked = 0;
    for (int i = 0; i < lines.size(); i += 97) {
      String d = lines.get(i).strip();
      if (d.isEmpty() || d.startsWith("#") || d.matches("[0-9.]+")) { // an IP entry has no subdomains
        continue;
      }
      int line = i + 1;
      boolean found = c.categorise(new Target("x." + d, 80, "/")).evidence().stream()
          .anyMatch(e -> e.category().equals("gambling") && e.source().equals(file + ":" + line));
      assertTrue(found, d + " (line " + line + ")");
      checked++;
    }
    assertTrue(checked > 300, "checked " + checked);
  }

  /** Target from the issue: at most 40 bytes of heap per domain, all categories together. */
  @Test
  void heapPerDomain_isAtMost40Bytes() {
    assertTrue(heapBytes > 0, "measurement failed: " + heapBytes);
    double perDomain = (double) heapBytes / c.domainCount();
    assertTrue(perDomain <= 40, String.format("%.1f bytes per domain", perDomain));
  }

  @Test
  void lookupRate_isPrinted_andMissesReturnNone() {
    List<String> hosts = new ArrayList<>();
    Random r = new Random(42);
    List<String> sample = new ArrayList<>();
    try {
      sample = Files.readAllLines(UT1.resolve("shopping/domains")).stream()
          .filter(d -> !d.isBlank() && !d.matches("[0-9.]+")).toList();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    for (int i = 0; i < 20_000; i++) {
      hosts.add(i % 2 == 0
          ? "www." + sample.get(r.nextInt(sample.size())).strip()
          : "host" + r.nextInt(1_000_000) + ".no-such-site-" + i + ".test");
    }
    List<Target> targets = hosts.stream().map(h -> new Target(h, 443, "")).toList();
    int hits = 0;
    long t0 = System.nanoTime();
    for (int round = 0; round < 5; round++) {
      for (Target t : targets) {
        hits += c.categorise(t).isEmpty() ? 0 : 1;
      }
    }
    double perSecond = 5.0 * targets.size() / ((System.nanoTime() - t0) / 1e9);
    System.out.printf("UT1: %.2f M lookups/s (50%% hits, domains + URLs + 5 RE2/J expressions, JIT warming up;"
        + " see the JMH benchmark)%n", perSecond / 1e6);
    assertEquals(5 * targets.size() / 2, hits, "every www.<listed> host hits, every .test host misses");
  }

  private static boolean has(Categoriser c, String host, String path, String category) {
    return c.categorise(new Target(host, 443, path)).categories().contains(category);
  }

  private static long usedHeapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
