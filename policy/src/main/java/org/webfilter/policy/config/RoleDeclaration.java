package org.webfilter.policy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.webfilter.policy.config.RoleSettings.ListEntry;
import org.yaml.snakeyaml.nodes.Node;

/**
 * One role as written, before {@code extends} is resolved. {@code null} switches are not set here (they
 * are inherited or defaulted).
 */
record RoleDeclaration(
    String name,
    Node node,
    String parent,
    Node parentNode,
    Set<String> blockCategories,
    Set<String> allowCategories,
    Set<String> logCategories,
    List<ListEntry> allow,
    List<ListEntry> block,
    List<Path> allowLists,
    List<ListEntry> allowListEntries,
    List<DeclaredTimeRule> timeRules,
    Boolean safeSearch,
    Boolean tlsInterception,
    Integer phraseThreshold) {

  /** A time rule with the role that wrote it and its key, for errors after inheritance. */
  record DeclaredTimeRule(TimeRule rule, String owner, String key) {}
}
