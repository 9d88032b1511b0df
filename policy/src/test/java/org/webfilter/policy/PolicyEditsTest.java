package org.webfilter.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.config.ConfigException;
import org.webfilter.policy.config.ConfigOverrides;
import org.webfilter.policy.config.PolicyEdits;
import org.webfilter.policy.config.PolicyEdits.EditedEntry;
import org.webfilter.policy.config.PolicyEdits.RoleEdits;

/** The UI's overlay ({@code <data-dir>/policy-edits.yaml}) merged over the hand-written roles. */
class PolicyEditsTest {
  static final Instant AT = Instant.parse("2026-11-23T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(AT, ZoneOffset.UTC);
  @TempDir Path dir;
  Path file;

  @BeforeEach
  void write() throws Exception {
    Files.createDirectories(dir.resolve("lists/games"));
    Files.write(dir.resolve("lists/games/domains"), List.of("games.test"));
    Files.createDirectories(dir.resolve("lists/illegal"));
    Files.write(dir.resolve("lists/illegal/domains"), List.of("bad.test"));
    file = dir.resolve("webfilter.yaml");
    Files.write(file, List.of(
        "data-dir: data", "lists: {roots: [lists]}", "roles:",
        "  base:", "    block-categories: [illegal, games]", "    block: [hand.test]",
        "  pupil:", "    extends: base"));
  }

  static RoleEdits entries(List<EditedEntry> allow, List<EditedEntry> block) {
    return RoleEdits.NONE.withEntries(allow, block, Set.of());
  }

  static EditedEntry entry(String v, Instant expires) {
    return new EditedEntry(v, "because", "ict", AT, expires);
  }

  Policy load(PolicyEdits edits) throws ConfigException {
    return PolicyLoader.load(file, ConfigOverrides.NONE, edits, CLOCK).policy();
  }

  Verdict decide(Policy p, String role, String url) {
    return p.decide(role, Target.parse(url), AT).verdict();
  }

  @Test
  void unblockedCategory_onParent_isInheritedByChild() throws Exception {
    Policy p = load(PolicyEdits.EMPTY.with("base", RoleEdits.NONE.withCategories(Set.of(), Set.of("games"), Set.of(), Set.of())));
    assertEquals(Verdict.ALLOW, decide(p, "pupil", "http://games.test/"));
    assertEquals(Verdict.BLOCK, decide(load(PolicyEdits.EMPTY), "pupil", "http://games.test/"));
  }

  @Test
  void allowEntry_beatsCategory_untilItExpires() throws Exception {
    PolicyEdits e = PolicyEdits.EMPTY.with("pupil", entries(List.of(entry("games.test", AT.plusSeconds(60))), List.of()));
    assertEquals(Verdict.ALLOW, decide(load(e), "pupil", "http://games.test/"));
    Policy later = PolicyLoader.load(file, ConfigOverrides.NONE, e, Clock.fixed(AT.plusSeconds(60), ZoneOffset.UTC)).policy();
    assertEquals(Verdict.BLOCK, decide(later, "pupil", "http://games.test/"));
  }

  @Test
  void blockEntry_and_removeOfHandWrittenEntry_apply() throws Exception {
    PolicyEdits e = PolicyEdits.EMPTY.with("pupil",
        RoleEdits.NONE.withEntries(List.of(), List.of(entry("news.test", null)), Set.of("hand.test")));
    Policy p = load(e);
    assertEquals(Verdict.BLOCK, decide(p, "pupil", "http://news.test/"));
    assertEquals(Verdict.ALLOW, decide(p, "pupil", "http://hand.test/"));
    assertEquals(Verdict.BLOCK, decide(p, "base", "http://hand.test/"));
  }

  @Test
  void unknownCategory_isAnErrorNamingTheEditsFile() {
    ConfigException ex = assertThrows(ConfigException.class,
        () -> load(PolicyEdits.EMPTY.with("pupil", RoleEdits.NONE.withCategories(Set.of("nope"), Set.of(), Set.of(), Set.of()))));
    assertTrue(ex.errors().get(0).toString().contains("policy-edits.yaml"), ex.errors().toString());
    assertTrue(ex.errors().get(0).message().contains("unknown category 'nope'"), ex.errors().toString());
  }

  @Test
  void sameEntryInAllowAndBlock_isAnError() {
    PolicyEdits e = PolicyEdits.EMPTY.with("pupil", entries(List.of(entry("x.test", null)), List.of(entry("x.test", null))));
    ConfigException ex = assertThrows(ConfigException.class, () -> load(e));
    assertTrue(ex.errors().toString().contains("both allow and block"), ex.errors().toString());
  }

  @Test
  void allowEntryTouchingIllegal_isAnError() {
    PolicyEdits e = PolicyEdits.EMPTY.with("pupil", entries(List.of(entry("a.bad.test", null)), List.of()));
    assertThrows(ConfigException.class, () -> load(e));
  }

  @Test
  void unblockingIllegal_isAnError() {
    PolicyEdits e = PolicyEdits.EMPTY.with("pupil", RoleEdits.NONE.withCategories(Set.of(), Set.of("illegal"), Set.of(), Set.of()));
    ConfigException ex = assertThrows(ConfigException.class, () -> load(e));
    assertTrue(ex.errors().toString().contains("'illegal' is always blocked"), ex.errors().toString());
  }

  @Test
  void unknownRole_isAnError() {
    PolicyEdits e = PolicyEdits.EMPTY.with("ghost", entries(List.of(), List.of(entry("x.test", null))));
    ConfigException ex = assertThrows(ConfigException.class, () -> load(e));
    assertTrue(ex.errors().toString().contains("unknown role 'ghost'"), ex.errors().toString());
  }

  @Test
  void editsFile_inDataDir_isReadByPlainLoad_andRoundTrips() throws Exception {
    PolicyEdits e = PolicyEdits.EMPTY.with("pupil", entries(List.of(entry("games.test", AT.plusSeconds(3600))), List.of()));
    e.write(PolicyEdits.file(dir.resolve("data")));
    assertEquals(e, PolicyEdits.read(PolicyEdits.file(dir.resolve("data"))));
    assertEquals(e, PolicyEdits.parse(e.toYaml(), "x"));
    Policy p = PolicyLoader.load(file, ConfigOverrides.NONE, null, CLOCK).policy();
    assertEquals(Verdict.ALLOW, decide(p, "pupil", "http://games.test/"));
  }

  @Test
  void roleNames_listsEveryRoleSorted() throws Exception {
    assertEquals(List.of("base", "pupil"), load(PolicyEdits.EMPTY).roleNames());
  }
}
