package org.webfilter.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.webfilter.categoriser.Categoriser;
import org.webfilter.categoriser.Evidence;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.config.RoleSettings;
import org.webfilter.policy.config.RoleSettings.ListEntry;
import org.webfilter.policy.config.TimeRule;

/**
 * The rules of one role in force at one time: the role's own, or the role's as changed by one time rule.
 * Each blocked category, logged category and explicit entry remembers who contributed it ({@code pupil}
 * or {@code pupil@lunchtime}), which becomes the prefix of the deciding rule's id.
 */
final class RuleSet {
  private static final char SEP = '|';

  private final Map<String, String> blocked; // category -> rule-id prefix
  private final Map<String, String> logged;
  private final Categoriser explicit; // category = kind|prefix|origin

  private RuleSet(Map<String, String> blocked, Map<String, String> logged, Categoriser explicit) {
    this.blocked = Collections.unmodifiableMap(blocked);
    this.logged = Collections.unmodifiableMap(logged);
    this.explicit = explicit;
  }

  /** One matching explicit entry. {@code fromAllowList}: read from a curated allow-list file. */
  record Match(boolean allow, boolean fromAllowList, String entry, Evidence.Kind kind, String source, String prefix) {
    String describe() {
      return (allow ? (fromAllowList ? "allow-list" : "allow") : "block") + " entry " + entry + " ("
          + kindName(kind) + ", " + source + ")";
    }

    /** Rank within step 2: kind first; within domains and URL prefixes, length; expressions are not ranked by length. */
    long specificity() {
      return (long) kind.ordinal() << 32 | (kind == Evidence.Kind.REGEX ? 0 : entry.length());
    }

    String ruleId() {
      return prefix + "." + (allow ? "allow" : "block") + ":" + entry;
    }
  }

  static String kindName(Evidence.Kind kind) {
    return switch (kind) {
      case URL -> "URL prefix";
      case DOMAIN -> "domain";
      case REGEX -> "regular expression";
    };
  }

  static RuleSet of(RoleSettings role) {
    Map<String, String> blocked = new LinkedHashMap<>();
    role.blockedCategories().forEach(c -> blocked.put(c, role.name()));
    Map<String, String> logged = new LinkedHashMap<>();
    role.logOnlyCategories().forEach(c -> logged.put(c, role.name()));
    Categoriser.Builder b = Categoriser.builder().hostCacheSize(0); // a few entries: a cache only costs
    add(b, "allow", role.name(), "role", role.allow(), Set.of());
    add(b, "block", role.name(), "role", role.block(), Set.of());
    add(b, "allow", role.name(), "list", role.allowListEntries(), Set.of());
    return new RuleSet(blocked, logged, b.build());
  }

  /** The role's rules while {@code rule} applies: its entries replace role entries of the same value. */
  static RuleSet during(RoleSettings role, TimeRule rule) {
    String prefix = role.name() + "@" + rule.name();
    Map<String, String> blocked = new LinkedHashMap<>();
    role.blockedCategories().forEach(c -> blocked.put(c, role.name()));
    rule.allowCategories().forEach(blocked::remove);
    rule.blockCategories().forEach(c -> blocked.put(c, prefix));
    Map<String, String> logged = new LinkedHashMap<>();
    role.logOnlyCategories().forEach(c -> logged.put(c, role.name()));
    rule.logCategories().forEach(c -> logged.putIfAbsent(c, prefix));
    Set<String> replaced = new HashSet<>();
    rule.allow().forEach(e -> replaced.add(e.value()));
    rule.block().forEach(e -> replaced.add(e.value()));
    Categoriser.Builder b = Categoriser.builder().hostCacheSize(0); // a few entries: a cache only costs
    add(b, "allow", role.name(), "role", role.allow(), replaced);
    add(b, "block", role.name(), "role", role.block(), replaced);
    add(b, "allow", role.name(), "list", role.allowListEntries(), Set.of());
    add(b, "allow", prefix, "role", rule.allow(), Set.of());
    add(b, "block", prefix, "role", rule.block(), Set.of());
    return new RuleSet(blocked, logged, b.build());
  }

  private static void add(
      Categoriser.Builder b, String kind, String prefix, String origin, List<ListEntry> entries, Set<String> skip) {
    String tag = kind + SEP + prefix + SEP + origin;
    for (ListEntry e : entries) {
      if (skip.contains(e.value())) {
        continue;
      }
      String problem =
          e.isRegex() ? b.addExpression(tag, e.expression(), e.file(), e.line())
              : e.isUrl() ? b.addUrl(tag, e.value(), e.file(), e.line())
              : b.addDomain(tag, e.value(), e.file(), e.line());
      if (problem != null) { // validated by ConfigLoader; reaching here is a bug
        throw new IllegalStateException(e.source() + ": " + problem);
      }
    }
  }

  /**
   * Matching explicit entries, the winner first: the most specific (SPEC §2: a URL prefix beats a domain,
   * a longer entry a shorter one; a regular expression names no site, so every domain and URL prefix
   * beats it); at equal specificity a block entry beats an allow entry, so among expressions a block
   * wins.
   */
  List<Match> matches(Target target) {
    List<Evidence> found = explicit.categorise(target).evidence();
    if (found.isEmpty()) {
      return List.of();
    }
    List<Match> out = new ArrayList<>(found.size());
    for (Evidence e : found) {
      String[] tag = e.category().split("\\" + SEP, 3);
      String entry = e.kind() == Evidence.Kind.REGEX ? RoleSettings.ListEntry.REGEX_PREFIX + e.entry() : e.entry();
      out.add(new Match("allow".equals(tag[0]), "list".equals(tag[2]), entry, e.kind(), e.source(), tag[1]));
    }
    out.sort(
        Comparator.comparingLong((Match m) -> -m.specificity())
            .thenComparing(Match::allow)
            .thenComparing(Match::fromAllowList));
    return out;
  }

  /** Rule-id prefix of a blocked category, or {@code null} when it is not blocked. */
  String blockedBy(String category) {
    return blocked.get(category);
  }

  /** Rule-id prefix of a logged category, or {@code null} when it is not logged. */
  String loggedBy(String category) {
    return logged.get(category);
  }
}
