package org.webfilter.policy.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.webfilter.policy.config.RoleDeclaration.DeclaredTimeRule;
import org.webfilter.policy.config.RoleSettings.ListEntry;

/**
 * Resolves {@code extends}: a role starts from everything its parent resolves to, then applies its own
 * keys. Lists add to what is inherited ({@code allow-categories} takes categories out of the inherited
 * {@code block-categories}; an own allow or block entry replaces an inherited entry of the same value);
 * switches replace; an own time rule replaces an inherited one of the same name. Unknown parents and
 * cycles are errors, and so are overlapping time rules in the resolved role.
 */
final class RoleInheritance {
  private final YamlReader y;
  private final Map<String, RoleDeclaration> declared;
  private final Map<String, Resolved> resolved = new LinkedHashMap<>();
  private final Set<String> inCycle = new HashSet<>();

  private record Resolved(RoleSettings settings, List<DeclaredTimeRule> rules) {}

  private final Edits edits;

  RoleInheritance(YamlReader y, Map<String, RoleDeclaration> declared) {
    this(y, declared, Edits.NONE);
  }

  RoleInheritance(YamlReader y, Map<String, RoleDeclaration> declared, Edits edits) {
    this.y = y;
    this.declared = declared;
    this.edits = edits;
  }

  /**
   * The UI's {@link PolicyEdits}, the file they came from (for errors and traces) and the instant that
   * decides which entries have expired.
   */
  record Edits(PolicyEdits edits, String file, java.time.Instant now) {
    static final Edits NONE = new Edits(PolicyEdits.EMPTY, PolicyEdits.FILE_NAME, java.time.Instant.EPOCH);

    /** Unknown roles and categories, {@code illegal} unblocked, malformed entries. */
    void validate(YamlReader y, Set<String> roles, Set<String> known) {
      edits.roles().forEach((role, e) -> {
        String path = "policy-edits.roles." + role;
        if (!roles.contains(role)) {
          y.errorAt(file, path, "unknown role '" + role + "'");
        }
        checkCategories(y, e.blockCategories(), known, path + ".block-categories");
        checkCategories(y, e.unblockCategories(), known, path + ".unblock-categories");
        checkCategories(y, e.logCategories(), known, path + ".log-categories");
        checkCategories(y, e.unlogCategories(), known, path + ".unlog-categories");
        if (e.unblockCategories().contains(org.webfilter.policy.Categories.ILLEGAL)) {
          y.errorAt(file, path + ".unblock-categories", "'illegal' is always blocked; no role can allow it");
        }
        for (String c : e.blockCategories()) {
          if (e.unblockCategories().contains(c)) {
            y.errorAt(file, path + ".block-categories", "'" + c + "' is both blocked and unblocked");
          }
        }
        checkEntries(y, e.allow(), path + ".allow");
        checkEntries(y, e.block(), path + ".block");
      });
    }

    private void checkCategories(YamlReader y, Set<String> cats, Set<String> known, String path) {
      for (String c : cats) {
        if (!known.contains(c)) {
          y.errorAt(file, path, "unknown category '" + c + "'");
        }
      }
    }

    private void checkEntries(YamlReader y, List<PolicyEdits.EditedEntry> entries, String path) {
      for (PolicyEdits.EditedEntry e : entries) {
        String problem = ListEntries.problem(ListEntries.canonical(e.value()));
        if (problem != null) {
          y.errorAt(file, path, problem);
        }
      }
    }
  }

  /** The role with the UI's edits of it applied; children inherit the result. */
  private Resolved withEdits(Resolved r, RoleDeclaration d) {
    PolicyEdits.RoleEdits e = edits.edits().role(d.name());
    if (e.isEmpty()) {
      return r;
    }
    RoleSettings s = r.settings();
    Set<String> blocked = new LinkedHashSet<>(s.blockedCategories());
    blocked.removeAll(e.unblockCategories());
    blocked.addAll(e.blockCategories());
    Set<String> logged = new LinkedHashSet<>(s.logOnlyCategories());
    logged.removeAll(e.unlogCategories());
    logged.addAll(e.logCategories());
    List<ListEntry> allow = new ArrayList<>(s.allow());
    List<ListEntry> block = new ArrayList<>(s.block());
    allow.removeIf(x -> e.remove().contains(x.value()));
    block.removeIf(x -> e.remove().contains(x.value()));
    Set<String> ownAllow = new HashSet<>();
    Set<String> ownBlock = new HashSet<>();
    d.allow().forEach(x -> ownAllow.add(x.value()));
    d.block().forEach(x -> ownBlock.add(x.value()));
    ownAllow.removeAll(e.remove());
    ownBlock.removeAll(e.remove());
    Set<String> editAllow = new HashSet<>();
    String path = "policy-edits.roles." + d.name();
    for (PolicyEdits.EditedEntry x : e.allow()) {
      if (x.expiredAt(edits.now())) {
        continue;
      }
      String v = ListEntries.canonical(x.value());
      if (ownBlock.contains(v)) {
        y.errorAt(edits.file(), path + ".allow",
            "'" + v + "' is in both allow and block of role " + d.name() + " (block written in the configuration file)");
        continue;
      }
      editAllow.add(v);
      allow.removeIf(o -> o.value().equals(v));
      block.removeIf(o -> o.value().equals(v));
      allow.add(new ListEntry(v, edits.file(), path + ".allow[" + v + "]"));
    }
    for (PolicyEdits.EditedEntry x : e.block()) {
      String v = ListEntries.canonical(x.value());
      if (editAllow.contains(v) || ownAllow.contains(v)) {
        y.errorAt(edits.file(), path + ".block", "'" + v + "' is in both allow and block of role " + d.name());
        continue;
      }
      allow.removeIf(o -> o.value().equals(v));
      block.removeIf(o -> o.value().equals(v));
      block.add(new ListEntry(v, edits.file(), path + ".block[" + v + "]"));
    }
    RoleSettings out =
        new RoleSettings(s.name(), s.parent(), blocked, logged, allow, block, s.allowLists(), s.allowListEntries(),
            s.timeRules(), s.safeSearch(), s.tlsInterception(), s.phraseThreshold());
    return new Resolved(out, r.rules());
  }

  /** Every declared role, resolved, in the order written. */
  Map<String, RoleSettings> resolveAll() {
    for (RoleDeclaration d : declared.values()) {
      resolve(d.name(), new ArrayList<>());
    }
    Map<String, RoleSettings> out = new LinkedHashMap<>();
    for (String name : declared.keySet()) {
      Resolved r = resolved.get(name);
      checkOverlaps(name, r.rules());
      out.put(name, r.settings());
    }
    return out;
  }

  private Resolved resolve(String name, List<String> stack) {
    Resolved done = resolved.get(name);
    if (done != null) {
      return done;
    }
    RoleDeclaration d = declared.get(name);
    Resolved parent = null;
    stack.add(name);
    if (d.parent() != null) {
      int at = stack.indexOf(d.parent());
      if (at >= 0) {
        reportCycle(stack.subList(at, stack.size()), d.parent());
      } else if (!declared.containsKey(d.parent())) {
        y.error(d.parentNode(), "roles." + name + ".extends", "unknown role '" + d.parent() + "'");
      } else {
        parent = resolve(d.parent(), stack);
      }
    }
    stack.remove(stack.size() - 1);
    Resolved r = resolved.get(name); // already set when this role is part of a cycle
    if (r == null) {
      r = withEdits(merge(parent, d), d);
      resolved.put(name, r);
    }
    return r;
  }

  private void reportCycle(List<String> chain, String back) {
    List<String> cycle = new ArrayList<>(chain);
    cycle.add(back);
    String text = String.join(" -> ", cycle);
    for (String role : chain) {
      if (inCycle.add(role)) {
        RoleDeclaration d = declared.get(role);
        y.error(d.parentNode(), "roles." + role + ".extends", "roles extend each other in a cycle: " + text);
        resolved.put(role, merge(null, d)); // resolve without a parent so the other checks still run
      }
    }
  }

  private static Resolved merge(Resolved parent, RoleDeclaration d) {
    RoleSettings p = parent == null ? null : parent.settings();
    Set<String> blocked = new LinkedHashSet<>(p == null ? Set.of() : p.blockedCategories());
    blocked.removeAll(d.allowCategories());
    blocked.addAll(d.blockCategories());
    Set<String> logged = new LinkedHashSet<>(p == null ? Set.of() : p.logOnlyCategories());
    logged.addAll(d.logCategories());
    Set<String> ownValues = new HashSet<>();
    d.allow().forEach(e -> ownValues.add(e.value()));
    d.block().forEach(e -> ownValues.add(e.value()));
    List<ListEntry> allow = inheritedExcept(p == null ? List.of() : p.allow(), ownValues);
    allow.addAll(d.allow());
    List<ListEntry> block = inheritedExcept(p == null ? List.of() : p.block(), ownValues);
    block.addAll(d.block());
    Set<Path> files = new LinkedHashSet<>(p == null ? List.of() : p.allowLists());
    files.addAll(d.allowLists());
    Set<ListEntry> listed = new LinkedHashSet<>(p == null ? List.of() : p.allowListEntries());
    listed.addAll(d.allowListEntries());
    Map<String, DeclaredTimeRule> rules = new LinkedHashMap<>();
    if (parent != null) {
      parent.rules().forEach(r -> rules.put(r.rule().name(), r));
    }
    d.timeRules().forEach(r -> rules.put(r.rule().name(), r));
    List<DeclaredTimeRule> ruleList = List.copyOf(rules.values());
    RoleSettings settings =
        new RoleSettings(
            d.name(),
            p == null ? null : p.name(),
            blocked,
            logged,
            allow,
            block,
            List.copyOf(files),
            List.copyOf(listed),
            ruleList.stream().map(DeclaredTimeRule::rule).toList(),
            pick(d.safeSearch(), p == null ? null : p.safeSearch(), RoleSettings.DEFAULT_SAFE_SEARCH),
            pick(d.tlsInterception(), p == null ? null : p.tlsInterception(), RoleSettings.DEFAULT_TLS_INTERCEPTION),
            pick(d.phraseThreshold(), p == null ? null : p.phraseThreshold(), RoleSettings.DEFAULT_PHRASE_THRESHOLD));
    return new Resolved(settings, ruleList);
  }

  private static List<ListEntry> inheritedExcept(List<ListEntry> inherited, Set<String> values) {
    List<ListEntry> out = new ArrayList<>();
    for (ListEntry e : inherited) {
      if (!values.contains(e.value())) {
        out.add(e);
      }
    }
    return out;
  }

  private static <T> T pick(T own, T inherited, T dflt) {
    return own != null ? own : inherited != null ? inherited : dflt;
  }

  /** Reported once, at a rule the role itself wrote; a clash between two inherited rules is the parent's. */
  private void checkOverlaps(String role, List<DeclaredTimeRule> rules) {
    for (int j = 0; j < rules.size(); j++) {
      for (int i = 0; i < j; i++) {
        DeclaredTimeRule a = rules.get(i);
        DeclaredTimeRule b = rules.get(j);
        if (!a.rule().overlaps(b.rule())) {
          continue;
        }
        DeclaredTimeRule at = b.owner().equals(role) ? b : a.owner().equals(role) ? a : null;
        if (at == null) {
          continue;
        }
        DeclaredTimeRule other = at == b ? a : b;
        String whose = other.owner().equals(role) ? "" : " (inherited from " + other.owner() + ")";
        y.errorAt(at.rule().source(), at.key(),
            "time rule '" + at.rule().name() + "' (" + at.rule().describe() + ") overlaps time rule '"
                + other.rule().name() + "' (" + other.rule().describe() + ")" + whose
                + "; at most one time rule of a role may apply at a time");
      }
    }
  }
}
