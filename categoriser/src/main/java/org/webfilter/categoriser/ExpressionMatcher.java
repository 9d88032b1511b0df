package org.webfilter.categoriser;

import com.google.re2j.Pattern;
import java.util.List;

/**
 * UT1/squidGuard {@code expressions}: regular expressions tried, case-insensitively, against {@code
 * host/path?query} (no scheme, no port; just the host for a tunnel). They are compiled with RE2/J, whose
 * matching time is linear in the input whatever the pattern, so no list can make matching hang.
 */
final class ExpressionMatcher {

  record Entry(String regex, Pattern pattern, int source, int line) {}

  interface Hits {
    void hit(Entry entry);
  }

  private final Entry[] entries;

  ExpressionMatcher(List<Entry> entries) {
    this.entries = entries.toArray(Entry[]::new);
  }

  /** Compiles one expression, or throws {@link com.google.re2j.PatternSyntaxException}. */
  static Pattern compile(String regex) {
    return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
  }

  void match(String host, String path, Hits hits) {
    if (entries.length == 0) {
      return;
    }
    String subject = host + path;
    for (Entry e : entries) {
      if (e.pattern.matcher(subject).find()) {
        hits.hit(e);
      }
    }
  }

  int size() {
    return entries.length;
  }
}
