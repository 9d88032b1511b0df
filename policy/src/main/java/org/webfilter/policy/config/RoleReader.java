package org.webfilter.policy.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.webfilter.policy.Categories;
import org.webfilter.policy.config.RoleSettings.ListEntry;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads one {@code roles.<name>} mapping as written, reporting every problem in it. */
final class RoleReader {
  static final Set<String> KEYS =
      Set.of("extends", "block-categories", "allow-categories", "log-categories", "allow", "block",
          "allow-lists", "time-rules", "safe-search", "tls-interception", "phrase-threshold");
  static final int MAX_PHRASE_THRESHOLD = 1_000_000;

  private final YamlReader y;
  private final Set<String> known;
  private final Path base;
  private final AllowListFiles allowLists;
  private final TimeRuleReader timeRules;

  RoleReader(YamlReader y, Set<String> known, Path base, AllowListFiles allowLists, boolean termDatesSet) {
    this.y = y;
    this.known = known;
    this.base = base;
    this.allowLists = allowLists;
    this.timeRules = new TimeRuleReader(y, this, termDatesSet);
  }

  RoleDeclaration read(String name, Node node) {
    String path = "roles." + name;
    Map<String, Node> m = y.mapping(node, path, KEYS);
    String parent = y.string(m.get("extends"), path + ".extends", null);
    Set<String> blocked = categories(m.get("block-categories"), path + ".block-categories");
    Set<String> unblocked = categories(m.get("allow-categories"), path + ".allow-categories");
    checkAllowCategories(m.get("allow-categories"), path, blocked);
    Set<String> logged = categories(m.get("log-categories"), path + ".log-categories");
    List<ListEntry> allow = entries(m.get("allow"), path + ".allow");
    List<ListEntry> block = entries(m.get("block"), path + ".block");
    checkAllowAndBlock(m.get("block"), path, allow, block, "role " + name);
    List<Path> files = new ArrayList<>();
    List<ListEntry> listed = new ArrayList<>();
    List<Node> fileNodes = y.sequence(m.get("allow-lists"), path + ".allow-lists");
    for (int i = 0; i < fileNodes.size(); i++) {
      String f = y.string(fileNodes.get(i), path + ".allow-lists[" + i + "]", null);
      if (f == null || f.isBlank()) {
        continue;
      }
      Path p = base.resolve(f.trim()).normalize();
      files.add(p);
      listed.addAll(allowLists.read(p, fileNodes.get(i), path + ".allow-lists[" + i + "]"));
    }
    Integer threshold =
        m.containsKey("phrase-threshold")
            ? y.integer(m.get("phrase-threshold"), path + ".phrase-threshold", 0, 0, MAX_PHRASE_THRESHOLD)
            : null;
    return new RoleDeclaration(
        name, node, parent, m.get("extends"), blocked, unblocked, logged, allow, block, files, listed,
        timeRules.read(m.get("time-rules"), name, path),
        y.bool(m.get("safe-search"), path + ".safe-search", null),
        y.bool(m.get("tls-interception"), path + ".tls-interception", null),
        threshold);
  }

  Set<String> categories(Node node, String path) {
    Set<String> out = new LinkedHashSet<>();
    List<Node> items = y.sequence(node, path);
    for (int i = 0; i < items.size(); i++) {
      String c = y.string(items.get(i), path + "[" + i + "]", "").trim();
      if (!known.contains(c)) {
        y.error(items.get(i), path + "[" + i + "]", "unknown category '" + c + "'");
      } else {
        out.add(c);
      }
    }
    return out;
  }

  /** {@code allow-categories} may not name {@code illegal}, nor a category it also blocks. */
  void checkAllowCategories(Node node, String path, Set<String> blocked) {
    List<Node> items = y.itemsQuietly(node);
    for (int i = 0; i < items.size(); i++) {
      if (!(items.get(i) instanceof ScalarNode scalar)) {
        continue;
      }
      String c = scalar.getValue().trim();
      String key = path + ".allow-categories[" + i + "]";
      if (c.equals(Categories.ILLEGAL)) {
        y.error(items.get(i), key, "'illegal' is always blocked; no role or time rule can allow it");
      } else if (blocked.contains(c)) {
        y.error(items.get(i), key, "'" + c + "' is in both allow-categories and block-categories");
      }
    }
  }

  List<ListEntry> entries(Node node, String path) {
    List<ListEntry> out = new ArrayList<>();
    List<Node> items = y.sequence(node, path);
    for (int i = 0; i < items.size(); i++) {
      String key = path + "[" + i + "]";
      String v = ListEntries.canonical(raw(items.get(i), key));
      String problem = ListEntries.problem(v);
      if (problem != null) {
        y.error(items.get(i), key, problem);
      } else {
        out.add(new ListEntry(v, y.where(items.get(i)), key));
      }
    }
    return out;
  }

  /**
   * An entry as written: a string, or {@code re: EXPR} — YAML reads {@code - re: x} (with a space) as a
   * one-key mapping, which means the same as the string {@code re:x}.
   */
  private String raw(Node item, String key) {
    if (item instanceof MappingNode) {
      Map<String, Node> m = y.mapping(item, key, Set.of("re"));
      String regex = y.string(m.get("re"), key + ".re", "");
      return ListEntries.REGEX_PREFIX + regex;
    }
    return y.string(item, key, "");
  }

  /** The same entry in allow and block of one role (or one time rule) is an error. */
  void checkAllowAndBlock(Node blockNode, String path, List<ListEntry> allow, List<ListEntry> block, String owner) {
    Set<String> allowValues = new HashSet<>();
    allow.forEach(e -> allowValues.add(e.value()));
    for (ListEntry b : block) {
      if (allowValues.contains(b.value())) {
        y.errorAt(b.source(), b.key(), "'" + b.value() + "' is in both allow and block of " + owner);
      }
    }
  }
}
