package org.webfilter.categoriser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SearchTermsTest {

  private static Optional<SearchQuery> extract(String url) {
    return SearchTerms.extract(Target.parse(url));
  }

  @Test
  void extract_googleQuery_decodesPlusAndUtf8() {
    assertEquals(Optional.of(new SearchQuery("google", "crème brûlée recipe", false)),
        extract("https://www.google.co.uk/search?client=firefox&q=cr%C3%A8me+br%C3%BBl%C3%A9e+recipe&oq=x"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "https://www.google.com/search?q=how+to+tie+a+tie | google | how to tie a tie | false",
    "https://www.google.de/search?hl=de&q=katze | google | katze | false",
    "https://www.bing.com/search?q=cats%20and%20dogs&form=QBLH | bing | cats and dogs | false",
    "https://duckduckgo.com/?q=rust+book&ia=web | duckduckgo | rust book | false",
    "https://html.duckduckgo.com/html/?q=privacy | duckduckgo | privacy | false",
    "https://uk.search.yahoo.com/search?p=weather+leeds&fr=yfp | yahoo | weather leeds | false",
    "https://www.ecosia.org/search?method=index&q=trees | ecosia | trees | false",
    "https://www.youtube.com/results?search_query=minecraft+tutorial | youtube | minecraft tutorial | false",
    "https://m.youtube.com/results?search_query=lofi | youtube | lofi | false",
    "https://en.wikipedia.org/w/index.php?search=Isaac+Newton&title=Special:Search | wikipedia | Isaac Newton | false",
    "https://www.baidu.com/s?wd=%E7%8C%AB | baidu | 猫 | false",
    "https://yandex.ru/search/?text=%D0%BA%D0%BE%D1%82 | yandex | кот | false",
    "https://www.ask.com/web?q=capital+of+peru | ask | capital of peru | false",
    "https://www.startpage.com/do/search?query=tides | startpage | tides | false",
    "https://search.brave.com/search?q=linux&source=web | brave | linux | false",
    "https://www.qwant.com/?q=velo&t=web | qwant | velo | false",
    // suggest endpoints
    "https://www.google.com/complete/search?q=ca&client=gws-wiz | google | ca | true",
    "https://suggestqueries.google.com/complete/search?client=youtube&ds=yt&q=cat | youtube | cat | true",
    "https://www.bing.com/AS/Suggestions?pt=page.home&qry=cat&cp=3 | bing | cat | true",
    "https://duckduckgo.com/ac/?q=ca&kl=wt-wt | duckduckgo | ca | true",
    "https://ac.ecosia.org/autocomplete?q=tre&type=list | ecosia | tre | true",
    "https://en.wikipedia.org/w/api.php?action=opensearch&format=json&search=isa | wikipedia | isa | true",
    "https://search.brave.com/api/suggest?q=lin | brave | lin | true",
  })
  void extract_knownEngines(String url, String engine, String terms, boolean suggest) {
    assertEquals(Optional.of(new SearchQuery(engine, terms, suggest)), extract(url));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "https://www.google.com/maps?q=leeds",         // not a search page
    "https://www.google.com/search?tbm=isch",      // no terms
    "https://www.google.com/search?q=+++",         // blank terms
    "https://notgoogle.com/search?q=x",            // not the engine
    "https://google.evil.example.com/search?q=x",  // google.* is a label then a public suffix
    "https://www.bing.com/search",                 // no query string
    "https://example.com/search?q=x",
  })
  void extract_none_forNonSearchUrls(String url) {
    assertEquals(Optional.empty(), extract(url));
  }

  @Test
  void extract_none_forTunnels() {
    assertEquals(Optional.empty(), SearchTerms.extract(Target.ofConnect("www.google.com:443")));
  }

  @Test
  void extract_malformedPercentEscape_keptAsWritten() {
    assertEquals("100% sure", extract("https://www.google.com/search?q=100%+sure").orElseThrow().terms());
  }

  /** The host rule as first written (with substrings and concatenation): the reference for {@link SearchTerms.Rule#matchesHost}. */
  private static boolean matchesHostAsWritten(String host, String h) {
    if (host.endsWith(".*")) {
      String label = host.substring(0, host.length() - 2);
      int at = h.startsWith(label + ".") ? 0 : h.indexOf("." + label + ".") + 1;
      if (at == 0 && !h.startsWith(label + ".")) {
        return false;
      }
      String rest = h.substring(at + label.length() + 1);
      long dots = rest.chars().filter(c -> c == '.').count();
      return !rest.isEmpty() && dots <= 1;
    }
    return h.equals(host) || h.endsWith("." + host);
  }

  /** The allocation-free host match agrees with the original on every rule, for real and random hosts. */
  @Test
  void matchesHost_agreesWithTheOriginal_onRealAndRandomHosts() {
    java.util.List<String> hosts = new java.util.ArrayList<>(java.util.List.of(
        "google.com", "www.google.co.uk", "google.", "google", ".google.com", "google..com", "xgoogle.com",
        "google.com.", "a.google.b.google.c", "google.google.com", "mail.google.com", "yandex.ru", "bing.com",
        "www.bing.com", "abing.com", "bing.com.evil.test", "search.yahoo.com", "uk.search.yahoo.com", "", "."));
    java.util.Random r = new java.util.Random(3);
    String[] parts = {"google", "yandex", "bing", "com", "co", "uk", "www", "search", "yahoo", "x", "", "wikipedia", "org"};
    for (int i = 0; i < 20_000; i++) {
      StringBuilder h = new StringBuilder();
      int n = r.nextInt(5);
      for (int j = 0; j < n; j++) {
        h.append(j == 0 && r.nextInt(4) > 0 ? "" : ".").append(parts[r.nextInt(parts.length)]);
      }
      hosts.add(h.toString());
    }
    for (SearchTerms.Rule rule : SearchTerms.RULES) {
      for (String h : hosts) {
        assertEquals(matchesHostAsWritten(rule.host(), h), rule.matchesHost(h), rule.host() + " on '" + h + "'");
      }
    }
  }

  /** ASCII text skips the Unicode normaliser; the words are those NFD would give. */
  @Test
  void normalise_asciiAndUnicode_sameWords() {
    assertEquals(" search q how to hurt myself ", TextNormaliser.normalise("/search?q=How+to+HURT+myself"));
    assertEquals(" creme brule ", TextNormaliser.normalise("Crème Brûlée"));
    assertEquals(" creme brule ", TextNormaliser.normalise("Creme Brulee"));
  }
}
