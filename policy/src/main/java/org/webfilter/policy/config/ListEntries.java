package org.webfilter.policy.config;

/** Validation of allow/block entries written in the configuration (domains or URL prefixes). */
final class ListEntries {
  private ListEntries() {}

  /** Drops a scheme and a trailing slash on a bare domain; entries are compared in this form. */
  static String normalise(String entry) {
    String e = entry;
    int scheme = e.indexOf("://");
    if (scheme >= 0) {
      e = e.substring(scheme + 3);
    }
    if (e.endsWith("/") && e.indexOf('/') == e.length() - 1) {
      e = e.substring(0, e.length() - 1);
    }
    return e;
  }

  /** {@code null} when usable, else what is wrong. */
  static String problem(String entry) {
    if (entry.isEmpty()) {
      return "empty entry";
    }
    String e = normalise(entry);
    int slash = e.indexOf('/');
    String host = slash < 0 ? e : e.substring(0, slash);
    if (host.startsWith("*.")) {
      host = host.substring(2);
    }
    if (!host.matches("[a-z0-9_.:\\[\\]-]+") || host.startsWith(".") || host.contains("..")) {
      return "'" + entry + "' is not a domain or URL prefix (expected e.g. example.com or example.com/path)";
    }
    if (e.chars().anyMatch(Character::isWhitespace)) {
      return "'" + entry + "' contains white space";
    }
    return null;
  }
}
