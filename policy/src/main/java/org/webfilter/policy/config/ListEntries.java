package org.webfilter.policy.config;

import java.util.Locale;
import org.webfilter.categoriser.Categoriser;

/**
 * Validation of allow/block entries written in the configuration: domains, URL prefixes, and regular
 * expressions written {@code re:<expression>} (RE2 syntax, linear-time, matched case-insensitively
 * anywhere in {@code host/path?query}).
 */
final class ListEntries {
  /** Marks an entry as a regular expression; chosen so an entry stays one string in YAML and in the UI. */
  static final String REGEX_PREFIX = RoleSettings.ListEntry.REGEX_PREFIX;

  private ListEntries() {}

  static boolean isRegex(String entry) {
    return entry.startsWith(REGEX_PREFIX);
  }

  /**
   * The form entries are compared and stored in: a domain or URL prefix lower-cased without scheme or
   * trailing slash; an expression as written (its case matters: {@code \S} is not {@code \s}).
   */
  static String canonical(String raw) {
    String v = raw.strip();
    if (v.regionMatches(true, 0, REGEX_PREFIX, 0, REGEX_PREFIX.length())) {
      return REGEX_PREFIX + v.substring(REGEX_PREFIX.length()).strip();
    }
    return normalise(v.toLowerCase(Locale.ROOT));
  }

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
    if (isRegex(entry)) {
      return regexProblem(entry.substring(REGEX_PREFIX.length()));
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

  /**
   * An expression must compile (RE2/J, the categoriser's own engine) and be printable ASCII without
   * white space or {@code ;}: it becomes part of a rule id, which travels in the {@code X-Webfilter-Block}
   * header and in events ({@code \s}, {@code \x3b} and {@code \x{e9}} write those characters).
   */
  private static String regexProblem(String regex) {
    if (regex.isEmpty()) {
      return "'re:' needs an expression after it (expected e.g. re:^games\\.[a-z]+\\.example/)";
    }
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c <= ' ' || c > '~' || c == ';') {
        return "'re:" + regex + "': write white space, ';' and non-ASCII characters as escapes"
            + " (\\s, \\x3b, \\x{e9}): a rule id must fit in an HTTP header";
      }
    }
    String problem = Categoriser.builder().addExpression("check", regex, "", 0);
    return problem == null ? null : "'re:" + regex + "' is " + problem.replaceFirst(": '.*'$", "")
        + " (RE2 syntax, see https://github.com/google/re2/wiki/Syntax)";
  }
}
