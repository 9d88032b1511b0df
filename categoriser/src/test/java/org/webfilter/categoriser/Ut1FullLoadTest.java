package org.webfilter.categoriser;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Loads the real UT1 data from ../shared/data/ut1 (never copied into the repository). */
class Ut1FullLoadTest {

  static final Path UT1 = Path.of("../../shared/data/ut1");

  @Test
  void loadsAllOfUt1_andFindsKnownEntriesInSeveralCategories() {
    assertTrue(Files.isDirectory(UT1), "shared data missing at " + UT1.toAbsolutePath());
    Categoriser.Builder b = Categoriser.builder();
    ListLoader.Report r =
        ListLoader.loadUt1Root(UT1, new CategoryMap(Map.of("agressif", "hate", "drogue", "drugs")), b);
    Categoriser c = b.build();
    System.out.printf("UT1: %d domain lines, %d URL lines, %d categories, %d problems, %d distinct domain entries%n",
        r.domains(), r.urls(), r.categories(), r.problems().size(), c.domainCount());
    r.problems().stream().limit(20).forEach(p -> System.out.println("  " + p));
    assertTrue(r.domains() > 1_000_000, "domains: " + r.domains());
    assertTrue(r.problems().size() < 100, "too many unusable lines: " + r.problems().size());
    assertTrue(has(c, "10minutemail.com", "/", "webmail"));
    assertTrue(has(c, "www.bet365.com", "/", "gambling"));
    assertTrue(has(c, "bet365.com", "/", "phishing") || has(c, "bet365.com", "/", "malware"));
    assertTrue(has(c, "subdomain.10minutemail.com", "", "webmail"));
    assertTrue(c.categorise(new Target("www.bbc.co.uk", 443, "")).categories().stream()
        .noneMatch(cat -> cat.equals("adult") || cat.equals("webmail")));
  }

  private static boolean has(Categoriser c, String host, String path, String category) {
    return c.categorise(new Target(host, 443, path)).categories().contains(category);
  }
}
