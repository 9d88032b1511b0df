package org.webfilter.categoriser;

import java.util.List;
import java.util.Optional;

/**
 * Finds the search terms in a search engine's URL, from a table of engines: the host (a domain and its
 * subdomains, or {@code name.*} for any country domain such as {@code google.co.uk}), a path prefix and
 * the query parameters that carry the terms. Suggest/autocomplete endpoints are rows of their own with
 * {@code suggest} set. To add an engine, add rows to {@link #RULES}; more specific rows go first.
 */
public final class SearchTerms {

  private SearchTerms() {}

  /** One row of the table. */
  record Rule(String engine, String host, String pathPrefix, List<String> params, boolean suggest) {
    static Rule search(String engine, String host, String pathPrefix, String... params) {
      return new Rule(engine, host, pathPrefix, List.of(params), false);
    }

    static Rule suggest(String engine, String host, String pathPrefix, String... params) {
      return new Rule(engine, host, pathPrefix, List.of(params), true);
    }

    /** The host or one of its subdomains; for {@code name.*}, see {@link #hasLabelThenSuffix}. Allocates nothing. */
    boolean matchesHost(String h) {
      int n = host.length();
      if (host.endsWith(".*")) {
        return hasLabelThenSuffix(h, host, n - 2);
      }
      return h.length() == n ? h.equals(host)
          : h.length() > n && h.endsWith(host) && h.charAt(h.length() - n - 1) == '.';
    }

    /**
     * {@code google.*}: a label {@code google} (the first {@code length} characters of {@code label})
     * followed by one or two more labels (com, co.uk); the first occurrence of the label decides.
     */
    private static boolean hasLabelThenSuffix(String h, String label, int length) {
      int at = -1;
      if (labelAt(h, 0, label, length)) {
        at = 0;
      } else {
        for (int dot = h.indexOf('.'); dot >= 0; dot = h.indexOf('.', dot + 1)) {
          if (labelAt(h, dot + 1, label, length)) {
            at = dot + 1;
            break;
          }
        }
      }
      if (at < 0) {
        return false;
      }
      int rest = at + length + 1;
      int dots = 0;
      for (int i = rest; i < h.length(); i++) {
        if (h.charAt(i) == '.') {
          dots++;
        }
      }
      return rest < h.length() && dots <= 1;
    }

    /** Whether {@code h} has the label, then a dot, at {@code from}. */
    private static boolean labelAt(String h, int from, String label, int length) {
      return from + length < h.length() && h.regionMatches(from, label, 0, length) && h.charAt(from + length) == '.';
    }
  }

  static final List<Rule> RULES = List.of(
      // suggest endpoints first: they share hosts with the search pages
      Rule.suggest("youtube", "suggestqueries.google.com", "/complete/search", "q"),
      Rule.suggest("youtube", "suggestqueries-clients6.youtube.com", "/complete/search", "q"),
      Rule.suggest("google", "google.*", "/complete/search", "q"),
      Rule.suggest("google", "clients1.google.com", "/complete/search", "q"),
      Rule.suggest("bing", "bing.com", "/AS/Suggestions", "qry", "q"),
      Rule.suggest("bing", "bing.com", "/osjson.aspx", "query"),
      Rule.suggest("duckduckgo", "duckduckgo.com", "/ac/", "q"),
      Rule.suggest("yahoo", "search.yahoo.com", "/sugg/", "command"),
      Rule.suggest("ecosia", "ac.ecosia.org", "/", "q"),
      Rule.suggest("wikipedia", "wikipedia.org", "/w/api.php", "search"),
      Rule.suggest("wikipedia", "wikipedia.org", "/w/rest.php/v1/search/title", "q"),
      Rule.suggest("baidu", "suggestion.baidu.com", "/su", "wd"),
      Rule.suggest("yandex", "yandex.*", "/suggest/", "part"),
      Rule.suggest("brave", "search.brave.com", "/api/suggest", "q"),
      Rule.suggest("startpage", "startpage.com", "/suggestions", "q"),
      Rule.suggest("qwant", "api.qwant.com", "/v3/suggest", "q"),
      // search pages
      Rule.search("google", "google.*", "/search", "q"),
      Rule.search("google", "google.*", "/webhp", "q"),
      Rule.search("bing", "bing.com", "/", "q"),
      Rule.search("duckduckgo", "duckduckgo.com", "/", "q"),
      Rule.search("yahoo", "search.yahoo.com", "/", "p"),
      Rule.search("ecosia", "ecosia.org", "/search", "q"),
      Rule.search("youtube", "youtube.com", "/results", "search_query"),
      Rule.search("wikipedia", "wikipedia.org", "/w/index.php", "search"),
      Rule.search("wikipedia", "wikipedia.org", "/wiki/Special:Search", "search"),
      Rule.search("baidu", "baidu.com", "/s", "wd", "word"),
      Rule.search("yandex", "yandex.*", "/search", "text"),
      Rule.search("ask", "ask.com", "/web", "q"),
      Rule.search("startpage", "startpage.com", "/", "query", "q"),
      Rule.search("brave", "search.brave.com", "/search", "q"),
      Rule.search("qwant", "qwant.com", "/", "q"),
      Rule.search("aol", "search.aol.com", "/", "q"),
      Rule.search("kiddle", "kiddle.co", "/s.php", "q"),
      Rule.search("swisscows", "swisscows.com", "/", "query"),
      Rule.search("mojeek", "mojeek.com", "/search", "q"));

  /** The search in the target's URL, if it is a search or suggest URL of a known engine with terms. */
  public static Optional<SearchQuery> extract(Target target) {
    String pathAndQuery = target.path();
    int q = pathAndQuery.indexOf('?');
    if (q < 0) {
      return Optional.empty();
    }
    String query = null;
    for (Rule rule : RULES) {
      String prefix = rule.pathPrefix();
      if (prefix.length() <= q && pathAndQuery.regionMatches(true, 0, prefix, 0, prefix.length())
          && rule.matchesHost(target.host())) {
        if (query == null) {
          query = pathAndQuery.substring(q + 1);
        }
        for (String param : rule.params()) {
          Optional<String> terms = parameter(query, param).map(SearchTerms::tidy).filter(t -> !t.isEmpty());
          if (terms.isPresent()) {
            return Optional.of(new SearchQuery(rule.engine(), terms.get(), rule.suggest()));
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The first value of a query parameter, form-decoded ({@code +} is a space, {@code %XX} UTF-8). */
  static Optional<String> parameter(String query, String name) {
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (formDecode(key).equals(name)) {
        return Optional.of(eq < 0 ? "" : formDecode(pair.substring(eq + 1)));
      }
    }
    return Optional.empty();
  }

  private static String formDecode(String s) {
    return UrlNormaliser.percentDecode(s.replace('+', ' '));
  }

  private static String tidy(String terms) {
    return terms.strip().replaceAll("\\s+", " ");
  }
}
