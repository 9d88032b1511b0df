package org.webfilter.categoriser;

/**
 * Why a target is in a category: the list entry that matched and where it came from.
 *
 * @param category the product category (after the category map)
 * @param entry the entry as written in the list, e.g. {@code example.com} or {@code example.com/path}
 * @param kind whether the entry is a domain (covers subdomains) or a URL prefix
 * @param source {@code file:line} of the entry
 */
public record Evidence(String category, String entry, Kind kind, String source) {

  /** Entry kinds, least specific first. */
  public enum Kind {
    DOMAIN,
    URL
  }

  /**
   * Orders matches by specificity (SPEC §2): a URL prefix beats a domain, and within a kind the longer
   * entry beats the shorter one. Higher is more specific.
   */
  public long specificity() {
    return ((long) kind.ordinal() << 32) | entry.length();
  }
}
