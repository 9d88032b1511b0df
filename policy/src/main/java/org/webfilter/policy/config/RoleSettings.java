package org.webfilter.policy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * One role under {@code roles:}, with everything it inherits ({@code extends}) already merged in.
 *
 * @param name the role's name
 * @param parent the role it extends, or {@code null}
 * @param blockedCategories categories blocked for this role
 * @param logOnlyCategories categories allowed but flagged ({@code LOG}) for the DSL
 * @param allow explicit allow entries (domains, URL prefixes or {@code re:} expressions)
 * @param block explicit block entries (domains, URL prefixes or {@code re:} expressions)
 * @param allowLists the curated allow-list files the role uses ({@code allow-lists})
 * @param allowListEntries the entries read from {@code allowLists}; they rank like explicit allow entries,
 *     but a role block entry of the same value wins
 * @param timeRules rules that change the above at certain times; never overlapping
 * @param safeSearch whether the proxy enforces SafeSearch for this role
 * @param tlsInterception whether the proxy intercepts TLS for this role
 * @param phraseThreshold the weighted-phrase score at which a page is blocked; 0 turns phrase scoring off
 */
public record RoleSettings(
    String name,
    String parent,
    Set<String> blockedCategories,
    Set<String> logOnlyCategories,
    List<ListEntry> allow,
    List<ListEntry> block,
    List<Path> allowLists,
    List<ListEntry> allowListEntries,
    List<TimeRule> timeRules,
    boolean safeSearch,
    boolean tlsInterception,
    int phraseThreshold) {

  /** Role switch defaults, used when neither the role nor a role it extends sets them. */
  public static final boolean DEFAULT_SAFE_SEARCH = true;

  public static final boolean DEFAULT_TLS_INTERCEPTION = false;
  public static final int DEFAULT_PHRASE_THRESHOLD = 0;

  public RoleSettings {
    blockedCategories = Set.copyOf(blockedCategories);
    logOnlyCategories = Set.copyOf(logOnlyCategories);
    allow = List.copyOf(allow);
    block = List.copyOf(block);
    allowLists = List.copyOf(allowLists);
    allowListEntries = List.copyOf(allowListEntries);
    timeRules = List.copyOf(timeRules);
  }

  /**
   * An allow or block entry and where it was written, for the reason trace and errors.
   *
   * @param value a domain ({@code example.com}, covers subdomains), a URL prefix ({@code
   *     example.com/path}) or a regular expression ({@code re:^games\.[a-z]+\.example/}, RE2 syntax,
   *     matched case-insensitively anywhere in {@code host/path?query}; the least specific kind)
   * @param source {@code file:line}
   * @param key the dotted key it was written under, e.g. {@code roles.pupil.allow[2]}
   */
  public record ListEntry(String value, String source, String key) {
    /** How an entry says it is a regular expression rather than a domain or URL prefix. */
    public static final String REGEX_PREFIX = "re:";

    public boolean isUrl() {
      return !isRegex() && value.indexOf('/') >= 0;
    }

    public boolean isRegex() {
      return value.startsWith(REGEX_PREFIX);
    }

    /** The regular expression of a {@code re:} entry (without the prefix). */
    public String expression() {
      return isRegex() ? value.substring(REGEX_PREFIX.length()) : null;
    }

    /** The file part of {@link #source}. */
    public String file() {
      int colon = source.lastIndexOf(':');
      return colon < 0 ? source : source.substring(0, colon);
    }

    /** The line part of {@link #source}, 0 when unknown. */
    public int line() {
      int colon = source.lastIndexOf(':');
      try {
        return colon < 0 ? 0 : Integer.parseInt(source.substring(colon + 1));
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    /** The host part: the domain, or the host of a URL prefix; empty for an expression. */
    public String host() {
      if (isRegex()) {
        return "";
      }
      int slash = value.indexOf('/');
      return slash < 0 ? value : value.substring(0, slash);
    }
  }
}
