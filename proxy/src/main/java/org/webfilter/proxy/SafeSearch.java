package org.webfilter.proxy;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * SafeSearch without interception, the way DNS-based filters do it: a tunnel (or plain request)
 * to a search engine is connected to the engine's own safe endpoint instead. The client still
 * speaks TLS for the name it asked for; the engines serve those names from the safe endpoints and
 * enforce SafeSearch there. Works on unmanaged devices, which do not trust the school's CA.
 */
final class SafeSearch {
  static final String GOOGLE = "forcesafesearch.google.com";
  static final String BING = "strict.bing.com";
  static final String DUCKDUCKGO = "safe.duckduckgo.com";
  static final String YOUTUBE = "restrict.youtube.com";

  /** www.google.com, google.co.uk, www.google.com.au ... but not mail.google.com. */
  private static final Pattern GOOGLE_SEARCH =
      Pattern.compile("(?:www\\.)?google\\.(?:[a-z]{2,3}|co\\.[a-z]{2}|com\\.[a-z]{2})");

  private static final Map<String, String> EXACT =
      Map.of(
          "www.bing.com", BING,
          "bing.com", BING,
          "duckduckgo.com", DUCKDUCKGO,
          "www.duckduckgo.com", DUCKDUCKGO,
          "www.youtube.com", YOUTUBE,
          "m.youtube.com", YOUTUBE,
          "youtubei.googleapis.com", YOUTUBE,
          "youtube.googleapis.com", YOUTUBE,
          "www.youtube-nocookie.com", YOUTUBE);

  private SafeSearch() {}

  /** The safe endpoint to connect to instead of {@code host} (lower case), if it is an engine. */
  static Optional<String> endpointFor(String host) {
    String safe = EXACT.get(host);
    if (safe != null) {
      return Optional.of(safe);
    }
    return GOOGLE_SEARCH.matcher(host).matches() ? Optional.of(GOOGLE) : Optional.empty();
  }
}
