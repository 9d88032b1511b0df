package org.webfilter.policy.config;

import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.webfilter.policy.config.RoleDeclaration.DeclaredTimeRule;
import org.webfilter.policy.config.RoleSettings.ListEntry;
import org.yaml.snakeyaml.nodes.Node;

/** Reads {@code roles.<name>.time-rules}: days, local times and the rule changes each applies. */
final class TimeRuleReader {
  static final Set<String> KEYS =
      Set.of("name", "days", "from", "to", "in-term", "allow-categories", "block-categories",
          "log-categories", "allow", "block");
  static final Set<DayOfWeek> ALL_DAYS = EnumSet.allOf(DayOfWeek.class);

  private final YamlReader y;
  private final RoleReader roles;
  private final boolean termDatesSet;

  TimeRuleReader(YamlReader y, RoleReader roles, boolean termDatesSet) {
    this.y = y;
    this.roles = roles;
    this.termDatesSet = termDatesSet;
  }

  List<DeclaredTimeRule> read(Node node, String role, String rolePath) {
    List<DeclaredTimeRule> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<Node> items = y.sequence(node, rolePath + ".time-rules");
    for (int i = 0; i < items.size(); i++) {
      String path = rolePath + ".time-rules[" + i + "]";
      Map<String, Node> m = y.mapping(items.get(i), path, KEYS);
      String name = y.string(m.get("name"), path + ".name", null);
      if (name == null || name.isBlank()) {
        y.error(items.get(i), path + ".name", "missing (every time rule needs a name)");
        name = "#" + i;
      } else if (!names.add(name)) {
        y.error(m.get("name"), path + ".name", "duplicate time rule name '" + name + "' in role " + role);
      }
      Set<DayOfWeek> days = m.containsKey("days") ? days(m.get("days"), path + ".days") : ALL_DAYS;
      int from = minute(m.get("from"), path + ".from", false);
      int to = minute(m.get("to"), path + ".to", true);
      if (from >= 0 && to >= 0 && from >= to) {
        y.error(m.get("to"), path + ".to",
            TimeRule.hhmm(to) + " is not after from " + TimeRule.hhmm(from)
                + " (a rule that runs past midnight is written as two rules)");
      }
      Boolean inTerm = y.bool(m.get("in-term"), path + ".in-term", null);
      if (inTerm != null && !termDatesSet) {
        y.error(m.get("in-term"), path + ".in-term", "needs the top-level term-dates");
      }
      Set<String> allowCats = roles.categories(m.get("allow-categories"), path + ".allow-categories");
      Set<String> blockCats = roles.categories(m.get("block-categories"), path + ".block-categories");
      Set<String> logCats = roles.categories(m.get("log-categories"), path + ".log-categories");
      roles.checkAllowCategories(m.get("allow-categories"), path, blockCats);
      List<ListEntry> allow = roles.entries(m.get("allow"), path + ".allow");
      List<ListEntry> block = roles.entries(m.get("block"), path + ".block");
      roles.checkAllowAndBlock(m.get("block"), path, allow, block, "time rule " + name);
      TimeRule rule =
          new TimeRule(name, days, Math.max(from, 0), Math.max(to, 0), inTerm, allowCats, blockCats,
              logCats, allow, block, y.where(items.get(i)));
      out.add(new DeclaredTimeRule(rule, role, path));
    }
    return out;
  }

  private Set<DayOfWeek> days(Node node, String path) {
    Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
    List<Node> items = y.sequence(node, path);
    for (int i = 0; i < items.size(); i++) {
      String d = y.string(items.get(i), path + "[" + i + "]", "").trim().toLowerCase(Locale.ROOT);
      switch (d) {
        case "weekdays" -> out.addAll(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));
        case "weekend" -> out.addAll(EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY));
        default -> {
          DayOfWeek day = day(d);
          if (day == null) {
            y.error(items.get(i), path + "[" + i + "]",
                "'" + d + "' (expected: mon, tue, wed, thu, fri, sat, sun, weekdays or weekend)");
          } else {
            out.add(day);
          }
        }
      }
    }
    if (out.isEmpty() && items.isEmpty()) {
      y.error(node, path, "empty (leave 'days' out for every day)");
    }
    return out;
  }

  private static DayOfWeek day(String d) {
    for (DayOfWeek day : DayOfWeek.values()) {
      String full = day.name().toLowerCase(Locale.ROOT);
      if (d.equals(full) || d.equals(full.substring(0, 3))) {
        return day;
      }
    }
    return null;
  }

  /** Minutes after midnight for {@code HH:MM}; {@code 24:00} only as an end. -1 when missing or bad. */
  private int minute(Node node, String path, boolean end) {
    String s = y.string(node, path, null);
    if (s == null) {
      y.error(node, path, "missing (expected a local time such as \"12:00\")");
      return -1;
    }
    String t = s.trim();
    if (t.matches("([01]?[0-9]|2[0-3]):[0-5][0-9]")) {
      int colon = t.indexOf(':');
      return Integer.parseInt(t.substring(0, colon)) * 60 + Integer.parseInt(t.substring(colon + 1));
    }
    if (end && t.equals("24:00")) {
      return 24 * 60;
    }
    y.error(node, path, "'" + s + "' (expected a local time 00:00-23:59" + (end ? " or 24:00" : "") + ")");
    return -1;
  }
}
