package org.webfilter.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.config.ConfigError;
import org.webfilter.policy.config.ConfigException;
import org.webfilter.policy.config.ConfigOverrides;
import org.webfilter.policy.config.PolicyEdits;
import org.webfilter.policy.config.PolicyEdits.EditedEntry;
import org.webfilter.policy.config.PolicyEdits.RoleEdits;

/** Regular-expression allow and block entries ({@code re:...}): rank, trace, validation, UI edits. */
class RegexEntryTest {
  static final Instant NOW = Instant.parse("2026-11-23T10:15:00Z");
  @TempDir static Path dir;
  static Policy policy;

  @BeforeAll
  static void setUp() throws Exception {
    write("lists/games/domains", "games.test");
    write("lists/illegal/domains", "abuse.test");
    write("webfilter.yaml",
        "data-dir: data",
        "lists: {roots: [lists]}",
        "roles:",
        "  pupil:",
        "    block-categories: [illegal, games]",
        "    allow:",
        "      - 're:^maths\\.games\\.test/'",
        "      - re: ^[a-z]+\\.school\\.test/homework",
        "      - school.test/homework/closed",
        "    block:",
        "      - 're:/cheats?/'",
        "      - 're:^[a-z]+\\.school\\.test/'",
        "      - open.school.test",
        "      - 're:/homework/'");
    policy = PolicyLoader.load(dir.resolve("webfilter.yaml"), ConfigOverrides.NONE).policy();
  }

  static void write(String rel, String... lines) throws IOException {
    Path p = dir.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, List.of(lines));
  }

  static Decision decide(String url) {
    return policy.decide("pupil", Target.parse(url), NOW);
  }

  @ParameterizedTest(name = "{0} -> {1} by {2}")
  @CsvSource(delimiter = '|', value = {
    // an expression allows past a blocked category
    "http://maths.games.test/play            | ALLOW | pupil.allow:re:^maths\\.games\\.test/",
    "http://other.games.test/play            | BLOCK | pupil.category.games",
    // matched case-insensitively over host/path?query
    "http://Example.test/x/CHEATS/1?q=1      | BLOCK | pupil.block:re:/cheats?/",
    "http://example.test/cheatsheet          | ALLOW | default.allow",
    // among expressions, a block wins an allow whatever their length
    "http://lower.school.test/homework/1     | BLOCK | pupil.block:re:^[a-z]+\\.school\\.test/",
    // any domain or URL prefix beats an expression
    "http://open.school.test/homework/1      | BLOCK | pupil.block:open.school.test",
    "http://school.test/homework/closed/x    | ALLOW | pupil.allow:school.test/homework/closed",
    // illegal comes first: no expression can override it
    "http://abuse.test/homework/             | BLOCK | illegal",
  })
  void decide_ranksExpressionsBelowDomainsAndUrlPrefixes(String url, Verdict verdict, String rule) {
    Decision d = decide(url.strip());
    assertEquals(verdict, d.verdict(), d.trace().toString());
    assertEquals(rule, d.rule(), d.trace().toString());
  }

  @Test
  void decide_traceNamesTheExpressionAndWhyADomainBeatsIt() {
    List<String> t = decide("http://open.school.test/homework/1").trace();
    String yaml = dir.resolve("webfilter.yaml").toString();
    assertTrue(t.contains("2. block entry open.school.test (domain, " + yaml + ":13) of role pupil matches"), t.toString());
    assertTrue(t.contains("2. allow entry re:^[a-z]+\\.school\\.test/homework (regular expression, " + yaml
        + ":8) of role pupil matches"), t.toString());
    assertTrue(t.get(t.size() - 1).endsWith(": a domain is more specific than a regular expression: decided"), t.toString());
  }

  @Test
  void decide_traceSaysABlockExpressionWinsOverAnAllowExpression() {
    List<String> t = decide("http://lower.school.test/homework/1").trace();
    assertTrue(t.get(t.size() - 1).endsWith(
        "regular expressions are not ranked by length: a block expression wins over an allow expression: decided"),
        t.toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "allow: ['re:(unclosed']      | roles.pupil.allow[0]: 're:(unclosed' is not a regular expression (missing closing )) (RE2 syntax",
    "block: ['re:']               | roles.pupil.block[0]: 're:' needs an expression after it",
    "block: ['re:a;b']            | roles.pupil.block[0]: 're:a;b': write white space, ';' and non-ASCII characters as escapes",
    "allow: ['re:^abuse\\.test']  | roles.pupil.allow[0]: 're:^abuse\\.test' matches abuse.test, which is in the illegal category",
    "allow: ['re:.*']             | roles.pupil.allow[0]: 're:.*' matches",
    "allow: ['re:x'], block: ['re:x'] | roles.pupil.block[0]: 're:x' is in both allow and block of role pupil",
  })
  void load_refusesBadExpressions_withFileLineAndKey(String entries, String expected) throws IOException {
    Path f = dir.resolve("bad.yaml");
    Files.write(f, List.of("data-dir: data", "lists: {roots: [lists]}", "roles:", "  pupil: {" + entries + "}"));
    ConfigException e = assertThrows(ConfigException.class, () -> PolicyLoader.load(f, ConfigOverrides.NONE));
    List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
    assertTrue(errors.stream().anyMatch(s -> s.startsWith(f + ":4: " + expected.strip())), errors.toString());
  }

  @Test
  void uiEdits_acceptExpressions_andRefuseOnesTouchingTheIllegalTier() throws Exception {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    Path f = dir.resolve("webfilter.yaml");
    PolicyEdits ok = PolicyEdits.EMPTY.with("pupil", RoleEdits.NONE.withEntries(
        List.of(new EditedEntry("re:^chess\\.games\\.test/", "chess club", "ict", NOW, null)), List.of(), Set.of()));
    Policy p = PolicyLoader.load(f, ConfigOverrides.NONE, ok, clock).policy();
    assertEquals("pupil.allow:re:^chess\\.games\\.test/",
        p.decide("pupil", Target.parse("http://chess.games.test/"), NOW).rule());

    PolicyEdits bad = PolicyEdits.EMPTY.with("pupil", RoleEdits.NONE.withEntries(
        List.of(new EditedEntry("re:abuse", "oops", "ict", NOW, null)), List.of(), Set.of()));
    ConfigException e = assertThrows(ConfigException.class, () -> PolicyLoader.load(f, ConfigOverrides.NONE, bad, clock));
    assertTrue(e.getMessage().contains("'re:abuse' matches abuse.test, which is in the illegal category"), e.getMessage());
  }
}
