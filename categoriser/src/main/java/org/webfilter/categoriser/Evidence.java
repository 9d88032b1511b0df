package org.webfilter.categoriser;

/**
 * Why a target is in a category: the list entry that matched and where it came from.
 *
 * @param category the product category (after the category map)
 * @param entry the entry as written in the list, e.g. {@code example.com} or {@code example.com/path}
 * @param kind whether the entry is a domain (covers subdomains), a URL prefix or an expression
 * @param source {@code file:line} of the entry
 */
public record Evidence(String category, String entry, Kind kind, String source) {

  /**
   * Entry kinds, least specific first ({@link #specificity()} relies on this order): a regular
   * expression is a heuristic over the whole URL and names no site, so it ranks below a domain; a URL
   * prefix names a part of a site and ranks above it.
   */
  public enum Kind {
    /** A regular expression from an {@code expressions} list; the entry is the expression. */
    REGEX,
    /** A domain, covering its subdomains (or an IP literal, covering only itself). */
    DOMAIN,
    /** A host and path prefix, covering the path and below. */
    URL
  }

  /**
   * Orders matches by specificity (SPEC §2): a URL prefix beats a domain, a domain beats an
   * expression, and within a kind the longer
   * entry beats the shorter one. Higher is more specific.
   */
  public long specificity() {
    return ((long) kind.ordinal() << 32) | entry.length();
  }
}
