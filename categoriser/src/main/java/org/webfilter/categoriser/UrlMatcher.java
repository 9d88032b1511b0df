package org.webfilter.categoriser;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * URL-prefix entries, squidGuard style: keyed by host without a leading {@code www.}, each a lower-case
 * path prefix that matches the path itself and everything below it.
 */
final class UrlMatcher {

  record Entry(String entry, String pathPrefix, int source, int line) {
    boolean matches(String path) {
      if (!path.startsWith(pathPrefix)) {
        return false;
      }
      if (path.length() == pathPrefix.length() || pathPrefix.endsWith("/")) {
        return true;
      }
      char next = path.charAt(pathPrefix.length());
      return next == '/' || next == '?' || next == '&' || next == '#';
    }
  }

  interface Hits {
    void hit(Entry entry);
  }

  private final Map<String, Entry[]> byHost;

  UrlMatcher(Map<String, List<Entry>> entries) {
    byHost = new HashMap<>(Math.max(16, entries.size() * 2));
    entries.forEach((host, list) -> byHost.put(host, list.toArray(Entry[]::new)));
  }

  boolean isEmpty() {
    return byHost.isEmpty();
  }

  void match(String host, String path, Hits hits) {
    if (path.isEmpty() || byHost.isEmpty()) {
      return;
    }
    Entry[] entries = byHost.get(HostNames.stripWww(host));
    if (entries == null) {
      return;
    }
    String lower = path.toLowerCase(Locale.ROOT);
    for (Entry e : entries) {
      if (e.matches(lower)) {
        hits.hit(e);
      }
    }
  }
}
