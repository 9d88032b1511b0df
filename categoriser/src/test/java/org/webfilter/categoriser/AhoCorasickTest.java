package org.webfilter.categoriser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every occurrence of every pattern, as a naive search finds them: with the dense ASCII table for
 * every node (small automata) and for the root only (large ones), on text mixing ASCII and other
 * characters.
 */
class AhoCorasickTest {

  private static final String ALPHABET = "abcab./?=é\u212A";

  @ParameterizedTest(name = "{0} patterns")
  @ValueSource(ints = {1, 5, 40, 400, 6_000})
  void search_findsEveryOccurrence_likeANaiveSearch(int count) {
    Random r = new Random(count);
    Set<String> distinct = new LinkedHashSet<>();
    while (distinct.size() < count) {
      distinct.add(random(r, 1 + r.nextInt(count > 1_000 ? 9 : 5)));
    }
    List<String> patterns = List.copyOf(distinct);
    AhoCorasick ac = new AhoCorasick(patterns);
    for (int i = 0; i < 300; i++) {
      String text = random(r, r.nextInt(60));
      List<Integer> expected = new ArrayList<>();
      for (int p = 0; p < patterns.size(); p++) {
        for (int at = text.indexOf(patterns.get(p)); at >= 0; at = text.indexOf(patterns.get(p), at + 1)) {
          expected.add(p);
        }
      }
      List<Integer> actual = new ArrayList<>();
      ac.search(text, actual::add);
      Collections.sort(expected);
      Collections.sort(actual);
      assertEquals(expected, actual, text);
    }
    if (count == 6_000) {
      assertEquals(1, ac.denseNodes(), "large enough for the root-only table");
    } else {
      assertTrue(ac.denseNodes() > 1, "small enough for the table of every node");
    }
  }

  private static String random(Random r, int length) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
