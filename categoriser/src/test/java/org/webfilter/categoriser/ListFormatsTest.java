package org.webfilter.categoriser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hosts files, plain domain files, expression files, and files that are not lists at all. */
class ListFormatsTest {

  @TempDir Path dir;

  private Path write(String name, String... lines) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, List.of(lines));
    return p;
  }

  @Test
  void loadHosts_readsNamesAfterTheAddress_skipsLocalhostAndComments() throws IOException {
    Path f = write("hosts",
        "# a hosts file", "127.0.0.1 localhost", "::1 localhost ip6-localhost ip6-loopback",
        "0.0.0.0 0.0.0.0", "0.0.0.0 ads.example  # trailing", "127.0.0.1\tone.example two.example",
        "bare.example", "0.0.0.0 bad host!");
    Categoriser.Builder b = Categoriser.builder();
    ListLoader.Report r = ListLoader.loadHosts(f, "adult", b);
    Categoriser c = b.build();
    assertEquals(5, r.domains(), "ads, one, two, bare, host");
    assertEquals(1, r.problems().size(), r.problems().toString());
    assertEquals(8, r.problems().get(0).line());
    for (String host : List.of("ads.example", "x.one.example", "two.example", "bare.example")) {
      assertEquals(Set.of("adult"), c.categorise(new Target(host, 80, "/")).categories(), host);
    }
    assertTrue(c.categorise(new Target("localhost", 80, "/")).isEmpty());
  }

  @Test
  void loadDomains_readsRealPlainFiles_fromSharedData() {
    Path data = SharedData.dir();
    Categoriser.Builder b = Categoriser.builder();
    ListLoader.Report hosts = ListLoader.loadDomains(data.resolve("hosts/hategroup-dnsbl/extremist/domains"), "extremist", b);
    ListLoader.Report blp = ListLoader.loadDomains(data.resolve("blocklistproject/vaping.txt"), "drugs", b);
    assertTrue(hosts.domains() > 400, hosts.toString());
    assertTrue(blp.domains() > 90, blp.toString());
    assertTrue(hosts.problems().isEmpty() && blp.problems().isEmpty(), hosts.problems() + " " + blp.problems());
  }

  @ParameterizedTest(name = "{0} on {1}{2}: {3}")
  @CsvSource({
    "(/banner/|/sponsor/), ads.example, /img/BANNER/x.gif, true",
    "(/banner/|/sponsor/), ads.example, /img/x.gif, false",
    "^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+/search\\?q=[0-9]+$, 10.1.2.3, /search?q=42, true",
    "^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+/search\\?q=[0-9]+$, 10.1.2.3, /search?q=cats, false",
    "(^|[-?+=/_])(porn|xxx)s?([-.?+=/_]|$), www.example.com, /free-xxx-videos, true",
    "(^|[-?+=/_])(porn|xxx)s?([-.?+=/_]|$), www.example.com, /sussex/, false",
  })
  void expressions_matchHostAndPath_caseInsensitively(String regex, String host, String path, boolean hit)
      throws IOException {
    Path f = write("expressions", regex);
    Categoriser.Builder b = Categoriser.builder();
    assertTrue(ListLoader.loadExpressions(f, "ads", b).problems().isEmpty());
    Categorisation found = b.build().categorise(new Target(host, 80, path));
    assertEquals(hit, found.categories().contains("ads"));
    if (hit) {
      Evidence e = found.evidence().get(0);
      assertEquals(Evidence.Kind.REGEX, e.kind());
      assertEquals(regex, e.entry());
      assertTrue(e.source().endsWith("expressions:1"), e.source());
    }
  }

  @Test
  void expression_thatDoesNotCompile_isReportedWithFileAndLine_andSkipped() throws IOException {
    Path f = write("expressions", "good(", "(fine|ok)", "a{2,1}");
    Categoriser.Builder b = Categoriser.builder();
    ListLoader.Report r = ListLoader.loadExpressions(f, "x", b);
    assertEquals(List.of(1, 3), r.problems().stream().map(ListProblem::line).toList(), r.problems().toString());
    assertTrue(r.problems().get(0).toString().contains("expressions:1: not a regular expression"));
    assertEquals(1, b.build().expressionCount());
  }

  @Test
  void catastrophicExpression_matchesInLinearTime() throws IOException {
    Path f = write("expressions", "(a+)+$", "(a|aa)*c");
    Categoriser.Builder b = Categoriser.builder();
    ListLoader.loadExpressions(f, "x", b);
    Categoriser c = b.build();
    String path = "/" + "a".repeat(5000) + "!";
    assertTimeoutPreemptively(Duration.ofSeconds(2), () -> c.categorise(new Target("a.test", 80, path)));
  }

  @Test
  void specificity_urlOverDomainOverRegex() {
    Evidence regex = new Evidence("c", "a-very-long-expression-indeed.*", Evidence.Kind.REGEX, "f:1");
    Evidence domain = new Evidence("c", "a.example", Evidence.Kind.DOMAIN, "f:1");
    Evidence url = new Evidence("c", "a.example/x", Evidence.Kind.URL, "f:1");
    assertTrue(url.specificity() > domain.specificity());
    assertTrue(domain.specificity() > regex.specificity());
  }

  @Test
  void binaryAndOverlongLines_areReported_andProblemsCappedPerFile() throws IOException {
    Path f = dir.resolve("junk");
    byte[] junk = new byte[200_000];
    new Random(1).nextBytes(junk);
    String longLine = "x".repeat(1_000_000);
    Files.write(f, junk);
    Files.writeString(f, "\n" + longLine + "\nok.example\n", java.nio.file.StandardOpenOption.APPEND);
    Categoriser.Builder b = Categoriser.builder();
    ListLoader.Report r = ListLoader.loadDomains(f, "x", b);
    assertEquals(ListLoader.MAX_PROBLEMS_PER_FILE + 1, r.problems().size());
    assertTrue(r.problems().get(r.problems().size() - 1).message().endsWith("more unusable lines not listed"));
    assertTrue(b.build().categorise(new Target("ok.example", 80, "/")).categories().contains("x"));
  }
}
