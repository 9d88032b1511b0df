package org.webfilter.policy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.policy.config.RoleSettings.ListEntry;

class RoleInheritanceTest {
  @TempDir static Path dir;
  static WebfilterConfig config;

  @BeforeAll
  static void load() throws Exception {
    Files.write(dir.resolve("edu.txt"), List.of("school.test"));
    Files.write(dir.resolve("more.txt"), List.of("more.test"));
    Path f = dir.resolve("webfilter.yaml");
    Files.write(f, List.of(
        "identity: {default-role: base}",
        "roles:",
        "  grandchild:",                      // written before its parents: order does not matter
        "    extends: child",
        "    phrase-threshold: 50",
        "  base:",
        "    block-categories: [adult, games, webmail]",
        "    log-categories: [chat]",
        "    allow: [a.test, keep.test]",
        "    block: [b.test]",
        "    allow-lists: [edu.txt]",
        "    phrase-threshold: 100",
        "    time-rules:",
        "      - {name: lunch, from: '12:00', to: '13:00', allow-categories: [games]}",
        "  child:",
        "    extends: base",
        "    allow-categories: [games]",
        "    block-categories: [gambling]",
        "    log-categories: [social-networking]",
        "    block: [a.test]",
        "    allow: [b.test]",
        "    allow-lists: [more.txt]",
        "    tls-interception: true",
        "    time-rules:",
        "      - {name: lunch, from: '12:00', to: '12:30', log-categories: [games]}",
        "      - {name: after-school, from: '16:00', to: '17:00', block-categories: [chat]}"));
    config = ConfigLoader.load(f);
  }

  private static Set<String> values(List<ListEntry> entries) {
    return entries.stream().map(ListEntry::value).collect(Collectors.toSet());
  }

  @Test
  void extends_addsToInheritedLists_andAllowCategoriesRemovesInheritedBlocks() {
    RoleSettings child = config.roles().get("child");
    assertEquals("base", child.parent());
    assertEquals(Set.of("adult", "webmail", "gambling"), child.blockedCategories());
    assertEquals(Set.of("chat", "social-networking"), child.logOnlyCategories());
    assertEquals(Set.of(dir.resolve("edu.txt"), dir.resolve("more.txt")), Set.copyOf(child.allowLists()));
    assertEquals(Set.of("school.test", "more.test"), values(child.allowListEntries()));
  }

  @Test
  void extends_ownEntryReplacesInheritedEntryOfTheSameValue() {
    RoleSettings child = config.roles().get("child");
    assertEquals(Set.of("keep.test", "b.test"), values(child.allow()));
    assertEquals(Set.of("a.test"), values(child.block()));
    assertEquals("roles.child.block[0]", child.block().get(0).key());
  }

  @Test
  void extends_switchesReplace_elseInherit_elseDefault() {
    RoleSettings base = config.roles().get("base");
    RoleSettings grandchild = config.roles().get("grandchild");
    assertNull(base.parent());
    assertEquals(false, base.tlsInterception());
    assertEquals(true, base.safeSearch());
    assertEquals(true, grandchild.tlsInterception());
    assertEquals(50, grandchild.phraseThreshold());
    assertEquals(100, config.roles().get("child").phraseThreshold());
  }

  @Test
  void extends_timeRuleOfTheSameNameReplacesTheInheritedOne() {
    List<TimeRule> rules = config.roles().get("grandchild").timeRules();
    assertEquals(List.of("lunch", "after-school"), rules.stream().map(TimeRule::name).toList());
    assertEquals(12 * 60 + 30, rules.get(0).toMinute());
    assertEquals(Set.of("games"), rules.get(0).logCategories());
    assertEquals(Set.of(), rules.get(0).allowCategories());
  }

  @Test
  void roles_keepTheOrderWritten() {
    assertEquals(List.of("grandchild", "base", "child"), List.copyOf(config.roles().keySet()));
  }
}
