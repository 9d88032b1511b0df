package org.webfilter.categoriser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PhraseScorerTest {

  /** The shipped lists, read from the repository's conf/phrases. */
  static final Path SHIPPED = Path.of("../conf/phrases/english");
  /** E2Guardian's UK English lists (GPL data: used in tests only, never shipped). */
  static final Path E2G = SharedData.dir().resolve("e2guardian/lists/phraselists/ukenglish");

  private static PhraseScorer shipped;

  @BeforeAll
  static void load() {
    PhraseScorer.Builder b = PhraseScorer.builder();
    List<ListProblem> problems = b.addLanguageFolder(SHIPPED);
    assertEquals(List.of(), problems);
    shipped = b.build();
    assertTrue(shipped.size() > 60, "entries: " + shipped.size());
  }

  private static PhraseScorer of(String category, String... lines) {
    PhraseScorer.Builder b = PhraseScorer.builder();
    for (int i = 0; i < lines.length; i++) {
      String problem = b.addLine(category, lines[i], "test", i + 1);
      assertEquals(null, problem, lines[i]);
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
    "Scunthorpe United", "Essex", "Sussex", "Middlesex", "Penistone", "analysis of variance", "cocktail sticks",
    "therapist near me", "Dick Whittington pantomime", "sextant navigation", "breast cancer screening",
    "sex education", "relationships and sex education lesson", "Shitterton", "Clitheroe castle", "Cockermouth",
    "assassin's creed", "grape", "sexagesimal", "Arsenal", "hotel Pratt's", "Wankie", "cumulative frequency",
    "specialist", "manuscript", "document", "analyse", "classic", "bassoon", "pussy willow",
  })
  void score_innocentWordsAndPlaces_zeroInAdult(String text) {
    assertTrue(shipped.score(text).score("adult") <= 0, () -> text + ": " + shipped.score(text).matches());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
    "free porn", "FREE PORN", "fr33 p0rn", "free pr0n videos then free p0rn", "fréé pörn", "free pooorn",
    "free p.o.r.n", "free p-o-r-n", "free p o r n", "s3x videos", "$ex video", "seeex cam", "xxx", "hentai",
    "masturbation", "/search?q=free+porn",
  })
  void score_obfuscatedRealTerms_stillScoreInAdult(String text) {
    assertTrue(shipped.score(text).score("adult") >= 40, () -> text + ": " + shipped.score(text));
  }

  @Test
  void score_combination_needsEveryPart_andCountsOnce() {
    PhraseScorer s = of("gambling", "<online>,<casino><50>", "<casino><10>");
    assertEquals(10, s.score("casino royale").score("gambling"));
    assertEquals(60, s.score("online casino, best casino online").score("gambling"));
    assertEquals(2, s.score("online casino").matches().size());
  }

  @Test
  void score_negativeWeights_subtract_andEvidenceNamesSource() {
    PhraseScorer s = of("adult", "<sex><20>", "<sex education><-30>");
    PhraseScore score = s.score("Sex Education year 9");
    assertEquals(-10, score.score("adult"));
    PhraseMatch negative = score.matches().stream().filter(m -> m.weight() < 0).findFirst().orElseThrow();
    assertEquals("<sex education>", negative.phrase());
    assertEquals("test:2", negative.source());
  }

  @Test
  void score_scoresPerCategory_inOnePass() {
    PhraseScore score = shipped.score("how to make a bomb and kill myself");
    assertTrue(score.score("extremist") >= 90, score.toString());
    assertTrue(score.score("self-harm") >= 80, score.toString());
    assertEquals(0, score.score("adult"));
  }

  @Test
  void score_helpSeeking_lowersSelfHarmScore() {
    assertTrue(shipped.score("self harm samaritans childline").score("self-harm") < 0);
    assertTrue(shipped.score("self harm").score("self-harm") > 0);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "<sex> | expected <phrase><weight>",
    "<sex><lots> | weight is not a whole number",
    "<sex><10 | unclosed '<'",
    "sex<10> | expected '<'",
    "<!!!><10> | no letters or digits",
    ".Include</etc/e2guardian/x> | not supported",
  })
  void addLine_badLines_reportWhatIsWrong(String line, String message) {
    String problem = PhraseScorer.builder().addLine("x", line, "f", 1);
    assertNotNull(problem);
    assertTrue(problem.contains(message), problem);
  }

  @Test
  void e2guardianPornographyList_loads_andScoresUrlsQuickly() {
    PhraseScorer.Builder b = PhraseScorer.builder();
    List<ListProblem> problems = b.addFile("adult", E2G.resolve("pornography/weighted"));
    PhraseScorer s = b.build();
    assertTrue(s.size() > 4000, "entries " + s.size());
    assertTrue(problems.size() < 50, problems.subList(0, Math.min(5, problems.size())).toString());
    assertTrue(s.score("hardcore porn videos").score("adult") > 0);
    String url = "www.example.com/search?q=history+of+the+industrial+revolution+in+essex+and+sussex";
    long t0 = System.nanoTime();
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      s.score(url);
    }
    double perSecond = n / ((System.nanoTime() - t0) / 1e9);
    System.out.printf("E2Guardian pornography list: %d entries, %d problems, %.0f URLs/s%n",
        s.size(), problems.size(), perSecond);
  }
}
