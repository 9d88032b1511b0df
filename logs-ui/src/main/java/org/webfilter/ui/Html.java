package org.webfilter.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Builds HTML as text, escaping every value that did not come from this class. */
final class Html {
  private final StringBuilder out = new StringBuilder(4096);

  /** Appends trusted markup (literals in this module only, never data). */
  Html raw(String markup) {
    out.append(markup);
    return this;
  }

  /** Appends data as text; safe in element content and in quoted attribute values. */
  Html text(Object value) {
    out.append(escape(value == null ? "" : value.toString()));
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * {@code path?k=v&...} with each value URL-encoded (escape it again when putting it in an
   * attribute).
   */
  static String link(String path, Map<String, String> params) {
    StringBuilder b = new StringBuilder(path);
    char sep = '?';
    for (Map.Entry<String, String> e : params.entrySet()) {
      b.append(sep).append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=');
      b.append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    return b.toString();
  }
}
