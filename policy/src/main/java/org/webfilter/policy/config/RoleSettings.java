package org.webfilter.policy.config;

import java.util.List;
import java.util.Set;

/**
 * One role under {@code roles:}.
 *
 * @param blockedCategories categories blocked for this role
 * @param logOnlyCategories categories allowed but flagged ({@code LOG}) for the DSL
 * @param allow explicit allow entries (domains or URL prefixes)
 * @param block explicit block entries (domains or URL prefixes)
 */
public record RoleSettings(
    String name,
    Set<String> blockedCategories,
    Set<String> logOnlyCategories,
    List<ListEntry> allow,
    List<ListEntry> block) {

  public RoleSettings {
    blockedCategories = Set.copyOf(blockedCategories);
    logOnlyCategories = Set.copyOf(logOnlyCategories);
    allow = List.copyOf(allow);
    block = List.copyOf(block);
  }

  /**
   * An allow or block entry and where it was written ({@code file:line}), for the reason trace.
   *
   * @param value a domain ({@code example.com}, covers subdomains) or URL prefix ({@code
   *     example.com/path})
   */
  public record ListEntry(String value, String source) {
    public boolean isUrl() {
      return value.indexOf('/') >= 0;
    }
  }
}
