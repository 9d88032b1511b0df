package org.webfilter.proxy;

/**
 * Whether a {@code Host} header or a request target's authority is one the proxy will forward to: a
 * host name of letters, digits, {@code _} and {@code -} in dot-separated labels (a trailing dot
 * allowed), or a bracketed IPv6 literal, with an optional port of up to five digits. Anything else
 * (user info, spaces, percent-encoding, empty labels) is refused. A hand-written scan: it runs
 * twice for every request, where a regular expression cost a measurable share of the event loops.
 */
final class Authority {
  private Authority() {}

  static boolean isValid(String s) {
    int n = s.length();
    if (n == 0) {
      return false;
    }
    int i;
    if (s.charAt(0) == '[') {
      int close = s.indexOf(']');
      if (close < 3 || close > 46) { // 2 to 45 characters inside
        return false;
      }
      for (int k = 1; k < close; k++) {
        char c = s.charAt(k);
        if (!(isHex(c) || c == ':' || c == '.')) {
          return false;
        }
      }
      i = close + 1;
    } else {
      boolean labelStart = true;
      for (i = 0; i < n && s.charAt(i) != ':'; i++) {
        char c = s.charAt(i);
        if (c == '.') {
          if (labelStart) {
            return false; // an empty label
          }
          labelStart = true;
        } else if (isLabelChar(c)) {
          labelStart = false;
        } else {
          return false;
        }
      }
      if (i == 0) {
        return false;
      }
    }
    if (i == n) {
      return true;
    }
    int digits = n - i - 1;
    if (s.charAt(i) != ':' || digits < 1 || digits > 5) {
      return false;
    }
    for (int k = i + 1; k < n; k++) {
      char c = s.charAt(k);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLabelChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
