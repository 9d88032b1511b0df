package org.webfilter.categoriser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListLoaderTest {

  @TempDir Path root;

  private Categoriser load(Map<String, String> map) throws IOException {
    Categoriser.Builder b = Categoriser.builder();
    ListLoader.Report r = ListLoader.loadUt1Root(root, new CategoryMap(map), b);
    assertTrue(r.problems().isEmpty(), r.problems().toString());
    return b.build();
  }

  private void write(String rel, String... lines) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, List.of(lines));
  }

  @ParameterizedTest
  @CsvSource({
    "example.com, true",
    "www.example.com, true",
    "a.b.example.com, true",
    "EXAMPLE.COM., true",
    "notexample.com, false",
    "example.com.evil.test, false",
    "com, false"
  })
  void domainEntry_coversItselfAndSubdomains_only(String host, boolean hit) throws IOException {
    write("adult/domains", "example.com");
    Categoriser c = load(Map.of());
    assertEquals(hit, c.categorise(new Target(host, 80, "/")).categories().contains("adult"));
  }

  @Test
  void categoryMap_renamesFolders_ignoresSome_andKeepsUnmappedNames() throws IOException {
    write("agressif/domains", "angry.test");
    write("liste_blanche/domains", "white.test");
    write("jobsearch/domains", "jobs.test");
    Categoriser c = load(Map.of("agressif", "hate", "liste_blanche", CategoryMap.IGNORE));
    assertEquals(Set.of("hate"), c.categorise(new Target("angry.test", 80, "/")).categories());
    assertTrue(c.categorise(new Target("white.test", 80, "/")).isEmpty());
    assertEquals(Set.of("jobsearch"), c.categorise(new Target("jobs.test", 80, "/")).categories());
  }

  @Test
  void commentsAndBlankLines_areSkipped_malformedLines_reportedWithFileAndLine() throws IOException {
    write("adult/domains", "# header", "", "good.test", "bad host.test", "  spaced.test  # trailing", "a..b");
    Categoriser.Builder b = Categoriser.builder();
    ListLoader.Report r = ListLoader.loadUt1Root(root, CategoryMap.identity(), b);
    Categoriser c = b.build();
    assertEquals(2, r.domains());
    assertEquals(2, r.problems().size(), r.problems().toString());
    ListProblem first = r.problems().get(0);
    assertEquals(root.resolve("adult/domains").toString(), first.file());
    assertEquals(4, first.line());
    assertTrue(first.toString().endsWith("adult/domains:4: not a host name: 'bad host.test'"), first.toString());
    assertEquals(6, r.problems().get(1).line());
    assertTrue(c.categorise(new Target("spaced.test", 80, "/")).categories().contains("adult"));
  }

  @Test
  void evidence_namesEntryAndSource() throws IOException {
    write("webmail/domains", "# c", "mail.test");
    Categoriser c = load(Map.of());
    Evidence e = c.categorise(new Target("inbox.mail.test", 443, "")).evidence().get(0);
    assertEquals("mail.test", e.entry());
    assertEquals(Evidence.Kind.DOMAIN, e.kind());
    assertTrue(e.source().endsWith("webmail/domains:2"), e.source());
  }

  @ParameterizedTest
  @CsvSource({
    "www.games.test, /flash/x.swf, true",
    "games.test, /flash, true",
    "games.test, /flash?x=1, true",
    "games.test, /FLASH/y, true",
    "games.test, /flashy, false",
    "games.test, /, false",
    "other.games.test, /flash, false"
  })
  void urlEntry_matchesPathAndBelow_squidGuardStyle(String host, String path, boolean hit) throws IOException {
    write("games/urls", "http://www.games.test/flash");
    Categoriser c = load(Map.of());
    assertEquals(hit, c.categorise(new Target(host, 80, path)).categories().contains("games"));
  }

  @Test
  void urlEntries_areNotCheckedForTunnels_whosePathIsUnknown() throws IOException {
    write("games/urls", "games.test/flash");
    Categoriser c = load(Map.of());
    assertTrue(c.categorise(Target.ofConnect("games.test:443")).isEmpty());
  }

  @Test
  void ipEntries_matchOnlyThemselves() throws IOException {
    write("malware/domains", "10.1.2.3", "2001:db8::1");
    Categoriser c = load(Map.of());
    assertTrue(c.categorise(new Target("10.1.2.3", 80, "/")).categories().contains("malware"));
    assertTrue(c.categorise(Target.parse("http://[2001:db8::1]/x")).categories().contains("malware"));
    assertTrue(c.categorise(new Target("1.2.3", 80, "/")).isEmpty());
  }

  @Test
  void oneHostInSeveralCategories_returnsEach() throws IOException {
    write("gambling/domains", "bet.test");
    write("phishing/domains", "bet.test");
    Categoriser c = load(Map.of());
    assertEquals(Set.of("gambling", "phishing"), c.categorise(new Target("www.bet.test", 80, "/")).categories());
  }

  @Test
  void missingRoot_isReportedNotThrown() {
    ListLoader.Report r =
        ListLoader.loadUt1Root(root.resolve("nope"), CategoryMap.identity(), Categoriser.builder());
    assertEquals(1, r.problems().size());
  }
}
