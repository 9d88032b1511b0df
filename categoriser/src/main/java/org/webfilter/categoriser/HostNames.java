package org.webfilter.categoriser;

import java.util.Locale;

/** Host-name helpers shared by list loading and matching. */
final class HostNames {
  private static final int MAX_HOST_LENGTH = 253;

  private HostNames() {}

  /** The parent domain ({@code a.b.c} → {@code b.c}), or {@code null} for a single label. */
  static String parent(String domain) {
    int dot = domain.indexOf('.');
    return dot < 0 || dot == domain.length() - 1 ? null : domain.substring(dot + 1);
  }

  /** squidGuard drops a leading {@code www.} (and {@code www2.}, {@code web.}, {@code ftp.}) from URL hosts. */
  static String stripWww(String host) {
    int dot = host.indexOf('.');
    if (dot <= 0 || host.indexOf('.', dot + 1) < 0) {
      return host;
    }
    int stemEnd = dot;
    while (stemEnd > 0 && host.charAt(stemEnd - 1) >= '0' && host.charAt(stemEnd - 1) <= '9') {
      stemEnd--;
    }
    boolean strip = stemEnd == 3
        && (host.startsWith("www") || host.startsWith("web") || host.startsWith("ftp"));
    return strip ? host.substring(dot + 1) : host;
  }

  static boolean isIpLiteral(String host) {
    if (host.indexOf(':') >= 0) {
      return true;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }

  /** Lower case, no trailing dot, no leading {@code .} or {@code *.} (wildcard forms of "and subdomains"). */
  static String normaliseEntry(String entry) {
    String d = entry.trim().toLowerCase(Locale.ROOT);
    if (d.startsWith("*.")) {
      d = d.substring(2);
    } else if (d.startsWith(".")) {
      d = d.substring(1);
    }
    if (d.startsWith("[") && d.endsWith("]")) {
      d = d.substring(1, d.length() - 1);
    }
    while (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    if (isPlainName(d)) {
      return d; // the common case, kept cheap for million-line lists
    }
    try {
      return UrlNormaliser.host(d); // IDN to punycode, IP literals to their one written form
    } catch (IllegalArgumentException e) {
      return d; // validate() reports it
    }
  }

  /** Lower-case ASCII letters, digits, {@code -_.}, and a last label that is not a number. */
  private static boolean isPlainName(String d) {
    boolean lastLabelHasLetter = false;
    for (int i = 0; i < d.length(); i++) {
      char c = d.charAt(i);
      if (c == '.') {
        lastLabelHasLetter = false;
      } else if ((c >= 'a' && c <= 'z') || c == '-' || c == '_') {
        lastLabelHasLetter = true;
      } else if (c < '0' || c > '9') {
        return false;
      }
    }
    return lastLabelHasLetter;
  }

  /** {@code null} when the (normalised) entry is a usable host name or IP literal, else the problem. */
  static String validate(String host) {
    if (host.isEmpty()) {
      return "empty host name";
    }
    if (host.length() > MAX_HOST_LENGTH) {
      return "host name longer than " + MAX_HOST_LENGTH + " characters";
    }
    if (host.indexOf(':') >= 0) {
      for (int i = 0; i < host.length(); i++) {
        char c = host.charAt(i);
        if (!(c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
          return "not an IPv6 address";
        }
      }
      return null;
    }
    int labelStart = 0;
    for (int i = 0; i <= host.length(); i++) {
      char c = i < host.length() ? host.charAt(i) : '.';
      if (c == '.') {
        if (i == labelStart) {
          return "not a host name (empty label)";
        }
        if (i - labelStart > 63) {
          return "not a host name (label longer than 63)";
        }
        labelStart = i + 1;
      } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        return "not a host name";
      }
    }
    return null;
  }
}
