package org.webfilter.categoriser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.PatternSyntaxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The literal prefilter in front of the expressions must never change an answer: every test here
 * compares {@link ExpressionMatcher#match} with trying every expression ({@link
 * ExpressionMatcher#matchUnfiltered}).
 */
class ExpressionPrefilterTest {

  private static final Path UT1 = SharedData.dir().resolve("ut1");

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
    "(/banner/|/sponsor/); [/banner/, /sponsor/]",
    "^[0-9]+\\.[0-9]+/search\\?q=[0-9]+$; [/search?q=]",
    "Casino[s]?; [casinos, casino]",
    "google\\..*/search.q=cache; [google.]",
    "(porn|xxx)s?[-_]; [porns-, porns_, porn-, porn_, xxxs-, xxxs_, xxx-, xxx_]",
    "a+b{2,}c; [a]",
    "(?i)ABC(?:def)?; [abcdef, abc]",
  })
  void requiredLiterals_ofTypicalExpressions(String regex, String expected) {
    assertEquals(expected, String.valueOf(RequiredLiterals.of(regex)));
  }

  /** Every literal a match cannot do without, all of them, not only the most selective. */
  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
    "(/banner/|/sponsor/); AnyOf[literals=[/banner/, /sponsor/]]",
    "alltheweb.com/search.*cat=img; AllOf[parts=[AnyOf[literals=[alltheweb]], AnyOf[literals=[com/search]], AnyOf[literals=[cat=img]]]]",
    "(google\\..*/search.q=cache)|(bing\\.com/videos); OneOf[branches=[AllOf[parts=[AnyOf[literals=[google.]], AnyOf[literals=[/search]], AnyOf[literals=[q=cache]]]], AnyOf[literals=[bing.com/videos]]]]",
    "a+b{2,}c; AllOf[parts=[AnyOf[literals=[a]], AnyOf[literals=[b]], AnyOf[literals=[c]]]]",
  })
  void need_ofTypicalExpressions(String regex, String expected) {
    assertEquals(expected, String.valueOf(RequiredLiterals.need(regex)));
  }

  /**
   * UT1's {@code strong_redirector} on an ordinary search: with only its most selective literal per
   * branch ({@code com/search}) it ran on every {@code .com} search; its whole need rules it out.
   */
  @Test
  void ordinarySearch_doesNotRunAnExpressionThatNeedsMoreOfItsLiterals() {
    String regex = "((google\\..*/search\\?q=cache.*)|(alltheweb.com/search.*cat=img.*q=.*))(porn|sex)";
    ExpressionMatcher m = new ExpressionMatcher(List.of(entry(regex)));
    assertEquals(false, m.candidates("www.example.com/search?q=homework+help")[0]);
    assertEquals(false, m.candidates("www.google.com/search?q=homework+help")[0]);
    assertEquals(true, m.candidates("alltheweb.com/search?cat=img&q=sex")[0]);
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
    ".*", "a*", "(abc)?", "abc|", "[a-z]+", "\\Qabc\\E", "\\x41bc", "x|.*", "(a|b)*", "é+",
    "pre(?i)?post" // RE2 applies the ? to the 'e' before the flags: found by the random test
  })
  void requiredLiterals_none_whenAMatchNeedsNoLiteral_orTheSyntaxIsUnusual(String regex) {
    assertNull(RequiredLiterals.of(regex));
  }

  /** Every real UT1 expression against real URLs from the lists, many built to match. */
  @Test
  void realUt1Expressions_onRealUrls_sameMatchesAsWithoutPrefilter() throws IOException {
    List<ExpressionMatcher.Entry> entries = new ArrayList<>();
    try (Stream<Path> s = Files.list(UT1)) {
      for (Path folder : s.sorted().toList()) {
        for (String file : List.of("expressions", "very_restrictive_expression")) {
          Path f = folder.resolve(file);
          if (Files.isRegularFile(f)) {
            for (String line : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
              if (!line.isBlank()) {
                entries.add(entry(line.strip()));
              }
            }
          }
        }
      }
    }
    assertTrue(entries.size() >= 7, "UT1 has seven expressions: " + entries.size());
    ExpressionMatcher m = new ExpressionMatcher(entries);

    List<String> hosts = new ArrayList<>();
    List<String> subjects = new ArrayList<>();
    Random r = new Random(5);
    for (String folder : List.of("adult", "gambling", "redirector", "strong_redirector", "publicite", "malware")) {
      for (String url : lines(UT1.resolve(folder).resolve("urls"))) {
        int slash = url.indexOf('/');
        subjects.add(url);
        if (slash > 0) {
          hosts.add(url.substring(0, slash));
        }
      }
      lines(UT1.resolve(folder).resolve("domains")).stream().limit(2_000).forEach(hosts::add);
    }
    String[] paths = {"", "/", "/search?q=cache:example.com+porn", "/search?q=cache:x", "/images?q=tbn:abc",
        "/IMAGES?safe=off&q=nude+girl", "/videos/search?q=hot+babe", "/image?query=sex", "/image/results?q=teen",
        "/banner/ad.gif", "/Advertisement/x", "/adverts/1", "/event.ng/type=ad", "/ymsgr.exe", "/search?q=123",
        "/free-xxx-videos", "/sussex/", "/news/adult-education", "/blowjob.html", "/a/b?c=d&e=F", "/teens.php?x=1"};
    for (String host : hosts) {
      subjects.add(host + paths[r.nextInt(paths.length)]);
      subjects.add(host.toUpperCase() + paths[r.nextInt(paths.length)]);
    }
    for (String p : paths) {
      subjects.add("1.2.3.4" + p);
      subjects.add("images.google.fr" + p);
      subjects.add("www.bing.com" + p);
      subjects.add("images.search.yahoo.com" + p);
      subjects.add("www.google.co.uk" + p);
    }
    int matched = 0;
    for (String subject : subjects) {
      List<String> expected = new ArrayList<>();
      m.matchUnfiltered(subject, "", e -> expected.add(e.regex()));
      List<String> actual = new ArrayList<>();
      m.match(subject, "", e -> actual.add(e.regex()));
      assertEquals(expected, actual, subject);
      int slash = subject.indexOf('/');
      if (slash > 0) { // as the categoriser calls it: host and path apart
        List<String> split = new ArrayList<>();
        m.match(subject.substring(0, slash), subject.substring(slash), e -> split.add(e.regex()));
        assertEquals(expected, split, subject);
      }
      matched += expected.isEmpty() ? 0 : 1;
    }
    assertTrue(subjects.size() > 20_000, "subjects: " + subjects.size());
    assertTrue(matched > 1_000, "the mix exercises matches too: " + matched);
  }

  /** Random expressions from a grammar covering the syntax the extractor models, on random subjects. */
  @Test
  void randomExpressions_onRandomSubjects_sameMatchesAsWithoutPrefilter() {
    Random r = new Random(42);
    int compared = 0;
    int filtered = 0;
    for (int i = 0; i < 3_000; i++) {
      String regex = randomRegex(r, 3);
      ExpressionMatcher.Entry e;
      try {
        e = entry(regex);
      } catch (PatternSyntaxException bad) {
        continue;
      }
      filtered += RequiredLiterals.of(regex) == null ? 0 : 1;
      ExpressionMatcher m = new ExpressionMatcher(List.of(e));
      for (int j = 0; j < 40; j++) {
        String subject = randomSubject(r);
        boolean[] expected = {false};
        m.matchUnfiltered(subject, "", x -> expected[0] = true);
        boolean[] actual = {false};
        m.match(subject, "", x -> actual[0] = true);
        assertEquals(expected[0], actual[0], regex + " on " + subject);
        compared++;
      }
    }
    assertTrue(compared > 80_000, "compared " + compared);
    assertTrue(filtered > 1_000, "most random expressions have literals: " + filtered);
  }

  /** Expressions anchored at the start, whose first character is all the prefilter knows. */
  @Test
  void anchoredExpressions_onRandomSubjects_sameMatchesAsWithoutPrefilter() {
    String[] firsts = {"a", "B", "0", "k", "K", "[ab]", "[a-c]", "[A-Z]", "\\d", "[0-9]", "[-a]", "[.?]", "[^a]", "[]a]",
        "[\\d.]", "[Z-a]", ".", "(a|b)", "\\.", "[[:alpha:]]"};
    String[] quantifiers = {"", "", "+", "*", "?", "{2}", "{0,1}"};
    String[] subjects = {"", "a", "A", "abc", "B", "b.c", "0.1", "123.45.6.7/search?q=1", "\u212Aink", "kink", "-a",
        ".x", "?q", "Z", "_", "`", "[", "]", "a|b", "é", "Ab", "1a"};
    Random r = new Random(9);
    int known = 0;
    for (int i = 0; i < 2_000; i++) {
      String regex = "^" + firsts[r.nextInt(firsts.length)] + quantifiers[r.nextInt(quantifiers.length)]
          + (r.nextBoolean() ? "" : randomRegex(r, 2));
      ExpressionMatcher.Entry e;
      try {
        e = entry(regex);
      } catch (PatternSyntaxException bad) {
        continue;
      }
      known += ExpressionMatcher.firstAscii(regex) == null ? 0 : 1;
      ExpressionMatcher m = new ExpressionMatcher(List.of(e));
      for (int j = 0; j < 60; j++) {
        String subject = j < subjects.length ? subjects[j] : randomSubject(r);
        for (int cut = 0; cut <= Math.min(1, subject.length()); cut++) { // host and path apart, or host empty
          boolean[] expected = {false};
          m.matchUnfiltered(subject.substring(0, cut), subject.substring(cut), x -> expected[0] = true);
          boolean[] actual = {false};
          m.match(subject.substring(0, cut), subject.substring(cut), x -> actual[0] = true);
          assertEquals(expected[0], actual[0], regex + " on " + subject + " cut at " + cut);
        }
      }
    }
    assertTrue(known > 300, "first characters known for " + known);
  }

  @Test
  void firstAscii_ofUt1MalwareExpression_isTheDigits() {
    boolean[] first = ExpressionMatcher.firstAscii("^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+/search\\?q=[0-9]+$");
    for (char c = 0; c < 0x80; c++) {
      assertEquals(c >= '0' && c <= '9', first[c], String.valueOf(c));
    }
    assertNull(ExpressionMatcher.firstAscii("^a|b"));
    assertNull(ExpressionMatcher.firstAscii("^a*b"));
    assertNull(ExpressionMatcher.firstAscii("a^"));
  }

  @Test
  void nonAsciiSubject_bypassesTheFilter_soUnicodeCaseFoldingStillMatches() {
    // RE2 folds 'k' with the Kelvin sign (U+212A); ASCII lower-casing does not.
    ExpressionMatcher m = new ExpressionMatcher(List.of(entry("kink")));
    List<String> hits = new ArrayList<>();
    m.match("example.test", "/\u212Aink", e -> hits.add(e.regex()));
    assertEquals(List.of("kink"), hits);
  }

  private static final String ALPHABET = "abcAB./?=-_0";

  private static String randomSubject(Random r) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(14);
    for (int i = 0; i < n; i++) {
      sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  private static String randomRegex(Random r, int depth) {
    StringBuilder sb = new StringBuilder();
    int parts = 1 + r.nextInt(4);
    for (int i = 0; i < parts; i++) {
      sb.append(randomAtom(r, depth));
      switch (r.nextInt(12)) {
        case 0 -> sb.append('*');
        case 1 -> sb.append('+');
        case 2 -> sb.append('?');
        case 3 -> sb.append("{").append(r.nextInt(3)).append(r.nextBoolean() ? "}" : "," + (2 + r.nextInt(2)) + "}");
        case 4 -> sb.append("+?");
        default -> { }
      }
    }
    if (r.nextInt(6) == 0) {
      sb.append('|').append(randomRegex(r, depth - 1));
    }
    return sb.toString();
  }

  private static String randomAtom(Random r, int depth) {
    String[] simple = {"a", "b", "c", "A", "B", "0", "\\.", "/", "\\?", "=", "-", "_", ".", "^", "$", "\\b", "\\d", "\\w",
        "[ab]", "[^a]", "[a-c]", "[A-Z]", "[.?]", "[-a]", "[]a]", "[[:alpha:]]", "(?i)", "{", "}", "]", "x{,2}", "\\Bb"};
    if (depth > 0 && r.nextInt(4) == 0) {
      String open = switch (r.nextInt(3)) {
        case 0 -> "(";
        case 1 -> "(?:";
        default -> "(?P<n" + r.nextInt(1000) + ">";
      };
      return open + randomRegex(r, depth - 1) + ")";
    }
    return simple[r.nextInt(simple.length)];
  }

  private static ExpressionMatcher.Entry entry(String regex) {
    return new ExpressionMatcher.Entry(regex, ExpressionMatcher.compile(regex), 0, 1);
  }

  private static List<String> lines(Path f) throws IOException {
    if (!Files.isRegularFile(f)) {
      return List.of();
    }
    return Files.readAllLines(f, StandardCharsets.ISO_8859_1).stream()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  @Test
  void literalsAreLowerCase_soSubjectsAreLowerCasedToo() {
    assertEquals(Set.of("banner"), RequiredLiterals.of("BANNER"));
  }
}
