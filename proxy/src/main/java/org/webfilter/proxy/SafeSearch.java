package org.webfilter.proxy;

import io.netty.handler.codec.http.HttpRequest;
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

  /** The header YouTube reads for its restricted mode (with interception). */
  static final String YOUTUBE_RESTRICT = "YouTube-Restrict";

  private SafeSearch() {}

  /**
   * SafeSearch with interception: forces the engine's own switch on a decrypted request to {@code
   * host} (lower case): {@code safe=active} for Google, {@code adlt=strict} for Bing, {@code kp=1}
   * for DuckDuckGo (replacing whatever value the client sent), and {@code YouTube-Restrict: Strict}
   * for YouTube. Other hosts are left alone.
   */
  static void enforce(String host, HttpRequest request) {
    String safe = endpointFor(host).orElse(null);
    if (safe == null) {
      return;
    }
    switch (safe) {
      case GOOGLE -> request.setUri(force(request.uri(), "safe", "active"));
      case BING -> request.setUri(force(request.uri(), "adlt", "strict"));
      case DUCKDUCKGO -> request.setUri(force(request.uri(), "kp", "1"));
      default -> request.headers().set(YOUTUBE_RESTRICT, "Strict");
    }
  }

  /** {@code uri} with every {@code name} parameter removed and {@code name=value} appended. */
  static String force(String uri, String name, String value) {
    int hash = uri.indexOf('#');
    String fragment = hash < 0 ? "" : uri.substring(hash);
    String u = hash < 0 ? uri : uri.substring(0, hash);
    int q = u.indexOf('?');
    StringBuilder b = new StringBuilder(u.length() + name.length() + value.length() + 2);
    b.append(q < 0 ? u : u.substring(0, q)).append('?');
    if (q >= 0) {
      for (String param : u.substring(q + 1).split("&")) {
        int eq = param.indexOf('=');
        String key = eq < 0 ? param : param.substring(0, eq);
        if (!param.isEmpty() && !key.equals(name)) {
          b.append(param).append('&');
        }
      }
    }
    return b.append(name).append('=').append(value).append(fragment).toString();
  }

  /** The safe endpoint to connect to instead of {@code host} (lower case), if it is an engine. */
  static Optional<String> endpointFor(String host) {
    String safe = EXACT.get(host);
    if (safe != null) {
      return Optional.of(safe);
    }
    // the pattern needs "google.": most hosts are not Google, and skip the matcher (and its garbage)
    return host.contains("google.") && GOOGLE_SEARCH.matcher(host).matches()
        ? Optional.of(GOOGLE)
        : Optional.empty();
  }
}
